// Two API replicas (real server processes) on one PostgreSQL. Each keeps supplier apps' access
// facts in memory; a governance change made through one replica must refuse the app's very next
// request on the OTHER replica: practice disabling, pairing suspension, app revocation. Patients'
// registrations are remembered too: a move of practice in the database reaches both at once.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSandbox } from '../server/seed/seed.js';
import { RECORD_SCOPES, supplierAppToken } from '../bench/supplier-app.js';
import { availableBackends, openTestDatabase, type TestDatabase } from './support/backends.js';
import { RECORD_QUERY } from './support/queries.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { SEED } from './support/test-app.js';

const PUBLIC_URL = 'http://replicas.localhost';
const PRACTICE = { odsCode: 'Z91001', systemId: 'EMIS_WEB' };
const onPostgres = (await availableBackends()).includes('postgres');

interface Replica {
  process: ServerProcess;
  base: string;
}

async function startReplica(url: string, seed: boolean): Promise<Replica> {
  const process = await startServerProcess({
    DATABASE_URL: url,
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL,
    SEED_ON_START: String(seed),
    SEED_PATIENTS: '40',
    LOG_LEVEL: 'error',
  });
  const port = /http:\/\/127\.0\.0\.1:(\d+)\/graphql/.exec(process.output())?.[1];
  if (!port) throw new Error(`no port in the server's output:\n${process.output()}`);
  return { process, base: `http://127.0.0.1:${port}` };
}

async function gql(replica: Replica, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${replica.base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read by known paths in each test
  return { status: response.status, ...((await response.json()) as { data?: Record<string, any>; errors?: Array<{ extensions?: { code?: string } }> }) };
}

const devToken = async (replica: Replica, person: string) =>
  ((await (await fetch(`${replica.base}/dev-issuer/token?person=${person}`)).json()) as { access_token: string }).access_token;

describe.runIf(onPostgres)('access facts across two replicas (postgres)', () => {
  let database: TestDatabase;
  let a: Replica;
  let b: Replica;
  let appToken: string;
  let clientId: string;
  let nhsNumber: string;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    await seedSandbox(database.db, { seed: SEED, patients: 40 });
    // One after the other: the first creates the signing keys both then share.
    a = await startReplica(database.url!, false);
    b = await startReplica(database.url!, false);
    ({ token: appToken, clientId } = await supplierAppToken(a.base, PUBLIC_URL, [PRACTICE]));
    const developer = await devToken(a, 'developer');
    const page = await gql(a, developer, '{ practice(odsCode: "Z91001") { ... on Practice { patients(first: 1) { edges { node { nhsNumber } } } } } }');
    nhsNumber = page.data!.practice.patients.edges[0].node.nhsNumber as string;
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.process.stop(), b?.process.stop()]);
    await database?.close();
  });

  /** The app's record request on a replica: the patient's typename, or the refusal's code. */
  async function readOn(replica: Replica): Promise<string> {
    const result = await gql(replica, appToken, RECORD_QUERY, { nhsNumber });
    return (result.data?.patient?.__typename as string | undefined) ?? result.errors?.[0]?.extensions?.code ?? `HTTP ${result.status}`;
  }

  it('reads a patient at their new practice on both replicas\' very next request once the registration changes', async () => {
    const move = (practice: string) => database.db.execute(sql`update patient_registrations set practice_ods = ${practice} where nhs_number = ${nhsNumber}`);
    expect([await readOn(a), await readOn(b)]).toEqual(['Patient', 'Patient']);
    try {
      // The app is enabled at Z91001 only: at Z92001 the patient is not there for it.
      await move('Z92001');
      expect([await readOn(a), await readOn(b)]).toEqual(['PatientNotFound', 'PatientNotFound']);
    } finally {
      await move(PRACTICE.odsCode);
    }
    expect([await readOn(a), await readOn(b)]).toEqual(['Patient', 'Patient']);
  });

  it('refuses the next request on the other replica once a practice disables the app, and allows it once re-enabled', async () => {
    expect([await readOn(a), await readOn(b), await readOn(b)]).toEqual(['Patient', 'Patient', 'Patient']);
    const admin = await devToken(a, `admin.${PRACTICE.odsCode}`);
    const disabled = await gql(a, admin, 'mutation D($id: String!) { disableApp(clientId: $id) { __typename } }', { id: clientId });
    expect(disabled.data?.disableApp.__typename).toBe('Enablement');
    expect(await readOn(b)).toBe('PatientNotFound'); // refused: the same answer as for no registration
    expect(await readOn(a)).toBe('PatientNotFound');

    const enabled = await gql(a, admin, 'mutation E($id: String!, $scopes: [String!]!) { enableApp(clientId: $id, scopes: $scopes) { __typename } }', {
      id: clientId,
      scopes: RECORD_SCOPES,
    });
    expect(enabled.data?.enableApp.__typename).toBe('Enablement');
    expect(await readOn(b)).toBe('Patient');
  });

  it('refuses the next request on the other replica once NHS England suspends the pairing', async () => {
    expect(await readOn(b)).toBe('Patient');
    const reviewer = await devToken(a, 'reviewer');
    const developer = await devToken(a, 'developer');
    const supplier = await gql(a, developer, '{ mySupplier { pairings { id system { id } } } }');
    const pairing = (supplier.data!.mySupplier.pairings as Array<{ id: string; system: { id: string } }>).find((p) => p.system.id === PRACTICE.systemId)!;
    const suspended = await gql(a, reviewer, 'mutation S($id: String!) { transitionPairing(pairingId: $id, to: SUSPENDED, reason: "Incident under review") { __typename } }', {
      id: pairing.id,
    });
    expect(suspended.data?.transitionPairing.__typename).toBe('Pairing');
    expect(await readOn(b)).toBe('PatientNotFound'); // refused: the same answer as for no registration
  });

  it('refuses the revoked app\'s unexpired token on the other replica at once', async () => {
    const developer = await devToken(a, 'developer');
    const revoked = await gql(a, developer, 'mutation R($id: String!) { revokeClientApp(clientId: $id, reason: "Key leaked") { __typename } }', { id: clientId });
    expect(revoked.data?.revokeClientApp.__typename).toBe('ClientApp');
    expect(await readOn(b)).toBe('UNAUTHENTICATED');
  });
});
