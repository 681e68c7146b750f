// Queries shared by several tests.
// The whole-record query is the one the benchmark drives.
export { RECORD_QUERY } from '../../bench/queries.js';

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
