// The SDK's client-credentials helper against the in-process API: one token request for many
// calls, renewal before expiry, and the token endpoint's refusals as OAuthError.
import { exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClinicalSystemsDocument, OAuthError, clientCredentials, createClient, type ClientCredentialsOptions } from '../sdk/index.js';
import { availableBackends } from './support/backends.js';
import { createSupplierApp, type SupplierApp } from './support/supplier-app.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe.each(await availableBackends())('SDK client credentials (%s)', (backend) => {
  let app: TestApp;
  let supplier: SupplierApp;
  let tokenUrl: string;
  /** Paths requested through the SDK, and the authorization header each carried. */
  let requests: Array<{ path: string; authorization: string | null }>;
  let clockOffsetMs: number;
  const now = () => Date.now() + clockOffsetMs;

  // The SDK talks to real URLs; this hands them to the in-process app.
  const viaApp = (async (input: string | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    requests.push({ path: url.pathname, authorization: new Headers(init?.headers).get('authorization') });
    return app.fetch(`${url.pathname}${url.search}`, init);
  }) as typeof fetch;
  const tokenRequests = () => requests.filter((r) => r.path === '/oauth2/token').length;
  const helper = (overrides: Partial<ClientCredentialsOptions> = {}) =>
    clientCredentials({ tokenUrl, clientId: supplier.appId, privateKey: supplier.rsa.privateKey, kid: supplier.rsa.kid, alg: 'RS512', fetch: viaApp, now, ...overrides });

  beforeAll(async () => {
    // The shortest lifetime the server allows, so renewal is reached by moving the fake clock a little.
    app = await startTestApp(backend, { patients: 5, env: { ACCESS_TOKEN_TTL_SECONDS: '30' } });
    tokenUrl = `${app.env.publicUrl}/oauth2/token`;
    supplier = await createSupplierApp(app.database.db, { granted: ['patient/Patient.rs', 'system/Slot.rs'], pending: ['patient/Condition.rs'] });
  });
  afterAll(() => app.close());

  const reset = () => {
    requests = [];
    clockOffsetMs = 0;
  };

  it('plugs into createClient and asks for one token for many calls, concurrent ones included', async () => {
    reset();
    const auth = helper();
    const client = createClient({ url: `${app.env.publicUrl}/graphql`, token: auth.getToken, fetch: viaApp });
    const results = await Promise.all([1, 2, 3].map(() => client.request(ClinicalSystemsDocument)));
    expect(results.every((r) => r.clinicalSystems.length === 4)).toBe(true);
    await client.request(ClinicalSystemsDocument);
    expect(tokenRequests()).toBe(1);
    const token = await auth.getToken();
    const sent = requests.filter((r) => r.path === '/graphql').map((r) => r.authorization);
    expect(sent).toEqual(Array(4).fill(`Bearer ${token}`));
  });

  it('renews the token before it expires, with one request for concurrent callers', async () => {
    reset();
    const auth = helper({ scope: ['system/Slot.rs'] });
    const first = await auth.getToken();
    clockOffsetMs = 10_000;
    expect(await auth.getToken()).toBe(first);
    expect(tokenRequests()).toBe(1);
    // A 30 s token is renewed 15 s early (half its life, as 30 s would leave no usable window).
    clockOffsetMs = 16_000;
    const [a, b, c] = await Promise.all([auth.getToken(), auth.getToken(), auth.getToken()]);
    expect(tokenRequests()).toBe(2);
    expect(a).not.toBe(first);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(await auth.getToken()).toBe(a);
    expect(tokenRequests()).toBe(2);
  });

  it('signs with an ES384 private key given as a JWK', async () => {
    reset();
    const jwk = await exportJWK(supplier.ec.privateKey);
    const auth = helper({ privateKey: jwk, kid: supplier.ec.kid, alg: 'ES384' });
    const client = createClient({ url: `${app.env.publicUrl}/graphql`, token: auth.getToken, fetch: viaApp });
    expect((await client.request(ClinicalSystemsDocument)).clinicalSystems).toHaveLength(4);
  });

  it('surfaces the endpoint refusals as OAuthError, and tries again on the next call', async () => {
    reset();
    const ungranted = helper({ scope: 'patient/Condition.rs' });
    const error = await ungranted.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ error: 'invalid_scope', status: 400 });
    expect((error as OAuthError).description).toMatch(/not granted/);
    await expect(ungranted.getToken()).rejects.toBeInstanceOf(OAuthError);
    expect(tokenRequests()).toBe(2);

    const wrongKid = helper({ kid: 'not-registered' });
    await expect(wrongKid.getToken()).rejects.toMatchObject({ name: 'OAuthError', error: 'invalid_client', status: 401 });
  });
});
