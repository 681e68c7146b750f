// Every typed failure a GP Connect provider can cause fits the result union of the field that asked:
// each provider error on each field answers a member of that field's union with the right code,
// never the GraphQL runtime error "X is not a possible type for Y".
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/backends.js';
import { outcome, type RecordedRequest, type Reply } from './support/fake-provider.js';
import { GP_CLINICIAN, GP_PRACTICE, startGpConnectEstate, type GpConnectEstate } from './support/estate.js';
import { JANE_FOUNDATIONS } from './support/fixtures.js';

const TIMEOUT_MS = 800;

/** One provider answer per ConnectorError code. */
const REFUSALS: Array<[string, Reply]> = [
  ['PATIENT_NOT_FOUND', { status: 404, body: outcome('PATIENT_NOT_FOUND') }],
  ['INVALID_NHS_NUMBER', { status: 400, body: outcome('INVALID_NHS_NUMBER') }],
  ['NO_RELATIONSHIP', { status: 403, body: outcome('NO_RELATIONSHIP') }],
  ['INVALID_RESOURCE', { status: 422, body: outcome('INVALID_RESOURCE') }],
  ['NOT_SUPPORTED', { status: 501, body: outcome('NOT_IMPLEMENTED') }],
  ['PROVIDER_ERROR', { status: 500, body: outcome('INTERNAL_SERVER_ERROR') }],
  ['PROVIDER_UNAVAILABLE', { status: 503, contentType: 'text/plain', body: 'down' }],
  ['PROVIDER_TIMEOUT', { delayMs: 10_000, body: {} }],
];

const PATIENT_ERRORS = ['InvalidNhsNumber', 'PatientNotFound', 'ClinicalSystemError'];
const SPECIFIC: Record<string, string> = { PATIENT_NOT_FOUND: 'PatientNotFound', INVALID_NHS_NUMBER: 'InvalidNhsNumber' };

interface Field {
  /** Which provider request the refusal answers. */
  answers: (r: RecordedRequest) => boolean;
  query: string;
  result: (data: Record<string, unknown>) => { __typename: string; code?: string };
  union: string[];
}

const FIELDS: Record<string, Field> = {
  'Query.patient': {
    answers: (r) => r.method === 'GET' && r.url.pathname.endsWith('/Patient'),
    query: `query($n: String!) { result: patient(nhsNumber: $n) { __typename ... on Error { code } } }`,
    result: (d) => d.result as { __typename: string },
    union: PATIENT_ERRORS,
  },
  'Patient.appointments': {
    answers: (r) => r.url.pathname.endsWith('/Appointment'),
    query: `query($n: String!) { patient(nhsNumber: $n) { ... on Patient { result: appointments { __typename ... on Error { code } } } } }`,
    result: (d) => (d.patient as { result: { __typename: string } }).result,
    union: PATIENT_ERRORS,
  },
  'Practice.slots': {
    answers: (r) => r.url.pathname.endsWith('/Slot'),
    query: `{ practice(odsCode: "${GP_PRACTICE.odsCode}") { ... on Practice { result: slots(from: "2030-08-15T00:00:00Z", to: "2030-08-16T00:00:00Z") { __typename ... on Error { code } } } } }`,
    result: (d) => (d.practice as { result: { __typename: string } }).result,
    union: ['ClinicalSystemError'],
  },
};

describe.each(await availableBackends())('GP Connect refusals fit each field (%s)', (backend) => {
  let estate: GpConnectEstate;
  let token: string;

  beforeAll(async () => {
    estate = await startGpConnectEstate(backend, { timeoutMs: TIMEOUT_MS });
    token = await estate.app.tokenFor(GP_CLINICIAN);
  });
  afterAll(() => estate.close());
  afterEach(() => {
    estate.provider.override = null;
  });

  describe.each(Object.entries(FIELDS))('%s', (_, field) => {
    it.each(REFUSALS)('answers a provider %s with a member of its union', async (code, reply) => {
      estate.provider.override = (r) => (field.answers(r) ? reply : undefined);
      const response = await estate.app.gql<Record<string, unknown>>(field.query, { n: JANE_FOUNDATIONS }, token);
      expect(response.errors).toBeUndefined();
      const result = field.result(response.data!);
      const expected = SPECIFIC[code] && field.union.includes(SPECIFIC[code]) ? SPECIFIC[code] : 'ClinicalSystemError';
      expect(result).toEqual({ __typename: expected, code });
      expect(field.union).toContain(result.__typename);
    });
  });
});
