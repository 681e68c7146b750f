// The OAuth2 token endpoint: private_key_jwt client assertions exchanged for access tokens, every
// refusal a supplier's client could run into, and the tokens' use at the API.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SignJWT, UnsecuredJWT, createLocalJWKSet, decodeProtectedHeader, exportSPKI, generateKeyPair, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../server/db/schema/audit.js';
import { createApp } from '../server/http/app.js';
import { clientApps, usedJtis } from '../server/db/schema/access.js';
import { availableBackends } from './support/backends.js';
import { ASSERTION_TYPE, createSupplierApp, signAssertion, tokenForm, type SupplierApp } from './support/supplier-app.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const GRANTED = ['patient/Patient.rs', 'system/Slot.rs', 'patient/Appointment.rs'];
const PENDING = ['patient/AllergyIntolerance.rs'];
const PLATFORM_ISSUER = 'urn:gp-open-integration:platform';

type Fetch = (path: string, init?: RequestInit) => Promise<Response>;
interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}
interface ErrorBody {
  error: string;
  error_description: string;
}

describe.each(await availableBackends())('token endpoint (%s)', (backend) => {
  let app: TestApp;
  let supplier: SupplierApp;
  let tokenUrl: string;

  beforeAll(async () => {
    app = await startTestApp(backend, { patients: 5 });
    tokenUrl = `${app.env.publicUrl}/oauth2/token`;
    supplier = await createSupplierApp(app.database.db, { granted: GRANTED, pending: PENDING });
  });
  afterAll(() => app.close());

  const post = (form: URLSearchParams, via: Fetch = app.fetch) =>
    via('/oauth2/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  const assertionFor = (s: SupplierApp, key: 'rsa' | 'ec' = 'rsa', overrides = {}) => signAssertion(s.appId, s[key], tokenUrl, overrides);
  const tokenFor = async (s: SupplierApp) => {
    const response = await post(tokenForm(await assertionFor(s)));
    expect(response.status).toBe(200);
    return ((await response.json()) as TokenBody).access_token;
  };
  const clinicalSystems = (token: string) =>
    app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ clinicalSystems { id } }' }),
    });

  async function expectRefusal(response: Response, error: string, description?: RegExp) {
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toBe(error);
    if (description) expect(body.error_description).toMatch(description);
    expect(body.error_description).toMatch(/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/); // RFC 6749's allowed characters
    expect(response.status).toBe(error === 'invalid_client' ? 401 : 400);
    expect(response.headers.get('www-authenticate')).toBe(error === 'invalid_client' ? 'Bearer error="invalid_client"' : null);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  }

  it('issues an access token for an RS512 assertion, signed by the key published at /.well-known/jwks.json', async () => {
    const response = await post(tokenForm(await assertionFor(supplier, 'rsa')));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as TokenBody;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: [...GRANTED].sort().join(' ') });

    const jwks = (await (await app.fetch('/.well-known/jwks.json')).json()) as JSONWebKeySet;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const { payload, protectedHeader } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), { issuer: PLATFORM_ISSUER, audience: 'gp-open-integration' });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: jwks.keys[0]!.kid });
    expect(payload).toMatchObject({ sub: supplier.appId, client_id: supplier.appId, supplier_id: supplier.supplierId, scope: body.scope });
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(10);

    expect((await clinicalSystems(body.access_token)).status).toBe(200);
    expect((await clinicalSystems('garbage.not.token')).status).toBe(401);
  });

  it('issues a token for an ES384 assertion, narrowed to the scopes asked for', async () => {
    const response = await post(tokenForm(await assertionFor(supplier, 'ec'), { scope: 'system/Slot.rs patient/Patient.rs' }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenBody;
    expect(body.scope).toBe('system/Slot.rs patient/Patient.rs');
    const res = await clinicalSystems(body.access_token);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { clinicalSystems: unknown[] } }).data.clinicalSystems).toHaveLength(4);
  });

  const faults: Array<[string, () => Promise<URLSearchParams>, string, RegExp]> = [
    [
      'alg none',
      async () => tokenForm(new UnsecuredJWT({ jti: randomUUID() }).setIssuer(supplier.appId).setSubject(supplier.appId).setAudience(tokenUrl).setExpirationTime('4m').encode()),
      'invalid_client',
      /RS512 or ES384/,
    ],
    [
      'HS256 keyed with the registered RSA public key (algorithm confusion)',
      async () => {
        const secret = new TextEncoder().encode(await exportSPKI(supplier.rsa.publicKey));
        const jwt = await new SignJWT({ jti: randomUUID() })
          .setProtectedHeader({ alg: 'HS256', kid: supplier.rsa.kid })
          .setIssuer(supplier.appId)
          .setSubject(supplier.appId)
          .setAudience(tokenUrl)
          .setExpirationTime('4m')
          .sign(secret);
        return tokenForm(jwt);
      },
      'invalid_client',
      /RS512 or ES384/,
    ],
    ['an unknown kid', async () => tokenForm(await assertionFor(supplier, 'rsa', { kid: 'never-registered' })), 'invalid_client', /kid/],
    [
      'a registered kid but a key that is not the registered one',
      async () => {
        const { privateKey } = await generateKeyPair('RS512');
        const jwt = await new SignJWT({ jti: randomUUID() })
          .setProtectedHeader({ alg: 'RS512', kid: supplier.rsa.kid })
          .setIssuer(supplier.appId)
          .setSubject(supplier.appId)
          .setAudience(tokenUrl)
          .setExpirationTime('4m')
          .sign(privateKey);
        return tokenForm(jwt);
      },
      'invalid_client',
      /signature/,
    ],
    ['ES384 under the kid of the RSA key', async () => tokenForm(await assertionFor(supplier, 'ec', { kid: supplier.rsa.kid })), 'invalid_client', /does not suit/],
    ['aud = the URL the request came to', async () => tokenForm(await assertionFor(supplier, 'rsa', { aud: 'http://localhost/oauth2/token' })), 'invalid_client', /aud/],
    // RFC 7523 would allow an array containing the token URL; we require exactly the URL, a string.
    ['aud an array that contains the token URL', async () => tokenForm(await assertionFor(supplier, 'rsa', { aud: [tokenUrl, 'https://elsewhere.example/token'] })), 'invalid_client', /exactly the token endpoint URL/],
    ['aud the token URL alone but in an array', async () => tokenForm(await assertionFor(supplier, 'rsa', { aud: [tokenUrl] })), 'invalid_client', /a string, not an array/],
    ['an expired assertion', async () => tokenForm(await assertionFor(supplier, 'rsa', { iat: -400, exp: -90 })), 'invalid_client', /expired/],
    ['exp 10 minutes ahead', async () => tokenForm(await assertionFor(supplier, 'rsa', { exp: 600 })), 'invalid_client', /at most 300 seconds/],
    ['iat in the future', async () => tokenForm(await assertionFor(supplier, 'rsa', { iat: 120 })), 'invalid_client', /iat/],
    ['no exp', async () => tokenForm(await assertionFor(supplier, 'rsa', { exp: null })), 'invalid_client', /exp/],
    ['no jti', async () => tokenForm(await assertionFor(supplier, 'rsa', { jti: null })), 'invalid_client', /jti/],
    ['sub other than iss', async () => tokenForm(await assertionFor(supplier, 'rsa', { sub: 'someone-else' })), 'invalid_client', /sub/],
    ['an unknown client', async () => tokenForm(await signAssertion('app-unknown', supplier.rsa, tokenUrl)), 'invalid_client', /Unknown client/],
    ['client_id other than the assertion iss', async () => tokenForm(await assertionFor(supplier), { client_id: 'app-other' }), 'invalid_client', /client_id/],
    ['a grant_type other than client_credentials', async () => tokenForm(await assertionFor(supplier), { grant_type: 'authorization_code' }), 'unsupported_grant_type', /client_credentials/],
    [
      'no grant_type',
      async () => new URLSearchParams({ client_assertion_type: ASSERTION_TYPE, client_assertion: await assertionFor(supplier) }),
      'invalid_request',
      /grant_type/,
    ],
    [
      'a repeated parameter',
      async () => {
        const form = tokenForm(await assertionFor(supplier));
        form.append('client_assertion', await assertionFor(supplier));
        return form;
      },
      'invalid_request',
      /repeated/,
    ],
    [
      'another client_assertion_type',
      async () => tokenForm(await assertionFor(supplier), { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }),
      'invalid_client',
      /client_assertion_type/,
    ],
    ['a scope requested but not granted', async () => tokenForm(await assertionFor(supplier), { scope: 'patient/Patient.rs patient/AllergyIntolerance.rs' }), 'invalid_scope', /not granted.*AllergyIntolerance/],
    ['an unknown scope', async () => tokenForm(await assertionFor(supplier), { scope: 'system/*.cruds' }), 'invalid_scope', /Unknown scope/],
  ];

  it.each(faults)('refuses %s', async (_, form, error, description) => {
    await expectRefusal(await post(await form()), error, description);
  });

  it('refuses a body that is not a form, and methods other than POST', async () => {
    const json = await app.fetch('/oauth2/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' });
    await expectRefusal(json, 'invalid_request', /form/);
    const get = await app.fetch('/oauth2/token');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('refuses a replayed assertion', async () => {
    const form = tokenForm(await assertionFor(supplier));
    expect((await post(form)).status).toBe(200);
    await expectRefusal(await post(form), 'invalid_client', /already been used/);
  });

  it('publishes its authorization server metadata (RFC 8414)', async () => {
    const metadata = (await (await app.fetch('/.well-known/oauth-authorization-server')).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      token_endpoint: tokenUrl,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS512', 'ES384'],
    });
    expect((await app.fetch(new URL(metadata.jwks_uri as string).pathname)).status).toBe(200);
  });

  it('audits every token issued and every refusal, naming the client', async () => {
    const fresh = await createSupplierApp(app.database.db, { granted: GRANTED });
    expect((await post(tokenForm(await assertionFor(fresh)))).status).toBe(200);
    await expectRefusal(await post(tokenForm(await assertionFor(fresh, 'rsa', { aud: 'https://elsewhere.example/token' }))), 'invalid_client');
    const events = await app.database.db.select().from(auditEvents).where(eq(auditEvents.actorId, fresh.appId));
    expect(events.map((e) => [e.operation, e.outcome]).sort()).toEqual([
      ['ISSUE_ACCESS_TOKEN', 'ALLOWED'],
      ['ISSUE_ACCESS_TOKEN', 'REFUSED'],
    ]);
    expect(events.find((e) => e.outcome === 'ALLOWED')!.supplierId).toBe(fresh.supplierId);
  });

  it('remembers used assertions across a restart, keeps honouring its tokens, and sweeps expired jtis', async () => {
    const form = tokenForm(await assertionFor(supplier));
    const first = (await (await post(form)).json()) as TokenBody;
    const stale = { clientId: supplier.appId, jti: `stale-${randomUUID()}`, expiresAt: new Date(Date.now() - 3_600_000) };
    await app.database.db.insert(usedJtis).values(stale);

    const restarted = await createApp({ env: app.env, database: app.database });
    const viaRestarted: Fetch = (path, init) => Promise.resolve(restarted.yoga.fetch(new Request(`http://localhost${path}`, init)));
    await expectRefusal(await post(form, viaRestarted), 'invalid_client', /already been used/);
    const graphql = await viaRestarted('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${first.access_token}` },
      body: JSON.stringify({ query: '{ clinicalSystems { id } }' }),
    });
    expect(graphql.status).toBe(200);
    const left = await app.database.db.select().from(usedJtis).where(eq(usedJtis.jti, stale.jti));
    expect(left).toEqual([]);
  });

  it('gives exactly one token for the same assertion sent several times at once', async () => {
    const form = tokenForm(await assertionFor(supplier));
    const responses = await Promise.all([1, 2, 3, 4].map(() => post(form)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401]);
    for (const refused of responses.filter((r) => r.status === 401)) await expectRefusal(refused, 'invalid_client', /already been used/);
  });

  it('accepts every registered key during a rotation and refuses a key once it is removed', async () => {
    const rotating = await createSupplierApp(app.database.db, { granted: GRANTED });
    expect((await post(tokenForm(await assertionFor(rotating, 'rsa')))).status).toBe(200);
    expect((await post(tokenForm(await assertionFor(rotating, 'ec')))).status).toBe(200);
    await app.database.db.update(clientApps).set({ jwks: { keys: [rotating.ec.publicJwk] } }).where(eq(clientApps.id, rotating.appId));
    await expectRefusal(await post(tokenForm(await assertionFor(rotating, 'rsa'))), 'invalid_client', /kid/);
    expect((await post(tokenForm(await assertionFor(rotating, 'ec')))).status).toBe(200);
  });

  it('stops a revoked app at once: no new tokens, and its unexpired token is refused at /graphql', async () => {
    const revoked = await createSupplierApp(app.database.db, { granted: GRANTED });
    const token = await tokenFor(revoked);
    expect((await clinicalSystems(token)).status).toBe(200);
    await app.database.db.update(clientApps).set({ status: 'REVOKED', revokedAt: new Date() }).where(eq(clientApps.id, revoked.appId));

    const refused = await clinicalSystems(token);
    expect(refused.status).toBe(401);
    const body = (await refused.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0]!.message).toMatch(/revoked/);
    await expectRefusal(await post(tokenForm(await assertionFor(revoked))), 'invalid_client', /revoked/);
  });

  it('refuses a supplier with no granted scopes rather than issuing an empty token', async () => {
    const ungranted = await createSupplierApp(app.database.db, { granted: [], pending: GRANTED });
    await expectRefusal(await post(tokenForm(await assertionFor(ungranted))), 'invalid_scope', /not granted this supplier any scopes/);
  });

  it('does not accept an access token as a client assertion, nor an assertion as an access token', async () => {
    const assertion = await assertionFor(supplier);
    expect(decodeProtectedHeader(assertion).typ).toBe('JWT');
    expect((await clinicalSystems(assertion)).status).toBe(401);
    const token = await tokenFor(supplier);
    await expectRefusal(await post(tokenForm(token)), 'invalid_client', /RS512 or ES384/);
  });
});
