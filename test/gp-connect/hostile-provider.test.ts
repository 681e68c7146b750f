// A provider that misbehaves: malformed, oversized, slow or failing answers. Each becomes a typed
// answer (UNAVAILABLE sections with a warning code, or a typed error on `patient`), nothing of the
// provider's body reaches the caller, and the next request is served. No assertion here depends on
// how fast the machine is: a slow provider is shown to be given up on by its typed code and by the
// connection we closed, not by timing the request.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/backends.js';
import { outcome, type Reply } from './support/fake-provider.js';
import { GP_CLINICIAN, GP_PRACTICE, UNKNOWN_TO_PROVIDER, endpointFor, startGpConnectEstate, type GpConnectEstate } from './support/estate.js';
import { JANE } from './support/fixtures.js';
import { TWO_SECTIONS, type Section } from './support/queries.js';

const TIMEOUT_MS = 800;
const MAX_BYTES = 256 * 1024;

type TwoSections = { patient: { __typename: string; code?: string; allergies?: Section; medications?: Section } };

describe.each(await availableBackends())('GP Connect hostile provider (%s)', (backend) => {
  let estate: GpConnectEstate;
  let token: string;

  beforeAll(async () => {
    estate = await startGpConnectEstate(backend, { timeoutMs: TIMEOUT_MS, maxResponseBytes: MAX_BYTES });
    token = await estate.app.tokenFor(GP_CLINICIAN);
  });
  afterAll(() => estate.close());
  afterEach(async () => {
    estate.provider.override = null;
    // The server keeps serving: the next ordinary request gets the record.
    const next = await estate.app.gql<TwoSections>(TWO_SECTIONS, { nhsNumber: JANE }, token);
    expect(next.data?.patient.allergies?.status).toBe('RECORDED');
    expect(next.data?.patient.medications?.status).toBe('RECORDED');
    estate.provider.requests.length = 0;
    estate.provider.abandoned = 0;
  });

  const readTwoSections = async () => {
    const response = await estate.app.gql<TwoSections>(TWO_SECTIONS, { nhsNumber: JANE }, token);
    expect(response.errors).toBeUndefined();
    const text = JSON.stringify(response);
    expect(text).not.toContain('Provider diagnostics');
    expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
    return { patient: response.data!.patient };
  };
  const structuredRecordAnswers = (reply: Reply | (() => Reply)) => {
    estate.provider.override = (r) => (r.method === 'POST' ? (typeof reply === 'function' ? reply() : reply) : undefined);
  };
  const posts = () => estate.provider.requests.filter((r) => r.method === 'POST').length;

  it.each<[string, Reply, string]>([
    ['invalid JSON', { body: '{"resourceType": "Bundle", "entry": [' }, 'PROVIDER_ERROR'],
    ['a wrong content type', { contentType: 'text/html', body: '<html><body>Gateway</body></html>' }, 'PROVIDER_ERROR'],
    ['a JSON array', { body: [] }, 'PROVIDER_ERROR'],
    ['a resource that is not a Bundle', { body: { resourceType: 'Patient', id: '1' } }, 'PROVIDER_ERROR'],
    ['a body larger than allowed, streamed without a length', { streamBytes: 4 * MAX_BYTES }, 'PROVIDER_ERROR'],
    ['a declared length larger than allowed', { headers: { 'content-length': String(100 * MAX_BYTES) }, body: '{}' }, 'PROVIDER_ERROR'],
    ['a redirect elsewhere', { status: 302, headers: { location: 'http://127.0.0.1:9/elsewhere' }, body: '' }, 'PROVIDER_ERROR'],
    ['500 INTERNAL_SERVER_ERROR', { status: 500, body: outcome('INTERNAL_SERVER_ERROR') }, 'PROVIDER_ERROR'],
    ['404 PATIENT_NOT_FOUND', { status: 404, body: outcome('PATIENT_NOT_FOUND') }, 'PATIENT_NOT_FOUND'],
    ['400 INVALID_NHS_NUMBER', { status: 400, body: outcome('INVALID_NHS_NUMBER') }, 'INVALID_NHS_NUMBER'],
    ['403 NO_RELATIONSHIP', { status: 403, body: outcome('NO_RELATIONSHIP') }, 'NO_RELATIONSHIP'],
    ['422 INVALID_RESOURCE', { status: 422, body: outcome('INVALID_RESOURCE') }, 'INVALID_RESOURCE'],
    ['501 NOT_IMPLEMENTED', { status: 501, body: outcome('NOT_IMPLEMENTED') }, 'NOT_SUPPORTED'],
    ['502 with an HTML page', { status: 502, contentType: 'text/html', body: '<html>Bad gateway</html>' }, 'PROVIDER_UNAVAILABLE'],
    ['200 with an OperationOutcome instead of a Bundle', { status: 200, body: outcome('NO_RELATIONSHIP') }, 'NO_RELATIONSHIP'],
  ])('answers %s with UNAVAILABLE sections', async (_, reply, code) => {
    structuredRecordAnswers(reply);
    const { patient } = await readTwoSections();
    for (const section of [patient.allergies!, patient.medications!]) {
      expect(section.status).toBe('UNAVAILABLE');
      expect(section.items).toEqual([]);
      expect(section.warnings.map((w) => w.code)).toEqual([code]);
      expect(section.warnings[0]!.message).toMatch(/clinical system/);
    }
    // Answered from what the provider sent, not by waiting for our timeout: nothing was given up on.
    // (An answer streamed past the size limit may be cut while the provider is still sending, or
    // after it sent everything into the socket: which one depends on buffering, so it is not counted.)
    if (reply.streamBytes === undefined) expect(estate.provider.abandoned).toBe(0);
  });

  it('gives up on a slow provider at the configured timeout and closes the connection', async () => {
    structuredRecordAnswers({ delayMs: 60_000, body: {} });
    const { patient } = await readTwoSections();
    // PROVIDER_TIMEOUT comes only from the configured deadline firing (not from a failure the provider caused)...
    expect(patient.allergies).toMatchObject({ status: 'UNAVAILABLE', warnings: [{ code: 'PROVIDER_TIMEOUT' }] });
    expect(patient.medications).toMatchObject({ status: 'UNAVAILABLE', warnings: [{ code: 'PROVIDER_TIMEOUT' }] });
    // ...and the one request the provider sat on was abandoned, its connection closed, not left open.
    await estate.provider.whenAbandoned(1);
    expect(estate.provider.abandoned).toBe(1);
    expect(posts()).toBe(1);
  });

  it('retries a read twice on 503, then reports the provider unavailable', async () => {
    structuredRecordAnswers({ status: 503, contentType: 'text/plain', body: 'Service Unavailable' });
    const { patient } = await readTwoSections();
    expect(patient.medications).toMatchObject({ status: 'UNAVAILABLE', warnings: [{ code: 'PROVIDER_UNAVAILABLE' }] });
    expect(posts()).toBe(3);
  });

  it('recovers when a retry succeeds', async () => {
    let calls = 0;
    estate.provider.override = (r) => (r.method === 'POST' && ++calls === 1 ? { status: 504, contentType: 'text/plain', body: 'timeout' } : undefined);
    const { patient } = await readTwoSections();
    expect(patient.allergies?.status).toBe('RECORDED');
    expect(posts()).toBe(2);
  });

  it('does not retry other failures', async () => {
    structuredRecordAnswers({ status: 500, body: outcome('INTERNAL_SERVER_ERROR') });
    await readTwoSections();
    expect(posts()).toBe(1);
  });

  it('reports a record for another patient as unusable rather than showing it', async () => {
    structuredRecordAnswers({
      body: {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [{ resource: { resourceType: 'Patient', id: 'x', identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9000000009' }] } }],
      },
    });
    const { patient } = await readTwoSections();
    expect(patient.allergies).toMatchObject({ status: 'UNAVAILABLE', warnings: [{ code: 'PROVIDER_ERROR', message: expect.stringMatching(/different patient/) }] });
  });

  it('reads a consent refusal (NO_PATIENT_CONSENT) as WITHHELD', async () => {
    structuredRecordAnswers({ status: 403, body: outcome('NO_PATIENT_CONSENT') });
    const { patient } = await readTwoSections();
    expect(patient.allergies).toEqual({ status: 'WITHHELD', items: [], warnings: [{ code: 'WITHHELD', message: 'The patient has dissented from sharing their record.' }] });
  });

  describe('find patient', () => {
    const findPatientAnswers = (reply: Reply) => {
      estate.provider.override = (r) => (r.method === 'GET' && r.url.pathname.endsWith('/Patient') ? reply : undefined);
    };
    const patientResult = async (nhsNumber = JANE) => {
      const response = await estate.app.gql<{ patient: { __typename: string; code?: string; message?: string } }>(
        `query($n: String!) { patient(nhsNumber: $n) { __typename ... on Error { code message } ... on Patient { givenName } } }`,
        { n: nhsNumber },
        token,
      );
      expect(response.errors).toBeUndefined();
      expect(JSON.stringify(response)).not.toContain('Provider diagnostics');
      return response.data!.patient;
    };

    it.each<[string, Reply, string, string]>([
      ['400 INVALID_NHS_NUMBER', { status: 400, body: outcome('INVALID_NHS_NUMBER') }, 'InvalidNhsNumber', 'INVALID_NHS_NUMBER'],
      ['404 PATIENT_NOT_FOUND', { status: 404, body: outcome('PATIENT_NOT_FOUND') }, 'PatientNotFound', 'PATIENT_NOT_FOUND'],
      ['403 NO_RELATIONSHIP', { status: 403, body: outcome('NO_RELATIONSHIP') }, 'ClinicalSystemError', 'NO_RELATIONSHIP'],
      ['invalid JSON', { body: 'not json' }, 'ClinicalSystemError', 'PROVIDER_ERROR'],
      ['503', { status: 503, contentType: 'text/plain', body: 'down' }, 'ClinicalSystemError', 'PROVIDER_UNAVAILABLE'],
      ['a slow answer', { delayMs: 60_000, body: {} }, 'ClinicalSystemError', 'PROVIDER_TIMEOUT'],
    ])('answers %s with a typed error', async (_, reply, typename, code) => {
      findPatientAnswers(reply);
      expect(await patientResult()).toMatchObject({ __typename: typename, code });
      // Only the slow answer is given up on (its connection closed); every other one was read.
      if (code === 'PROVIDER_TIMEOUT') await estate.provider.whenAbandoned(1);
      expect(estate.provider.abandoned).toBe(code === 'PROVIDER_TIMEOUT' ? 1 : 0);
    });

    it('reports a patient the provider does not know as PatientNotFound', async () => {
      expect(await patientResult(UNKNOWN_TO_PROVIDER)).toMatchObject({ __typename: 'PatientNotFound', code: 'PATIENT_NOT_FOUND' });
    });

    it('ignores a search result for a different NHS number', async () => {
      findPatientAnswers({ body: { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Patient', id: '9', identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9000000009' }] } }] } });
      expect(await patientResult()).toMatchObject({ __typename: 'PatientNotFound' });
    });

    it('reports a practice without a valid endpoint as NOT_SUPPORTED', async () => {
      await estate.setEndpoint({ baseUrl: 'ftp://nowhere', providerAsid: 'x' });
      try {
        expect(await patientResult()).toMatchObject({ __typename: 'ClinicalSystemError', code: 'NOT_SUPPORTED' });
      } finally {
        await estate.setEndpoint(endpointFor(estate.provider));
      }
    });

    it('reports an unreachable provider as PROVIDER_UNAVAILABLE within the timeout', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      await estate.setEndpoint({ ...endpointFor(estate.provider), baseUrl: `http://127.0.0.1:${port}/fhir` });
      try {
        // UNAVAILABLE, not TIMEOUT: the refused connection is reported as such, without waiting for the deadline.
        expect(await patientResult()).toMatchObject({ __typename: 'ClinicalSystemError', code: 'PROVIDER_UNAVAILABLE' });
      } finally {
        await estate.setEndpoint(endpointFor(estate.provider));
      }
    });
  });

  it('reports a failing slot search as ClinicalSystemError', async () => {
    estate.provider.override = (r) => (r.url.pathname.endsWith('/Slot') ? { status: 200, contentType: 'application/fhir+json', body: '{"resourceType":' } : undefined);
    const response = await estate.app.gql<{ practice: { slots: { __typename: string; code: string } } }>(
      `{ practice(odsCode: "${GP_PRACTICE.odsCode}") { ... on Practice { slots(from: "2016-08-15T00:00:00Z", to: "2016-08-16T00:00:00Z") { __typename ... on Error { code } } } } }`,
      {},
      token,
    );
    expect(response.data!.practice.slots).toEqual({ __typename: 'ClinicalSystemError', code: 'PROVIDER_ERROR' });
  });
});
