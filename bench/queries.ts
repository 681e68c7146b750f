// The queries the benchmark drives: ours, and PostGraphile's closest equivalents over the same tables.
// PostGraphile answers columns as stored (codes, JSON columns); ours maps them into the record model
// with section statuses, so the byte counts differ while the rows read are the same. The tests ask
// the same record query (test/support/queries.ts re-exports it), so what is measured is what is tested.

/** Every record section. */
const PATIENT_FIELDS = /* GraphQL */ `
  nhsNumber givenName familyName birthDate gender
  practice { odsCode system { id } }
  allergies(includeResolved: true) { status warnings { code } items { id code { system code display } clinicalStatus reactions { severity } } }
  medications { status items { id medication { system code display } dosageText status issues { issueDate } } }
  problems { status items { id code { code display } status } }
  immunisations { status items { id vaccine { code display } given } }
  consultations { status warnings { code } items { id date entries { heading text } } }
  investigations { status items { id code { display } results { value unit referenceRange { low high } } } }
  referrals { status items { id reason { display } priority } }
  uncategorised { status items { id code { display } value unit } }
  diaryEntries { status items { id code { display } } }
`;

/** One patient's whole record, or the typed error that stands for it. */
export const RECORD_QUERY = /* GraphQL */ `
  query Record($nhsNumber: String!) {
    patient(nhsNumber: $nhsNumber) {
      __typename
      ... on Error { code message }
      ... on Patient { ${PATIENT_FIELDS} }
    }
  }
`;

export const PAGE_QUERY = /* GraphQL */ `
  query Page($odsCode: String!, $first: Int!) {
    practice(odsCode: $odsCode) {
      __typename
      ... on Practice { patients(first: $first) { edges { node { ${PATIENT_FIELDS} } } } }
    }
  }
`;

/** PostGraphile: the same rows in the same order (section rows by date; patients by NHS number). */
const PG_PATIENT_FIELDS = /* GraphQL */ `
  nhsNumber givenName familyName birthDate gender practiceOds
  allergiesByNhsNumber(orderBy: [ASSERTED_DATE_DESC]) { nodes { rowId code display clinicalStatus severity } }
  medicationsByNhsNumber(orderBy: [START_DATE_DESC]) { nodes { rowId dmdCode display dosageText status issues } }
  problemsByNhsNumber(orderBy: [ONSET_DATE_DESC]) { nodes { rowId code display status } }
  immunisationsByNhsNumber(orderBy: [DATE_DESC]) { nodes { rowId code display given } }
  consultationsByNhsNumber(orderBy: [DATE_DESC]) { nodes { rowId date entries } }
  investigationsByNhsNumber(orderBy: [DATE_DESC]) { nodes { rowId display results } }
  referralsByNhsNumber(orderBy: [DATE_DESC]) { nodes { rowId reasonDisplay priority } }
  observationsByNhsNumber(orderBy: [DATE_DESC]) { nodes { rowId display value unit } }
  diaryEntriesByNhsNumber(orderBy: [PLANNED_DATE_ASC]) { nodes { rowId display } }
`;

export const PG_RECORD_QUERY = /* GraphQL */ `
  query Record($nhsNumber: String!) { patientByNhsNumber(nhsNumber: $nhsNumber) { ${PG_PATIENT_FIELDS} } }
`;

export const PG_PAGE_QUERY = /* GraphQL */ `
  query Page($odsCode: String!, $first: Int!) {
    allPatients(condition: { practiceOds: $odsCode }, first: $first, orderBy: [NHS_NUMBER_ASC]) { nodes { ${PG_PATIENT_FIELDS} } }
  }
`;
