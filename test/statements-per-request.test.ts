// A whole patient record costs at most three SQL statements, its audit included, whoever asks: one
// read of demographics and every section, one audit append, and the registration lookup the first
// time a patient is asked for. Access facts (the patient's registered practice among them) are
// remembered between requests, yet a change reaches the very next request.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from './support/backends.js';
import { addPerson, apply, grant, transition } from './support/governance.js';
import { RECORD_QUERY } from './support/queries.js';
import { appKey, signAssertion, tokenForm } from './support/supplier-app.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { RECORD_SCOPES } from '../bench/supplier-app.js';

describe.each(await availableBackends())('SQL statements per record request (%s)', (backend) => {
  let app: TestApp;
  let appToken: string;
  let clientId: string;
  let admin: string;
  let nhsNumber: string;

  beforeAll(async () => {
    app = await startTestApp(backend, { env: { RATE_LIMIT_CAPACITY: '10000000' } });
    const developer = await addPerson(app, 'dev.statements', 'SUPPLIER_DEVELOPER');
    const reviewer = await app.tokenFor('reviewer');
    admin = await app.tokenFor('admin.Z91001');
    const listed = await app.gql<{ practice: { patients: { edges: Array<{ node: { nhsNumber: string } }> } } }>(
      '{ practice(odsCode: "Z91001") { ... on Practice { patients(first: 1) { edges { node { nhsNumber } } } } } }',
      {},
      admin,
    );
    nhsNumber = listed.data!.practice.patients.edges[0]!.node.nhsNumber;
    const applied = await apply(app, developer, { requestedScopes: RECORD_SCOPES, systems: ['EMIS_WEB'] });
    const pairing = applied.pairings[0]!.id;
    for (const to of ['PREREQUISITES_MET', 'UNSUPPORTED_TEST'] as const) await transition(app, reviewer, pairing, to);
    await grant(app, reviewer, applied.id, RECORD_SCOPES);
    const key = await appKey('ES384');
    const registered = await app.gql<{ registerClientApp: { clientId: string } }>(
      'mutation($j: JSON!) { registerClientApp(name: "Statements app", jwks: $j) { ... on ClientApp { clientId } } }',
      { j: { keys: [key.publicJwk] } },
      developer,
    );
    clientId = registered.data!.registerClientApp.clientId;
    const enabled = await app.gql<{ enableApp: { __typename: string } }>(
      'mutation($c: String!, $s: [String!]!) { enableApp(clientId: $c, scopes: $s) { __typename } }',
      { c: clientId, s: RECORD_SCOPES },
      admin,
    );
    expect(enabled.data!.enableApp.__typename).toBe('Enablement');
    const assertion = await signAssertion(clientId, key, `${app.env.publicUrl}/oauth2/token`);
    const response = await app.fetch('/oauth2/token', { method: 'POST', body: tokenForm(assertion) });
    appToken = ((await response.json()) as { access_token: string }).access_token;
  });
  afterAll(() => app.close());

  /** Statements of one record request (after one to warm the caches), and what it answered. */
  async function recordRequest(token: string | null) {
    await app.gql(RECORD_QUERY, { nhsNumber }, token);
    app.statements.length = 0;
    const response = await app.gql<{ patient: { __typename: string } | null }>(RECORD_QUERY, { nhsNumber }, token);
    return { statements: [...app.statements], response };
  }

  it('reads a whole record as a supplier app in two statements, audit included, once the registration is known', async () => {
    const { statements, response } = await recordRequest(appToken);
    expect(response.data?.patient?.__typename).toBe('Patient');
    expect(response.errors).toBeUndefined();
    expect(statements).toHaveLength(2);
    expect(statements.filter((s) => /insert into "audit_events"/.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /"patient_registrations"/.test(s))).toHaveLength(0);
  });

  it('reads a whole record as a person in two statements, audit included', async () => {
    const { statements, response } = await recordRequest(await app.tokenFor('clinician.Z91001'));
    expect(response.data?.patient?.__typename).toBe('Patient');
    expect(statements.length).toBeLessThanOrEqual(2);
  });

  it('reads a patient at their new practice on the very next request once the registration changes', async () => {
    const move = (practice: string) => app.database.db.execute(sql`update patient_registrations set practice_ods = ${practice} where nhs_number = ${nhsNumber}`);
    const answer = async () => ((await app.gql<{ patient: { __typename: string } | null }>(RECORD_QUERY, { nhsNumber }, appToken)).data?.patient?.__typename);
    expect(await answer()).toBe('Patient');
    try {
      // The app is enabled at Z91001 only: at Z92001 the patient is not there for it.
      await move('Z92001');
      expect(await answer()).toBe('PatientNotFound');
    } finally {
      await move('Z91001');
    }
    expect(await answer()).toBe('Patient');
  });

  it('refuses and audits an anonymous caller in at most three statements', async () => {
    const { statements, response } = await recordRequest(null);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(statements.length).toBeLessThanOrEqual(3);
    expect(statements.filter((s) => /insert into "audit_events"/.test(s))).toHaveLength(1);
  });

  it('keeps what it remembers across a mutation that changes no access fact, and appends without locking the chain', async () => {
    expect((await recordRequest(appToken)).response.data?.patient?.__typename).toBe('Patient');
    const closed = await app.gql<{ closePracticeTask: { __typename: string; code?: string } }>(
      'mutation { closePracticeTask(taskId: "no-such-task") { __typename ... on Error { code } } }',
      {},
      admin,
    );
    expect(closed.data!.closePracticeTask.code).toBe('NOT_FOUND');
    app.statements.length = 0;
    const next = await app.gql<{ patient: { __typename: string } | null }>(RECORD_QUERY, { nhsNumber }, appToken);
    expect(next.data?.patient?.__typename).toBe('Patient');
    // Not read again: the app's facts, its enablements, the patient's registration.
    expect(app.statements.filter((s) => /"client_apps"|"enablements"|"patient_registrations"/.test(s))).toEqual([]);
    expect(app.statements.filter((s) => /^select "nhs_number"/.test(s))).toHaveLength(1);
    // The mutation's audit moved the chain's head: the missed append tells where it went, and the
    // append tries again from there, neither reading the head on its own nor locking the chain.
    expect(app.statements.filter((s) => /pg_advisory_xact_lock|^select "seq", "hash" from "audit_head"/.test(s))).toEqual([]);
    expect(app.statements).toHaveLength(3);
  });

  it('refuses the app on its very next request once the practice disables it', async () => {
    expect((await recordRequest(appToken)).response.data?.patient?.__typename).toBe('Patient');
    const disabled = await app.gql<{ disableApp: { __typename: string } }>('mutation($c: String!) { disableApp(clientId: $c) { __typename } }', { c: clientId }, admin);
    expect(disabled.data!.disableApp.__typename).toBe('Enablement');
    const next = await app.gql(RECORD_QUERY, { nhsNumber }, appToken);
    // Refused: the same answer as for a number registered nowhere (no existence oracle).
    expect((next.data as { patient?: { __typename?: string } } | undefined)?.patient?.__typename).toBe('PatientNotFound');
  });
});
