// A practice sees the apps it may switch on: approved for its clinical system (testing stages at a
// sandbox practice, live elsewhere), not revoked, with the scopes NHS England granted.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { practices } from '../server/db/schema/governance.js';
import { availableBackends } from './support/backends.js';
import { addPerson, apply, grant, transition, walk } from './support/governance.js';
import { appKey } from './support/supplier-app.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const AVAILABLE = '{ availableApps { supplierName useCase stage grantedScopes app { clientId name } } }';
type Available = { supplierName: string; useCase: string; stage: string; grantedScopes: string[]; app: { clientId: string; name: string } };

describe.each(await availableBackends())('apps available to a practice (%s)', (backend) => {
  let app: TestApp;
  let reviewer: string;
  let developer: string;
  let clientId: string;
  let emisPairing: string;
  let tppPairing: string;
  let supplierId: string;

  const availableAt = async (token: string) => (await app.gql<{ availableApps: Available[] }>(AVAILABLE, {}, token)).data!.availableApps;

  beforeAll(async () => {
    app = await startTestApp(backend, { patients: 8 });
    reviewer = await app.tokenFor('reviewer');
    developer = await addPerson(app, 'dev.available', 'SUPPLIER_DEVELOPER');
    const applied = await apply(app, developer);
    supplierId = applied.id;
    emisPairing = applied.pairings.find((p) => p.system.id === 'EMIS_WEB')!.id;
    tppPairing = applied.pairings.find((p) => p.system.id === 'TPP_SYSTMONE')!.id;
    const key = await appKey('ES384');
    const registered = await app.gql<{ registerClientApp: { clientId: string } }>(
      'mutation($j: JSON!) { registerClientApp(name: "Acme Reconcile", jwks: $j) { ... on ClientApp { clientId } } }',
      { j: { keys: [key.publicJwk] } },
      developer,
    );
    clientId = registered.data!.registerClientApp.clientId;
  });
  afterAll(() => app.close());

  it('offers nothing while the pairing for the practice system has not reached testing', async () => {
    await transition(app, reviewer, emisPairing, 'PREREQUISITES_MET');
    expect(await availableAt(await app.tokenFor('admin.Z91001'))).toEqual([]);
  });

  it('offers the app at sandbox practices of the system in test, with the granted scopes only', async () => {
    await transition(app, reviewer, emisPairing, 'UNSUPPORTED_TEST');
    await grant(app, reviewer, supplierId, ['patient/Patient.rs', 'patient/AllergyIntolerance.rs']);
    const offered = await availableAt(await app.tokenFor('clinician.Z91001'));
    expect(offered).toEqual([
      {
        supplierName: 'Acme Health Ltd',
        useCase: 'Medication reconciliation for care homes.',
        stage: 'UNSUPPORTED_TEST',
        grantedScopes: ['patient/AllergyIntolerance.rs', 'patient/Patient.rs'],
        app: { clientId, name: 'Acme Reconcile' },
      },
    ]);
    // Another system's practice: its pairing is still APPLIED.
    expect(await availableAt(await app.tokenFor('admin.Z92001'))).toEqual([]);
  });

  it('offers it at a real practice only once live, and never once the app is revoked', async () => {
    await app.database.db.update(practices).set({ isSandbox: false }).where(eq(practices.odsCode, 'Z92002'));
    await walk(app, reviewer, tppPairing, 'ASSURED');
    expect(await availableAt(await app.tokenFor('admin.Z92002'))).toEqual([]);
    expect(await availableAt(await app.tokenFor('admin.Z92001'))).toHaveLength(1);
    await transition(app, reviewer, tppPairing, 'LIVE');
    expect((await availableAt(await app.tokenFor('admin.Z92002'))).map((a) => a.stage)).toEqual(['LIVE']);
    await app.gql('mutation($c: String!) { revokeClientApp(clientId: $c, reason: "Key leaked") { __typename } }', { c: clientId }, developer);
    expect(await availableAt(await app.tokenFor('admin.Z92002'))).toEqual([]);
  });
});
