// Sandbox practices and a GP Connect practice behind one API: one query reads both, and the same
// permission rules apply whichever connector serves the practice.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/backends.js';
import { GP_CLINICIAN, GP_PRACTICE, UNKNOWN_TO_PROVIDER, startGpConnectEstate, type GpConnectEstate } from './support/estate.js';
import { JANE, JANE_FOUNDATIONS, JOHN } from './support/fixtures.js';

const SANDBOX_PRACTICE = 'Z91001';
const PATIENT_FIELDS = `
  __typename
  ... on Error { code }
  ... on Patient {
    nhsNumber givenName practice { odsCode sandbox system { id } }
    allergies { status items { code { system code display } clinicalStatus } }
    medications { status items { medication { system code display } status } }
    diaryEntries { status }
  }`;

type PatientData = { __typename: string; nhsNumber: string; practice: { odsCode: string; sandbox: boolean; system: { id: string } } } & Record<string, { status: string; items: Array<Record<string, unknown>> }>;

describe.each(await availableBackends())('mixed estate: sandbox and GP Connect (%s)', (backend) => {
  let estate: GpConnectEstate;
  let sandboxPatient: string;

  beforeAll(async () => {
    estate = await startGpConnectEstate(backend);
    const developer = await estate.app.tokenFor('developer');
    const listed = await estate.app.gql<{ practice: { patients: { edges: Array<{ node: { nhsNumber: string } }> } } }>(
      `{ practice(odsCode: "${SANDBOX_PRACTICE}") { ... on Practice { patients(first: 1) { edges { node { nhsNumber } } } } } }`,
      {},
      developer,
    );
    sandboxPatient = listed.data!.practice.patients.edges[0]!.node.nhsNumber;
  });
  afterAll(() => estate.close());
  beforeEach(async () => {
    await estate.setSandbox(false);
    estate.provider.requests.length = 0;
  });

  const both = (token: string) =>
    estate.app.gql<{ sandbox: PatientData; gp: PatientData }>(
      `query($s: String!, $g: String!) { sandbox: patient(nhsNumber: $s) { ${PATIENT_FIELDS} } gp: patient(nhsNumber: $g) { ${PATIENT_FIELDS} } }`,
      { s: sandboxPatient, g: JANE },
      token,
    );

  it('answers a sandbox patient and a GP Connect patient in one query, in the same shape', async () => {
    await estate.setSandbox(true);
    const response = await both(await estate.app.tokenFor('developer'));
    expect(response.errors).toBeUndefined();
    const { sandbox, gp } = response.data!;
    expect(sandbox).toMatchObject({ __typename: 'Patient', practice: { odsCode: SANDBOX_PRACTICE, sandbox: true } });
    expect(gp).toMatchObject({ __typename: 'Patient', nhsNumber: JANE, givenName: 'Jane', practice: { odsCode: GP_PRACTICE.odsCode, sandbox: true, system: { id: 'EMIS_WEB' } } });
    expect(Object.keys(gp).sort()).toEqual(Object.keys(sandbox).sort());
    expect(gp.medications!.items).toEqual([
      { medication: { system: 'http://snomed.info/sct', code: '323509004', display: 'Amoxicillin 250mg capsules' }, status: 'COMPLETED' },
      { medication: { system: 'http://snomed.info/sct', code: '319773006', display: 'Aspirin 75mg dispersible tablets' }, status: 'ACTIVE' },
    ]);
    expect(gp.diaryEntries!.status).toBe('RECORDED');
    for (const m of sandbox.medications!.items) expect((m.medication as { system: string }).system).toBe('https://dmd.nhs.uk');
    // Only the GP Connect patient reached the provider: one lookup and one structured-record call.
    expect(estate.provider.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('lets a supplier developer read the GP Connect practice only while it is a sandbox practice', async () => {
    const developer = await estate.app.tokenFor('developer');
    const refused = await both(developer);
    // A patient the caller may not read is answered as not found: nothing says where they are registered.
    expect(refused.errors).toBeUndefined();
    expect(refused.data!.gp).toEqual({ __typename: 'PatientNotFound', code: 'PATIENT_NOT_FOUND' });
    expect(estate.provider.requests).toEqual([]);

    await estate.setSandbox(true);
    const allowed = await both(developer);
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data!.gp.__typename).toBe('Patient');
  });

  it('refuses a clinician of another practice the GP Connect patient, and the GP Connect clinician the sandbox patient', async () => {
    const other = await estate.app.gql<{ patient: PatientData }>(`{ patient(nhsNumber: "${JANE}") { ${PATIENT_FIELDS} } }`, {}, await estate.app.tokenFor(`clinician.${SANDBOX_PRACTICE}`));
    expect(other.data?.patient).toEqual({ __typename: 'PatientNotFound', code: 'PATIENT_NOT_FOUND' });
    expect(estate.provider.requests).toEqual([]);

    const gpClinician = await estate.app.tokenFor(GP_CLINICIAN);
    const sandbox = await estate.app.gql(`{ patient(nhsNumber: "${sandboxPatient}") { ${PATIENT_FIELDS} } }`, {}, gpClinician);
    expect((sandbox.data as { patient: unknown }).patient).toEqual({ __typename: 'PatientNotFound', code: 'PATIENT_NOT_FOUND' });
    const own = await estate.app.gql<{ patient: PatientData }>(`{ patient(nhsNumber: "${JANE}") { ${PATIENT_FIELDS} } }`, {}, gpClinician);
    expect(own.errors).toBeUndefined();
    expect(own.data!.patient.allergies!.status).toBe('RECORDED');
  });

  it("lists the GP Connect practice's registered patients and reads their sections in one POST each", async () => {
    const response = await estate.app.gql<{ practice: { patients: { edges: Array<{ node: { nhsNumber: string; allergies: { status: string; warnings: Array<{ code: string }> } } }> } } }>(
      `{ practice(odsCode: "${GP_PRACTICE.odsCode}") { ... on Practice { patients(first: 10) { edges { node { nhsNumber allergies { status warnings { code } } } } } } } }`,
      {},
      await estate.app.tokenFor(GP_CLINICIAN),
    );
    expect(response.errors).toBeUndefined();
    const byNumber = new Map(response.data!.practice.patients.edges.map((e) => [e.node.nhsNumber, e.node.allergies]));
    expect([...byNumber.keys()].sort()).toEqual([JANE, JANE_FOUNDATIONS, UNKNOWN_TO_PROVIDER, JOHN].sort());
    expect(byNumber.get(JANE)).toMatchObject({ status: 'RECORDED' });
    expect(byNumber.get(JOHN)).toMatchObject({ status: 'NOTHING_RECORDED' });
    // The provider has no structured record for these two: it says so, and we say it could not answer.
    expect(byNumber.get(UNKNOWN_TO_PROVIDER)).toEqual({ status: 'UNAVAILABLE', warnings: [{ code: 'PATIENT_NOT_FOUND' }] });
    expect(byNumber.get(JANE_FOUNDATIONS)).toEqual({ status: 'UNAVAILABLE', warnings: [{ code: 'PATIENT_NOT_FOUND' }] });
    expect(estate.provider.requests.filter((r) => r.method === 'POST')).toHaveLength(4);
  });
});
