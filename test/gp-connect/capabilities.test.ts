// The capability matrix of a GP Connect practice follows its provider's CapabilityStatement: read
// from GET /metadata, cached for the configured time, read again after it. What the provider does
// not declare is refused (NOT_SUPPORTED) before it is asked; a statement that cannot be read is a
// typed error on the matrix and the practice keeps being served. Foundations reads fill in the
// practitioners a record refers to but does not include.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/backends.js';
import { outcome, type RecordedRequest, type Reply } from './support/fake-provider.js';
import { GP_CLINICIAN, GP_PRACTICE, decodeJwt, startGpConnectEstate, type GpConnectEstate } from './support/estate.js';
import { JANE, JANE_FOUNDATIONS, fixture } from './support/fixtures.js';
import { TWO_SECTIONS, type Section } from './support/queries.js';

const TTL_MS = 60_000;
const TIMEOUT_MS = 1000;
const METADATA = 'urn:nhs:names:services:gpconnect:fhir:rest:read:metadata-1';
const READ_PRACTITIONER = 'urn:nhs:names:services:gpconnect:fhir:rest:read:practitioner-1';

type Json = Record<string, unknown>;
type Capability = { area: string; support: string; source: string; note: string | null };
type CapabilitiesAnswer = { __typename: string; code?: string; message?: string; capabilities?: Capability[] };
type TwoSections = { patient: { allergies: Section; medications: Section } };

const CAPABILITIES = (ods: string) => `{ practice(odsCode: "${ods}") { ... on Practice { capabilities { __typename
  ... on Error { code message } ... on CapabilityMatrix { capabilities { area support source note } } } } } }`;

/** The published example statement, changed by `edit`. */
function statement(edit: (rest: { resource: Json[]; operation: Json[] }) => void = () => undefined): Json {
  const example = fixture('foundations--get_capability_statement_response_example.json');
  edit((example.rest as Array<{ resource: Json[]; operation: Json[] }>)[0]!);
  return example;
}
const withoutResource = (type: string) => statement((rest) => void (rest.resource = rest.resource.filter((r) => r.type !== type)));
const withoutOperation = (name: string) => statement((rest) => void (rest.operation = rest.operation.filter((o) => o.name !== name)));

