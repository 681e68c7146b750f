// GraphQL documents for the GP Connect tests: every field the model has, so assertions are field by field.
const CODING = 'system code display';
const PERSON = 'name role';

export const SECTION_FIELDS = {
  allergies: `status warnings { code message } items { id code { ${CODING} } clinicalStatus category onsetDate assertedDate endDate reactions { manifestation { ${CODING} } severity description } note recorder { ${PERSON} } }`,
  medications: `status warnings { code message } items { id medication { ${CODING} } dosageText quantityText prescriptionType status startDate endDate issues { id issueDate quantityText issueNumber } prescriber { ${PERSON} } }`,
  problems: `status warnings { code message } items { id code { ${CODING} } status significance onsetDate endDate note }`,
  immunisations: `status warnings { code message } items { id vaccine { ${CODING} } date given doseSequence reasonNotGiven { ${CODING} } note }`,
  consultations: `status warnings { code message } items { id date type practitioner { ${PERSON} } location entries { heading text } }`,
  investigations: `status warnings { code message } items { id date code { ${CODING} } status specimen results { id code { ${CODING} } value valueText unit referenceRange { low high text } interpretation comment } }`,
  referrals: `status warnings { code message } items { id date reason { ${CODING} } specialty priority status recipient note }`,
  uncategorised: `status warnings { code message } items { id date code { ${CODING} } value valueText unit components { code { ${CODING} } value unit } }`,
  diaryEntries: `status warnings { code message } items { id plannedDate code { ${CODING} } status note }`,
};

export const FULL_RECORD = /* GraphQL */ `
  query FullRecord($nhsNumber: String!) {
    patient(nhsNumber: $nhsNumber) {
      __typename
      ... on Error { code message }
      ... on Patient {
        nhsNumber givenName familyName birthDate gender practice { odsCode sandbox }
        allergies(includeResolved: true) { ${SECTION_FIELDS.allergies} }
        medications { ${SECTION_FIELDS.medications} }
        problems { ${SECTION_FIELDS.problems} }
        immunisations { ${SECTION_FIELDS.immunisations} }
        consultations { ${SECTION_FIELDS.consultations} }
        investigations { ${SECTION_FIELDS.investigations} }
        referrals { ${SECTION_FIELDS.referrals} }
        uncategorised { ${SECTION_FIELDS.uncategorised} }
        diaryEntries { ${SECTION_FIELDS.diaryEntries} }
      }
    }
  }
`;

/** Two sections only: what most hostile-provider tests ask for. */
export const TWO_SECTIONS = /* GraphQL */ `
  query TwoSections($nhsNumber: String!) {
    patient(nhsNumber: $nhsNumber) {
      __typename
      ... on Error { code message }
      ... on Patient {
        allergies { status warnings { code message } items { code { display } } }
        medications { status warnings { code message } items { medication { display } } }
      }
    }
  }
`;

export interface Section<T = Record<string, unknown>> {
  status: string;
  warnings: Array<{ code: string; message: string }>;
  items: T[];
}
