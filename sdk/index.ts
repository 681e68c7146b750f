// Public surface of the SDK. Add exports here deliberately; generated internals stay private.
export { createClient, GraphQLRequestError } from './client.js';
export type { Client, ClientOptions, GraphQLErrorBody } from './client.js';
export {
  ClinicalSystemsDocument,
  FreeSlotsDocument,
  PatientRecordDocument,
  PracticePatientsDocument,
  PracticesDocument,
} from './generated/graphql.js';
export type {
  ClinicalSystemsQuery,
  FreeSlotsQuery,
  FreeSlotsQueryVariables,
  PatientRecordQuery,
  PatientRecordQueryVariables,
  PracticePatientsQuery,
  PracticePatientsQueryVariables,
  PracticesQuery,
  PracticesQueryVariables,
  SectionStatus,
  ClinicalSystemId,
  ErrorCode,
} from './generated/graphql.js';
export { clientCredentials, OAuthError } from './auth.js';
export type { ClientCredentialsOptions, TokenSource } from './auth.js';
