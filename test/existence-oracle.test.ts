// A caller who may not read a patient learns nothing about that patient: "registered nowhere",
// "registered at a practice you may not read" and "not allowed" get one byte-identical answer,
// while the audit trail records every lookup with its true reason.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../server/db/schema/audit.js';
import { practices } from '../server/db/schema/governance.js';
import { nhsNumberCheckDigit } from '../server/domain/identifiers.js';
import { RECORD_SCOPES } from '../bench/supplier-app.js';
import { availableBackends } from './support/backends.js';
import { addPerson, apply, grant, transition } from './support/governance.js';
import { RECORD_QUERY } from './support/queries.js';
import { appKey, signAssertion, tokenForm } from './support/supplier-app.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Valid check digit, registered nowhere. */
const UNREGISTERED = '9434765919';
let nextNumber = 943476600;
/** A further number registered nowhere, not asked for before (what a caller asked is remembered). */
function freshUnregistered(): string {
  for (;;) {
    const firstNine = String(nextNumber++);
    const check = nhsNumberCheckDigit(firstNine);
    if (check !== null) return `${firstNine}${check}`;
  }
}

describe.each(await availableBackends())('no existence oracle for patients (%s)', (backend) => {
  let app: TestApp;
  let appToken: string;
  const firstPatient: Record<string, string> = {};

  /** A supplier app enabled at Z91001 only (so refused at every other practice). */
  async function enabledApp(): Promise<string> {
    const developer = await addPerson(app, 'dev.oracle', 'SUPPLIER_DEVELOPER');
    const reviewer = await app.tokenFor('reviewer');
    const applied = await apply(app, developer, { requestedScopes: RECORD_SCOPES, systems: ['EMIS_WEB'] });
    for (const to of ['PREREQUISITES_MET', 'UNSUPPORTED_TEST'] as const) await transition(app, reviewer, applied.pairings[0]!.id, to);
    await grant(app, reviewer, applied.id, RECORD_SCOPES);
    const key = await appKey('ES384');
    const registered = await app.gql<{ registerClientApp: { clientId: string } }>(
      'mutation($j: JSON!) { registerClientApp(name: "Oracle app", jwks: $j) { ... on ClientApp { clientId } } }',
      { j: { keys: [key.publicJwk] } },
      developer,
    );
    const clientId = registered.data!.registerClientApp.clientId;
    await app.gql('mutation($c: String!, $s: [String!]!) { enableApp(clientId: $c, scopes: $s) { __typename } }', { c: clientId, s: RECORD_SCOPES }, await app.tokenFor('admin.Z91001'));
    const response = await app.fetch('/oauth2/token', { method: 'POST', body: tokenForm(await signAssertion(clientId, key, `${app.env.publicUrl}/oauth2/token`)) });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  beforeAll(async () => {
    // No background checkpoint while statements are counted.
    app = await startTestApp(backend, { env: { AUDIT_CHECKPOINT_INTERVAL_SECONDS: '86400' } });
    // Z94002 plays a real (non-sandbox) practice, which a supplier developer may not read.
    await app.database.db.update(practices).set({ isSandbox: false }).where(eq(practices.odsCode, 'Z94002'));
    for (const ods of ['Z91001', 'Z92001', 'Z94002']) {
      const listed = await app.gql<{ practice: { patients: { edges: Array<{ node: { nhsNumber: string } }> } } }>(
        'query($o: String!) { practice(odsCode: $o) { ... on Practice { patients(first: 1) { edges { node { nhsNumber } } } } } }',
        { o: ods },
        await app.tokenFor(`clinician.${ods}`),
      );
      firstPatient[ods] = listed.data!.practice.patients.edges[0]!.node.nhsNumber;
    }
    appToken = await enabledApp();
  });
  afterAll(() => app?.close());

  async function lookUp(person: string | { token: string }, nhsNumber: string) {
    const requestId = randomUUID();
    const token = typeof person === 'string' ? await app.tokenFor(person) : person.token;
    app.statements.length = 0;
    const response = await app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
      body: JSON.stringify({ query: RECORD_QUERY, variables: { nhsNumber } }),
    });
    const statements = [...app.statements];
    const audited = await app.database.db.select().from(auditEvents).where(eq(auditEvents.requestId, requestId));
    // extensions.cost reports the caller's own budget, which every request spends; the rest is the answer.
    const { extensions, ...answer } = (await response.json()) as { extensions?: { cost?: { requestedQueryCost: number } } };
    return { status: response.status, body: JSON.stringify(answer), cost: extensions?.cost?.requestedQueryCost, audited, statements };
  }

  it.each([
    ['a supplier app', 'app', 'Z92001'],
    ['a supplier app, at another practice', 'app', 'Z94002'],
    ['a clinician', 'clinician.Z91001', 'Z92001'],
  ])('costs %s the same SQL statements to be refused a registered number as for one registered nowhere', async (_, caller, practice) => {
    const who = caller === 'app' ? { token: appToken } : caller;
    await lookUp(who, UNREGISTERED); // what one request leaves cached (the caller's facts) is there for both
    // A practice this caller has not been refused at before, then a number registered nowhere, each
    // asked for the first time; then both again (their registrations now remembered for this caller).
    const unregistered = freshUnregistered();
    const elsewhere = await lookUp(who, firstPatient[practice]!);
    const nowhere = await lookUp(who, unregistered);
    expect(elsewhere.body).toBe(nowhere.body);
    expect(elsewhere.audited.map((e) => e.outcome)).toEqual(['REFUSED']);
    expect(elsewhere.statements.length).toBeGreaterThan(0);
    expect(elsewhere.statements).toEqual(nowhere.statements);
    const [elsewhereAgain, nowhereAgain] = [await lookUp(who, firstPatient[practice]!), await lookUp(who, unregistered)];
    expect(elsewhereAgain.body).toBe(nowhere.body);
    expect(elsewhereAgain.statements.length).toBeGreaterThan(0);
    expect(elsewhereAgain.statements).toEqual(nowhereAgain.statements);
  });

  it('costs a caller the same SQL statements for a number another caller has just asked for as for one nobody has', async () => {
    // The app asks for a patient registered where it is refused; a clinician elsewhere then asks first.
    const number = firstPatient.Z94002!;
    await lookUp({ token: appToken }, number);
    await lookUp({ token: appToken }, number);
    const other = 'clinician.Z92001';
    await lookUp(other, UNREGISTERED);
    const askedByAnother = await lookUp(other, number);
    const askedByNobody = await lookUp(other, freshUnregistered());
    expect(askedByAnother.body).toBe(askedByNobody.body);
    expect(askedByAnother.statements.some((s) => /"patient_registrations"/.test(s))).toBe(true);
    expect(askedByAnother.statements).toEqual(askedByNobody.statements);
  });

  it.each([
    ['a clinician', 'clinician.Z91001', 'Z92001', 'Practice users may only read patients registered at their own practice.'],
    ['a supplier developer', 'developer', 'Z94002', 'Supplier developers may only read synthetic sandbox practices.'],
    ['a reviewer', 'reviewer', 'Z91001', 'Reviewers govern supplier access; they do not read patient records.'],
  ])('gives %s one identical answer for a number registered nowhere and one it may not read', async (_, person, practice, trueReason) => {
    const nowhere = await lookUp(person, UNREGISTERED);
    const elsewhere = await lookUp(person, firstPatient[practice]!);
    expect(elsewhere.status).toBe(nowhere.status);
    expect(elsewhere.body).toBe(nowhere.body);
    expect(elsewhere.cost).toBe(nowhere.cost);
    expect(JSON.parse(nowhere.body)).toEqual({
      data: {
        patient: {
          __typename: 'PatientNotFound',
          code: 'PATIENT_NOT_FOUND',
          message: 'No patient with this NHS number is registered at a practice whose records you may read.',
        },
      },
    });
    // The audit keeps what the caller was not told.
    expect(nowhere.audited.map((e) => [e.operation, e.outcome, e.nhsNumber, e.practiceOds, e.reason])).toEqual([
      ['READ_PATIENT_RECORD', 'REFUSED', UNREGISTERED, null, 'No patient is registered with this NHS number.'],
    ]);
    expect(elsewhere.audited.map((e) => [e.operation, e.outcome, e.nhsNumber, e.practiceOds, e.reason])).toEqual([
      ['READ_PATIENT_RECORD', 'REFUSED', firstPatient[practice], practice, trueReason],
    ]);
  });

  it('still lets a caller who may read the patient read them, and audits invalid numbers too', async () => {
    const own = await lookUp('clinician.Z91001', firstPatient.Z91001!);
    expect(JSON.parse(own.body).data.patient).toMatchObject({ __typename: 'Patient', nhsNumber: firstPatient.Z91001 });
    expect(own.audited.every((e) => e.outcome === 'ALLOWED')).toBe(true);
    const invalid = await lookUp('clinician.Z91001', '9434765918');
    expect(JSON.parse(invalid.body).data.patient.code).toBe('INVALID_NHS_NUMBER');
    expect(invalid.audited.map((e) => [e.outcome, e.reason])).toEqual([['REFUSED', 'Not a valid NHS number.']]);
  });
});
