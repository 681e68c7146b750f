// Registering apps: only well-formed public keys are accepted; rotation adds and removes keys.
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from './support/backends.js';
import { addPerson, apply } from './support/governance.js';
import { appKey } from './support/supplier-app.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const REGISTER = 'mutation($j: JSON!) { registerClientApp(name: "Reminders", jwks: $j) { __typename ... on Error { code message } ... on ClientApp { clientId keys { kid alg } } } }';

describe.each(await availableBackends())('client apps (%s)', (backend) => {
  let app: TestApp;
  let dev: string;
  beforeAll(async () => {
    app = await startTestApp(backend);
    dev = await addPerson(app, 'dev.apps', 'SUPPLIER_DEVELOPER');
    await apply(app, dev);
  });
  afterAll(() => app.close());

  const register = async (jwks: unknown) => (await app.gql<{ registerClientApp: { __typename: string; code?: string; message?: string; clientId?: string } }>(REGISTER, { j: jwks }, dev)).data!.registerClientApp;

  it('refuses private keys, weak RSA keys, wrong curves, missing and duplicate kids', async () => {
    const { privateKey } = await generateKeyPair('ES384', { extractable: true });
    // jose will not even generate a 1024-bit key; node:crypto will.
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const p256 = await generateKeyPair('ES256', { extractable: true });
    const good = await appKey('ES384');
    const cases: Array<[string, unknown, RegExp]> = [
      ['private key', { keys: [{ ...(await exportJWK(privateKey)), kid: 'k1' }] }, /private key/],
      ['1024-bit RSA', { keys: [{ ...weak, kid: 'k2' }] }, /2048 bits/],
      ['P-256', { keys: [{ ...(await exportJWK(p256.publicKey)), kid: 'k3' }] }, /P-384/],
      ['no kid', { keys: [{ ...(await exportJWK(good.publicKey)) }] }, /.+/],
      ['duplicate kid', { keys: [good.publicJwk, good.publicJwk] }, /unique/],
      ['no keys', { keys: [] }, /.+/],
    ];
    for (const [why, jwks, message] of cases) {
      const result = await register(jwks);
      expect(result.code, why).toBe('INVALID_JWKS');
      expect(result.message, why).toMatch(message);
    }
  });

  it('registers RS512 and ES384 public keys and rotates them', async () => {
    const [rsa, ec] = await Promise.all([appKey('RS512'), appKey('ES384')]);
    const created = await register({ keys: [rsa.publicJwk] });
    expect(created.__typename).toBe('ClientApp');
    const add = await app.gql<{ addClientAppKey: { keys: Array<{ kid: string; alg: string }> } }>(
      'mutation($c: String!, $k: JSON!) { addClientAppKey(clientId: $c, jwk: $k) { ... on ClientApp { keys { kid alg } } } }',
      { c: created.clientId, k: ec.publicJwk },
      dev,
    );
    expect(add.data!.addClientAppKey.keys).toEqual([{ kid: rsa.kid, alg: 'RS512' }, { kid: ec.kid, alg: 'ES384' }]);
    const removed = await app.gql<{ removeClientAppKey: { keys: Array<{ kid: string }> } }>(
      'mutation($c: String!, $k: String!) { removeClientAppKey(clientId: $c, kid: $k) { ... on ClientApp { keys { kid } } } }',
      { c: created.clientId, k: rsa.kid },
      dev,
    );
    expect(removed.data!.removeClientAppKey.keys).toEqual([{ kid: ec.kid }]);
  });

  it("refuses to touch another supplier's app", async () => {
    const created = await register({ keys: [(await appKey('ES384')).publicJwk] });
    const other = await addPerson(app, 'dev.other', 'SUPPLIER_DEVELOPER');
    await apply(app, other, { name: 'Other Ltd' });
    const response = await app.gql<{ revokeClientApp: { code: string } }>(
      'mutation($c: String!) { revokeClientApp(clientId: $c, reason: "mine now") { __typename ... on Error { code } } }',
      { c: created.clientId },
      other,
    );
    expect(response.data!.revokeClientApp.code).toBe('NOT_FOUND');
  });
});
