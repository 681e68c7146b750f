// What the audit trail promises the people it protects, tried for real: an unaudited read never
// leaves the server, practice users only ever see their own practice's trail, a token narrowed at
// the token endpoint is narrowed at the API, and an app's access decisions cost a fixed number of
// statements however many patients and fields a query touches.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from './support/backends.js';
import { addPerson, apply, grant, walk } from './support/governance.js';
import { appKey, signAssertion, tokenForm } from './support/supplier-app.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PATIENTS = 'query($f: Int!) { practice(odsCode: "Z91001") { ... on Practice { patients(first: $f) { edges { node { nhsNumber allergies { status } medications { status } } } } } } }';

describe.each(await availableBackends())('audit guarantees (%s)', (backend) => {
  let app: TestApp;
  let clinician: string;
  let clientId: string;
  let key: Awaited<ReturnType<typeof appKey>>;
  const SCOPES = ['patient/Patient.rs', 'patient/AllergyIntolerance.rs', 'patient/MedicationStatement.rs'];

  const appToken = async (scope?: string) => {
    const assertion = await signAssertion(clientId, key, `${app.env.publicUrl}/oauth2/token`);
    const response = await app.fetch('/oauth2/token', { method: 'POST', body: tokenForm(assertion, scope ? { scope } : {}) });
    const body = (await response.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
    return body.access_token;
  };

  beforeAll(async () => {
    app = await startTestApp(backend, { patients: 100, env: { RATE_LIMIT_CAPACITY: '1000000' } });
    clinician = await app.tokenFor('clinician.Z91001');
    const reviewer = await app.tokenFor('reviewer');
    const developer = await addPerson(app, 'dev.guarantees', 'SUPPLIER_DEVELOPER');
    const applied = await apply(app, developer, { requestedScopes: SCOPES, systems: ['EMIS_WEB'] });
    await grant(app, reviewer, applied.id, SCOPES);
    await walk(app, reviewer, applied.pairings[0]!.id, 'UNSUPPORTED_TEST');
    key = await appKey('ES384');
    const registered = await app.gql<{ registerClientApp: { clientId: string } }>(
      'mutation($j: JSON!) { registerClientApp(name: "Guarantees", jwks: $j) { ... on ClientApp { clientId } } }',
      { j: { keys: [key.publicJwk] } },
      developer,
    );
    clientId = registered.data!.registerClientApp.clientId;
    const enabled = await app.gql<{ enableApp: { __typename: string } }>(
      'mutation($c: String!, $s: [String!]!) { enableApp(clientId: $c, scopes: $s) { __typename } }',
      { c: clientId, s: SCOPES },
      await app.tokenFor('admin.Z91001'),
    );
    expect(enabled.data!.enableApp.__typename).toBe('Enablement');
  });
  afterAll(() => app.close());

  it('sends no data when the audit trail cannot be written, and issues no token', async () => {
    const token = await appToken();
    const { db } = app.database;
    await db.execute(sql`alter table audit_events rename to audit_events_away`);
    let read;
    let issued;
    try {
      read = await app.gql(PATIENTS, { f: 2 }, clinician);
      issued = await app.fetch('/oauth2/token', { method: 'POST', body: tokenForm(await signAssertion(clientId, key, `${app.env.publicUrl}/oauth2/token`)) });
    } finally {
      await db.execute(sql`alter table audit_events_away rename to audit_events`);
    }
    expect(read.status).toBe(503);
    expect(read.data ?? null).toBeNull();
    expect(read.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
    expect(issued.status).toBe(503);
    expect(await issued.json()).not.toHaveProperty('access_token');
    expect((await app.gql(PATIENTS, { f: 1 }, token)).errors).toBeUndefined(); // and it recovers
  });

  it("pins a practice user to their own practice's audit when they give no filter", async () => {
    await app.gql('{ practice(odsCode: "Z92001") { ... on Practice { patients(first: 1) { edges { node { nhsNumber } } } } } }', {}, await app.tokenFor('clinician.Z92001'));
    const everything = await app.gql<{ auditEvents: { edges: Array<{ node: { practiceOdsCode: string | null } }> } }>(
      '{ auditEvents(first: 100) { edges { node { practiceOdsCode } } } }',
      {},
      await app.tokenFor('reviewer'),
    );
    expect(new Set(everything.data!.auditEvents.edges.map((e) => e.node.practiceOdsCode))).toContain('Z92001');
    const mine = await app.gql<{ auditEvents: { edges: Array<{ node: { practiceOdsCode: string | null } }> } }>('{ auditEvents(first: 100) { edges { node { practiceOdsCode } } } }', {}, clinician);
    const practices = new Set(mine.data!.auditEvents.edges.map((e) => e.node.practiceOdsCode));
    expect(practices).toEqual(new Set(['Z91001']));
  });

  it('honours a token narrowed at the token endpoint, though the app holds the grant', async () => {
    const narrowed = await appToken('patient/Patient.rs patient/AllergyIntolerance.rs');
    const response = await app.gql<{ practice: { patients: { edges: Array<{ node: { allergies: unknown; medications: unknown } }> } } }>(PATIENTS, { f: 1 }, narrowed);
    const node = response.data!.practice.patients.edges[0]!.node;
    expect(node.allergies).toMatchObject({ status: expect.any(String) });
    expect(node.medications).toBeNull();
    expect(response.errors?.map((e) => [e.extensions?.code, e.path?.at(-1)])).toEqual([['FORBIDDEN', 'medications']]);
  });

  it("decides an app's access with the same number of statements for 2 patients as for 12", async () => {
    const token = await appToken();
    const count = async (first: number) => {
      app.statements.length = 0;
      const response = await app.gql<{ practice: { patients: { edges: unknown[] } } }>(PATIENTS, { f: first }, token);
      expect(response.errors).toBeUndefined();
      expect(response.data!.practice.patients.edges).toHaveLength(first);
      return app.statements.length;
    };
    const two = await count(2);
    expect(await count(12)).toBe(two);
  });
});
