// Queries shared by several tests.
export const RECORD_QUERY = /* GraphQL */ `
  query Record($nhsNumber: String!) {
    patient(nhsNumber: $nhsNumber) {
      __typename
      ... on Error { code message }
      ... on Patient {
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
      }
    }
  }
`;

export const PRACTICE_PATIENTS_QUERY = /* GraphQL */ `
  query PracticePatients($odsCode: String!, $first: Int) {
    practice(odsCode: $odsCode) {
      __typename
      ... on Practice {
        patients(first: $first) {
          edges { node { nhsNumber givenName allergies { status items { code { code } } } medications { status items { id medication { display } } } problems { status } } }
        }
      }
    }
  }
`;