describe.each(await availableBackends())('GP Connect capability statement and Foundations reads (%s)', (backend) => {
  let estate: GpConnectEstate;
  let token: string;
  let now = Date.parse('2026-06-01T00:00:00Z');

  beforeAll(async () => {
    estate = await startGpConnectEstate(backend, { capabilityTtlMs: TTL_MS, timeoutMs: TIMEOUT_MS, maxResponseBytes: 256 * 1024, clock: () => now });
    token = await estate.app.tokenFor(GP_CLINICIAN);
  });
  afterAll(() => estate.close());
  afterEach(async () => {
    estate.provider.override = null;
    now += TTL_MS + 1; // the next test reads the (published) statement afresh
    // The server keeps serving: the next ordinary request gets the record.
    const next = await estate.app.gql<TwoSections>(TWO_SECTIONS, { nhsNumber: JANE }, token);
    expect(next.data?.patient.allergies.status).toBe('RECORDED');
    estate.provider.requests.length = 0;
  });

  const capabilities = async (ods: string = GP_PRACTICE.odsCode) => {
    const response = await estate.app.gql<{ practice: { capabilities: CapabilitiesAnswer } }>(CAPABILITIES(ods), {}, token);
    expect(response.errors).toBeUndefined();
    expect(JSON.stringify(response)).not.toContain('Provider diagnostics');
    return response.data!.practice.capabilities;
  };
  const row = (answer: CapabilitiesAnswer, area: string) => answer.capabilities?.find((c) => c.area === area);
  const metadataReads = () => estate.provider.requests.filter((r) => r.url.pathname.endsWith('/metadata'));
  const statementIs = (reply: Reply) => {
    estate.provider.override = (r) => (r.url.pathname.endsWith('/metadata') ? reply : undefined);
    now += TTL_MS + 1;
  };

  it('builds the matrix from the published statement, marked as the provider\'s declaration', async () => {
    now += TTL_MS + 1;
    const matrix = await capabilities();
    expect(matrix.__typename).toBe('CapabilityMatrix');
    expect(new Set(matrix.capabilities!.map((c) => c.source))).toEqual(new Set(['PROVIDER_CAPABILITY_STATEMENT']));
    expect(row(matrix, 'ALLERGIES')).toEqual({ area: 'ALLERGIES', support: 'SUPPORTED', source: 'PROVIDER_CAPABILITY_STATEMENT', note: "Declared in the provider's capability statement (operation gpc.getstructuredrecord)." });
    expect(row(matrix, 'PROBLEMS')).toMatchObject({ support: 'BETA', note: expect.stringMatching(/Beta in GP Connect/) });
    for (const area of ['SLOT_SEARCH', 'READ_APPOINTMENTS', 'BOOK_APPOINTMENT', 'READ_PRACTITIONER', 'READ_ORGANISATION', 'READ_LOCATION']) {
      expect(row(matrix, area)?.support).toBe('SUPPORTED');
    }
    // Asked once, as GP Connect's metadata read, with the organisation scope.
    const [read] = metadataReads() as [RecordedRequest];
    expect(metadataReads()).toHaveLength(1);
    expect(read.method).toBe('GET');
    expect(read.url.pathname).toBe('/A00001/STU3/1/gpconnect/fhir/metadata');
    expect(read.headers['ssp-interactionid']).toBe(METADATA);
    expect(decodeJwt(String(read.headers.authorization).slice(7)).claims.requested_scope).toBe('organization/*.read');
  });

  it('reads the statement once per TTL, shared by concurrent requests, and again after it', async () => {
    now += TTL_MS + 1;
    await Promise.all([capabilities(), capabilities(), estate.app.gql(TWO_SECTIONS, { nhsNumber: JANE }, token)]);
    expect(metadataReads()).toHaveLength(1);
    now += TTL_MS - 1;
    await capabilities();
    expect(metadataReads()).toHaveLength(1);
    now += 2;
    await capabilities();
    expect(metadataReads()).toHaveLength(2);
  });

  it('keeps the published matrix for a sandbox practice', async () => {
    const listed = await estate.app.gql<{ practices: { edges: Array<{ node: { odsCode: string; sandbox: boolean } }> } }>('{ practices(first: 5) { edges { node { odsCode sandbox } } } }', {}, await estate.app.tokenFor('developer'));
    const sandbox = listed.data!.practices.edges.map((e) => e.node).find((p) => p.sandbox)!;
    const response = await estate.app.gql<{ practice: { capabilities: CapabilitiesAnswer } }>(CAPABILITIES(sandbox.odsCode), {}, await estate.app.tokenFor('developer'));
    const sources = new Set(response.data!.practice.capabilities.capabilities!.map((c) => c.source));
    expect(sources.has('PROVIDER_CAPABILITY_STATEMENT')).toBe(false);
    expect(sources.has('PUBLISHED')).toBe(true);
    expect(metadataReads()).toHaveLength(0);
  });

  it('refuses record sections a provider does not declare, without asking for them', async () => {
    statementIs({ body: withoutOperation('gpc.getstructuredrecord') });
    const matrix = await capabilities();
    for (const area of ['FULL_RECORD', 'ALLERGIES', 'MEDICATIONS', 'CONSULTATIONS']) {
      expect(row(matrix, area)).toMatchObject({ support: 'NOT_SUPPORTED', source: 'PROVIDER_CAPABILITY_STATEMENT', note: expect.stringMatching(/Not declared.*gpc\.getstructuredrecord/) });
    }
    expect(row(matrix, 'SLOT_SEARCH')?.support).toBe('SUPPORTED');
    const record = await estate.app.gql<TwoSections>(TWO_SECTIONS, { nhsNumber: JANE }, token);
    for (const section of [record.data!.patient.allergies, record.data!.patient.medications]) {
      expect(section).toEqual({ status: 'NOT_SUPPLIED', items: [], warnings: [{ code: 'NOT_SUPPORTED', message: expect.stringMatching(/does not declare the structured record/) }] });
    }
    expect(estate.provider.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('refuses a slot search a provider does not declare as NOT_SUPPORTED, without asking', async () => {
    statementIs({ body: withoutResource('Slot') });
    expect(row(await capabilities(), 'SLOT_SEARCH')).toMatchObject({ support: 'NOT_SUPPORTED', source: 'PROVIDER_CAPABILITY_STATEMENT' });
    const response = await estate.app.gql<{ practice: { slots: Json } }>(
      `{ practice(odsCode: "${GP_PRACTICE.odsCode}") { ... on Practice { slots(from: "2016-08-15T00:00:00Z", to: "2016-08-16T00:00:00Z") { __typename ... on Error { code message } } } } }`,
      {},
      token,
    );
    expect(response.data!.practice.slots).toEqual({ __typename: 'ClinicalSystemError', code: 'NOT_SUPPORTED', message: expect.stringMatching(/does not declare the free slot search/) });
    expect(estate.provider.requests.filter((r) => r.url.pathname.endsWith('/Slot'))).toHaveLength(0);
  });

  it("refuses a patient's appointments a provider does not declare as NOT_SUPPORTED, without asking", async () => {
    statementIs({ body: statement((rest) => void (rest.resource = rest.resource.map((r) => (r.type === 'Appointment' ? { ...r, interaction: [{ code: 'read' }] } : r)))) });
    const matrix = await capabilities();
    expect(row(matrix, 'READ_APPOINTMENTS')).toMatchObject({ support: 'NOT_SUPPORTED', note: expect.stringMatching(/Appointment search-type/) });
    expect(row(matrix, 'BOOK_APPOINTMENT')?.support).toBe('NOT_SUPPORTED');
    const response = await estate.app.gql<{ patient: { appointments: Json } }>(
      `{ patient(nhsNumber: "${JANE_FOUNDATIONS}") { ... on Patient { appointments { __typename ... on Error { code } } } } }`,
      {},
      token,
    );
    expect(response.data!.patient.appointments).toEqual({ __typename: 'ClinicalSystemError', code: 'NOT_SUPPORTED' });
    expect(estate.provider.requests.filter((r) => r.url.pathname.endsWith('/Appointment'))).toHaveLength(0);
  });

  it('refuses the patient search a provider does not declare as NOT_SUPPORTED, without asking', async () => {
    statementIs({ body: withoutResource('Patient') });
    const response = await estate.app.gql<{ patient: Json }>(`{ patient(nhsNumber: "${JANE}") { __typename ... on Error { code message } } }`, {}, token);
    expect(response.data!.patient).toEqual({ __typename: 'ClinicalSystemError', code: 'NOT_SUPPORTED', message: expect.stringMatching(/does not declare the patient search/) });
    expect(estate.provider.requests.filter((r) => r.url.pathname.endsWith('/Patient'))).toHaveLength(0);
  });

  it.each<[string, Reply, string, RegExp]>([
    ['invalid JSON', { body: '{"resourceType": "CapabilityStatement", "rest": [' }, 'PROVIDER_ERROR', /malformed JSON/],
    ['another resource', { body: { resourceType: 'Patient', id: '1' } }, 'PROVIDER_ERROR', /not a CapabilityStatement/],
    ['rest as a string', { body: { resourceType: 'CapabilityStatement', rest: 'server' } }, 'PROVIDER_ERROR', /no rest element/],
    ['no server mode', { body: statement((rest) => void ((rest as Json).mode = 'client')) }, 'PROVIDER_ERROR', /no server mode/],
    ['resources as an object', { body: statement((rest) => void ((rest as Json).resource = { type: 'Slot' })) }, 'PROVIDER_ERROR', /malformed rest element/],
    ['an interaction code that is not a string', { body: statement((rest) => void (rest.resource[0]!.interaction = [{ code: { $gt: '' } }])) }, 'PROVIDER_ERROR', /malformed interaction/],
    ['a resource type "__proto__"', { body: statement((rest) => void rest.resource.push({ type: '__proto__', interaction: [{ code: 'read' }] })) }, 'PROVIDER_ERROR', /malformed resource entry/],
    ['five hundred resources', { body: statement((rest) => void (rest.resource = Array.from({ length: 500 }, (_, n) => ({ type: `T${n}`, interaction: [{ code: 'read' }] })))) }, 'PROVIDER_ERROR', /too many entries/],
    ['a body larger than allowed', { streamBytes: 1024 * 1024 }, 'PROVIDER_ERROR', /larger than allowed/],
    ['500 with an OperationOutcome', { status: 500, body: outcome('INTERNAL_SERVER_ERROR') }, 'PROVIDER_ERROR', /unusable answer/],
    ['no answer within the timeout', { delayMs: 30_000, body: {} }, 'PROVIDER_TIMEOUT', /did not answer in time/],
  ])('answers a statement with %s by a typed error, and keeps serving the practice', async (_, reply, code, why) => {
    statementIs(reply);
    const matrix = await capabilities();
    expect(matrix).toEqual({ __typename: 'ClinicalSystemError', code, message: expect.stringMatching(/^The capability statement could not be read\./) });
    expect(matrix.message).toMatch(why);
    // Records are still read (the provider's own answer decides), and the failure is not asked
    // again on every request.
    const record = await estate.app.gql<TwoSections>(TWO_SECTIONS, { nhsNumber: JANE }, token);
    expect(record.data!.patient.medications.status).toBe('RECORDED');
    expect(await capabilities()).toMatchObject({ __typename: 'ClinicalSystemError', code });
    expect(metadataReads()).toHaveLength(1);
  });

  describe('Foundations reads', () => {
    const MISSING = 'practitioner-not-in-bundle';
    /** Jane's allergies example with every allergy recorded by a practitioner the bundle leaves out. */
    const allergiesRecordedByMissing = (): Reply => {
      const bundle = fixture('accessrecord_structured--allergies_response1.json');
      for (const entry of bundle.entry as Array<{ resource: Json }>) {
        if (entry.resource.resourceType === 'AllergyIntolerance') entry.resource.recorder = { reference: `Practitioner/${MISSING}` };
      }
      return { body: bundle };
    };
    const practitioner = () => ({ ...fixture('foundations--read_practitioner_response_example.json'), id: MISSING });
    type ItemWarning = { code: string; resourceType: string | null; resourceId: string | null };
    /** The allergies, with each item's warnings about practitioners gathered in `warnings`. */
    const allergies = async () => {
      const response = await estate.app.gql<{ patient: { allergies: { items: Array<{ recorder: { name: string } | null; warnings: ItemWarning[] }> } } }>(
        `{ patient(nhsNumber: "${JANE}") { ... on Patient { allergies { items { recorder { name role } warnings { code resourceType resourceId } } } } } }`,
        {},
        token,
      );
      expect(response.errors).toBeUndefined();
      const { items } = response.data!.patient.allergies;
      return { items, warnings: items.flatMap((i) => i.warnings.filter((w) => w.resourceType === 'Practitioner')) };
    };
    const practitionerReads = () => estate.provider.requests.filter((r) => r.url.pathname.includes('/Practitioner/'));

    it('reads a practitioner the record refers to but does not include, and shows the name', async () => {
      estate.provider.override = (r) => (r.method === 'POST' ? allergiesRecordedByMissing() : r.url.pathname.endsWith(`/Practitioner/${MISSING}`) ? { body: practitioner() } : undefined);
      const section = await allergies();
      expect(section.items.map((i) => i.recorder)).toEqual([{ name: 'Mrs Sarah Black', role: null }, { name: 'Mrs Sarah Black', role: null }, { name: 'Mrs Sarah Black', role: null }]);
      expect(section.warnings).toEqual([]);
      // One read for the three items, as GP Connect's practitioner read.
      expect(practitionerReads()).toHaveLength(1);
      expect(practitionerReads()[0]!.headers['ssp-interactionid']).toBe(READ_PRACTITIONER);
    });

    it('keeps the UNRESOLVED_REFERENCE warning when the read fails or answers with another resource', async () => {
      for (const answer of [{ status: 404, body: outcome('REFERENCE_NOT_FOUND') }, { body: { ...practitioner(), id: 'someone-else' } }] satisfies Reply[]) {
        estate.provider.override = (r) => (r.method === 'POST' ? allergiesRecordedByMissing() : r.url.pathname.endsWith(`/Practitioner/${MISSING}`) ? answer : undefined);
        const section = await allergies();
        expect(section.items.map((i) => i.recorder)).toEqual([null, null, null]);
        expect(section.warnings).toEqual([0, 1, 2].map(() => ({ code: 'UNRESOLVED_REFERENCE', resourceType: 'Practitioner', resourceId: MISSING })));
      }
    });

    it('does not read what the provider does not declare', async () => {
      statementIs({ body: withoutResource('Practitioner') });
      await capabilities();
      estate.provider.override = (r) => (r.method === 'POST' ? allergiesRecordedByMissing() : r.url.pathname.endsWith('/metadata') ? { body: withoutResource('Practitioner') } : undefined);
      const section = await allergies();
      expect(section.warnings).toHaveLength(3);
      expect(practitionerReads()).toHaveLength(0);
    });
  });
});
