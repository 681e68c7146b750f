// The token endpoint's checks on their own (no database, no HTTP): every way a client assertion can
// be wrong is refused as invalid_client with the description a supplier would read, the boundaries
// (lifetime, clock skew, lengths, characters) sit exactly where the README says, and the exchange
// around it refuses bad forms, replays and scopes with the RFC 6749 code for each.
import { CompactSign, SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessTokens, AppGrant } from '../server/auth/access-tokens.js';
import { verifyClientAssertion } from '../server/auth/client-assertion.js';
import type { ClientAppRecord, ClientAppStore } from '../server/auth/client-apps.js';
import { clientCredentialsExchange, tokenEndpointUrl, type TokenResult } from '../server/auth/client-credentials.js';
import { OAuthFailure } from '../server/auth/oauth-failure.js';

const TOKEN_URL = 'https://gp.example/oauth2/token';
/** Written out, as a client sends it (RFC 7523 section 2.2). */
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const NOW = 1_800_000_000;
const APP = 'app-reminders';
/** The widest client_id allowed: 200 printable ASCII characters, from '!' to '~'. */
const EDGE_APP = `!${'x'.repeat(198)}~`;
const YEAR_0000 = -62_167_219_200;
const YEAR_10000 = 253_402_300_800;

interface Key {
  kid: string;
  alg: 'RS512' | 'ES384';
  privateKey: CryptoKey;
  jwk: JWK;
}
let rsa: Key, ec: Key, stranger: Key;

async function key(alg: 'RS512' | 'ES384', kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

beforeAll(async () => {
  [rsa, ec, stranger] = await Promise.all([key('RS512', 'rsa-1'), key('ES384', 'ec-1'), key('RS512', 'rsa-1')]);
});

type Claims = Record<string, unknown>;
const claimsFor = (iss: string, extra: Claims = {}): Claims => ({ iss, sub: iss, aud: TOKEN_URL, exp: NOW + 240, iat: NOW, jti: 'jti-1', ...extra });

/** Signs claims as given (undefined leaves a claim out) with a header of alg and kid. */
function sign(claims: Claims, by: Key = rsa, header: Record<string, unknown> = {}): Promise<string> {
  const present = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return new SignJWT(present).setProtectedHeader({ alg: by.alg, kid: by.kid, ...header }).sign(by.privateKey);
}
/** The assertion with its header swapped (the signature no longer matches: only checks before it can pass). */
const withHeader = (jwt: string, header: Record<string, unknown>) => [Buffer.from(JSON.stringify(header)).toString('base64url'), ...jwt.split('.').slice(1)].join('.');
const assertion = (extra: Claims = {}, by?: Key, header?: Record<string, unknown>) => sign(claimsFor(APP, extra), by, header);

function memoryStore(apps: ClientAppRecord[], granted: Record<string, string[]> = {}) {
  const used = new Map<string, Date>();
  const purges: Date[] = [];
  const store: ClientAppStore = {
    findClientApp: async (id) => apps.find((a) => a.id === id) ?? null,
    consumeJti: async (clientId, jti, expiresAt) => {
      const key = JSON.stringify([clientId, jti]);
      if (used.has(key)) return false;
      used.set(key, expiresAt);
      return true;
    },
    purgeExpiredJtis: async (before) => {
      purges.push(before);
    },
    grantedScopes: async (supplierId) => granted[supplierId] ?? [],
  };
  return { store, used, purges };
}

const app = (id: string, jwks: unknown = { keys: [rsa.jwk, ec.jwk] }, status = 'ACTIVE'): ClientAppRecord => ({ id, supplierId: `supplier-of-${id}`, status, jwks });
const apps = () => [
  app(APP),
  app(EDGE_APP),
  app('app-revoked', undefined, 'REVOKED'),
  app('app-suspended', undefined, 'SUSPENDED'),
  app('app-no-jwks', {}),
  app('app-odd-kid', { keys: [{ ...ec.jwk, kid: 7 }, rsa.jwk] }),
  app('app-keys-without-kid', { keys: [{ ...rsa.jwk, kid: undefined }] }),
  app('app-short-key', { keys: [{ ...rsa.jwk, n: 'AAAA' }] }),
];

const verify = (jwt: string, clientId: string | null = null) => verifyClientAssertion(memoryStore(apps()).store, jwt, { tokenUrl: TOKEN_URL, nowSeconds: NOW, clientId });

async function refusal(promise: Promise<unknown>): Promise<OAuthFailure> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OAuthFailure);
  return error as OAuthFailure;
}

describe('client assertion checks', () => {
  it('accepts an RS512 and an ES384 assertion and names the app, the jti and the expiry', async () => {
    for (const by of [rsa, ec]) {
      const verified = await verify(await assertion({ jti: `jti-${by.alg}` }, by));
      expect(verified).toEqual({ app: app(APP), jti: `jti-${by.alg}`, exp: NOW + 240 });
    }
  });

  it('accepts the widest client_id, the claims at the edge of the clock skew and lifetime, and a client_id that matches', async () => {
    await expect(verify(await sign(claimsFor(EDGE_APP)))).resolves.toMatchObject({ app: { id: EDGE_APP } });
    await expect(verify(await assertion({ exp: NOW - 29 }))).resolves.toMatchObject({ exp: NOW - 29 });
    await expect(verify(await assertion({ exp: NOW + 330 }))).resolves.toMatchObject({ exp: NOW + 330 });
    await expect(verify(await assertion({ iat: NOW + 30, nbf: NOW + 30 })))
      .resolves.toMatchObject({ jti: 'jti-1' });
    await expect(verify(await assertion({ iat: undefined }))).resolves.toMatchObject({ jti: 'jti-1' });
    await expect(verify(await assertion({ jti: 'j'.repeat(256) }))).resolves.toMatchObject({ jti: 'j'.repeat(256) });
    await expect(verify(await assertion(), APP)).resolves.toMatchObject({ app: { id: APP } });
  });

  const KID = 'client_assertion header must carry the kid of a registered key.';
  const ISS = 'client_assertion must carry iss = client_id.';
  const NO_KEY = 'The assertion kid does not name a key registered for this client.';
  const ISS_SUB = 'client_assertion iss and sub must both be the client_id.';
  const AUD = `client_assertion aud must be the token endpoint URL ${TOKEN_URL}.`;
  const AUD_EXACT = `client_assertion aud must be exactly the token endpoint URL ${TOKEN_URL} (a string, not an array).`;
  const EXPIRED = 'client_assertion has expired.';
  const TOO_LONG = 'client_assertion exp must be at most 300 seconds from now.';
  const JTI = 'client_assertion jti must be a non-empty string of at most 256 characters.';
  const claim = (name: string) => `client_assertion ${name} claim is missing or not valid.`;

  const faults: Array<[string, () => Promise<string>, string, (string | null)?]> = [
    ['not a JWT', async () => 'not-a-jwt', 'client_assertion is not a signed JWT in compact form.'],
    ['a payload that is not JSON', async () => `${(await assertion()).split('.')[0]}.bm90LWpzb24.c2ln`, 'client_assertion is not a signed JWT in compact form.'],
    ['alg none', async () => new UnsecuredJWT(claimsFor(APP)).encode(), 'client_assertion must be signed with RS512 or ES384.'],
    ['RS256, a listed family but not a listed alg', async () => withHeader(await assertion(), { alg: 'RS256', kid: rsa.kid }), 'client_assertion must be signed with RS512 or ES384.'],
    ['HS256 keyed with the public key', async () => new SignJWT(claimsFor(APP)).setProtectedHeader({ alg: 'HS256', kid: rsa.kid }).sign(new TextEncoder().encode(JSON.stringify(rsa.jwk))), 'client_assertion must be signed with RS512 or ES384.'],
    ['no kid', async () => assertion({}, rsa, { kid: undefined }), KID],
    ['an empty kid', async () => assertion({}, rsa, { kid: '' }), KID],
    ['a numeric kid', async () => assertion({}, rsa, { kid: 7 }), KID],
    ['a kid holding a NUL', async () => assertion({}, rsa, { kid: 'rsa\u00001' }), KID],
    ['a kid holding a space', async () => assertion({}, rsa, { kid: 'rsa 1' }), KID],
    ['an empty kid and no iss (the kid is checked first)', async () => assertion({ iss: undefined }, rsa, { kid: '' }), KID],
    ['no iss', async () => assertion({ iss: undefined }), ISS],
    ['a numeric iss', async () => assertion({ iss: 42 }), ISS],
    ['an empty iss', async () => assertion({ iss: '' }), ISS],
    ['an iss holding a NUL', async () => assertion({ iss: `${APP}\u0000` }), ISS],
    ['an iss holding a lone surrogate', async () => assertion({ iss: `${APP}\uD800` }), ISS],
    ['an iss holding a space', async () => assertion({ iss: `x ${APP}` }), ISS],
    ['an iss holding DEL', async () => assertion({ iss: `${APP}\u007F` }), ISS],
    ['an iss of 201 characters', async () => assertion({ iss: `${EDGE_APP}x` }), ISS],
    ['a client_id other than the iss', async () => assertion(), 'client_id does not match the assertion iss.', 'app-other'],
    ['an unknown client', async () => sign(claimsFor('app-unknown')), 'Unknown client.'],
    ['a revoked client', async () => sign(claimsFor('app-revoked')), 'This client has been revoked.'],
    ['a suspended client', async () => sign(claimsFor('app-suspended')), 'This client has been revoked.'],
    ['a kid not registered', async () => assertion({}, rsa, { kid: 'rsa-2' }), NO_KEY],
    ['a client whose registered JWKS has no keys array', async () => sign(claimsFor('app-no-jwks')), NO_KEY],
    ['a client whose registered keys carry no kid', async () => sign(claimsFor('app-keys-without-kid')), NO_KEY],
    ['a client whose registered JWKS holds a key with a kid that is not a string', async () => sign(claimsFor('app-odd-kid')), NO_KEY],
    ['a registered kid on a key that is not the registered one', async () => assertion({}, stranger), 'client_assertion signature does not verify with the registered key.'],
    ['ES384 under the kid of the RSA key', async () => assertion({}, ec, { kid: rsa.kid }), 'The registered key with this kid does not suit the assertion alg.'],
    ['a sub other than the iss', async () => assertion({ sub: 'someone-else' }), ISS_SUB],
    ['no sub', async () => assertion({ sub: undefined }), ISS_SUB],
    ['an aud of another URL', async () => assertion({ aud: 'https://gp.example/oauth2/token/' }), AUD],
    ['no aud', async () => assertion({ aud: undefined }), AUD],
    ['an aud array containing the token URL', async () => assertion({ aud: [TOKEN_URL, 'https://elsewhere.example/token'] }), AUD_EXACT],
    ['an aud array of the token URL alone', async () => assertion({ aud: [TOKEN_URL] }), AUD_EXACT],
    ['an exp past the clock skew', async () => assertion({ exp: NOW - 30 }), EXPIRED],
    ['an exp in the year 0000', async () => assertion({ exp: YEAR_0000 }), EXPIRED],
    ['an exp beyond the lifetime and skew', async () => assertion({ exp: NOW + 331 }), TOO_LONG],
    ['an exp in the year 10000', async () => assertion({ exp: YEAR_10000 }), TOO_LONG],
    ['an exp beyond any date', async () => assertion({ exp: 1e300 }), TOO_LONG],
    ['no exp', async () => assertion({ exp: undefined }), claim('exp')],
    ['an exp written as a date string', async () => assertion({ exp: '0000-01-01T00:00:00Z' }), claim('exp')],
    ['an iat past the clock skew ahead', async () => assertion({ iat: NOW + 31 }), 'client_assertion iat is in the future.'],
    ['an iat written as a date string', async () => assertion({ iat: '2027-01-01' }), claim('iat')],
    ['an nbf past the clock skew ahead', async () => assertion({ nbf: NOW + 31 }), claim('nbf')],
    ['an nbf in the year 10000', async () => assertion({ nbf: YEAR_10000 }), claim('nbf')],
    ['no jti', async () => assertion({ jti: undefined }), claim('jti')],
    ['an empty jti', async () => assertion({ jti: '' }), JTI],
    ['a numeric jti', async () => assertion({ jti: 42 }), JTI],
    ['a jti of 257 characters', async () => assertion({ jti: 'j'.repeat(257) }), JTI],
    ['a jti holding a NUL', async () => assertion({ jti: 'jti\u0000' }), JTI],
    ['a jti holding a lone surrogate', async () => assertion({ jti: '\uDC00jti' }), JTI],
    [
      'a critical header extension we do not know',
      async () =>
        new CompactSign(new TextEncoder().encode(JSON.stringify(claimsFor(APP))))
          .setProtectedHeader({ alg: 'RS512', kid: rsa.kid, crit: ['x-ext'], 'x-ext': 1 })
          .sign(rsa.privateKey, { crit: { 'x-ext': true } }),
      'client_assertion is not valid.',
    ],
  ];

  it.each(faults)('refuses %s as invalid_client, saying why', async (_, make, description, clientId = null) => {
    const failure = await refusal(verify(await make(), clientId));
    expect({ code: failure.code, description: failure.description }).toEqual({ code: 'invalid_client', description });
  });

  it('lets a fault that is not the client’s (an unusable registered key) through as a failure, not a refusal', async () => {
    await expect(verify(await sign(claimsFor('app-short-key')))).rejects.toThrow(TypeError);
  });
});

describe('client credentials exchange', () => {
  const GRANTED = ['patient/Appointment.rs', 'patient/Patient.rs', 'system/Slot.rs'];
  const minted: Array<{ grant: AppGrant; nowSeconds: number }> = [];
  const accessTokens: AccessTokens = {
    jwks: { keys: [] },
    mint: async (grant, nowSeconds) => {
      minted.push({ grant, nowSeconds });
      return { token: `token-${minted.length}`, expiresIn: 300 };
    },
  };
  const setup = (granted: string[] = GRANTED) => {
    const memory = memoryStore(apps(), { [`supplier-of-${APP}`]: granted, [`supplier-of-${EDGE_APP}`]: GRANTED });
    let nowMs = NOW * 1000 + 999;
    const exchange = clientCredentialsExchange({ store: memory.store, accessTokens, tokenUrl: TOKEN_URL, now: () => nowMs });
    return { ...memory, exchange, advance: (ms: number) => (nowMs += ms) };
  };
  const form = async (extra: Record<string, string> = {}, jwt?: string) =>
    new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: jwt ?? (await assertion()), ...extra });
  const failure = (result: TokenResult) => {
    expect(result.ok).toBe(false);
    const { code, description } = (result as Extract<TokenResult, { ok: false }>).failure;
    return { code, description };
  };

  it('issues a token with every granted scope, minted for the app at the current second, and spends the jti until its exp', async () => {
    const { exchange, used } = setup();
    minted.length = 0;
    const result = await exchange(await form());
    expect(result).toEqual({
      ok: true,
      body: { access_token: 'token-1', token_type: 'Bearer', expires_in: 300, scope: GRANTED.join(' ') },
      appId: APP,
      supplierId: `supplier-of-${APP}`,
    });
    expect(minted).toEqual([{ grant: { appId: APP, supplierId: `supplier-of-${APP}`, scopes: GRANTED }, nowSeconds: NOW }]);
    expect([...used]).toEqual([[JSON.stringify([APP, 'jti-1']), new Date((NOW + 240) * 1000)]]);
  });

  it('narrows the token to the scopes asked for, in the order asked', async () => {
    const { exchange } = setup();
    const result = await exchange(await form({ scope: 'system/Slot.rs  patient/Patient.rs' }));
    expect(result.ok && result.body.scope).toBe('system/Slot.rs patient/Patient.rs');
  });

  it('refuses a replayed assertion, but not the same jti from another client', async () => {
    const { exchange } = setup();
    const jwt = await assertion();
    expect((await exchange(await form({}, jwt))).ok).toBe(true);
    expect(failure(await exchange(await form({}, jwt)))).toEqual({ code: 'invalid_client', description: 'client_assertion jti has already been used.' });
    expect((await exchange(await form({}, await sign(claimsFor(EDGE_APP))))).ok).toBe(true);
  });

  const ASSERT_HOW = `Authenticate with client_assertion_type=${ASSERTION_TYPE} and a client_assertion.`;
  const formFaults: Array<[string, () => Promise<URLSearchParams>, string, string]> = [
    ['no grant_type', async () => { const f = await form(); f.delete('grant_type'); return f; }, 'invalid_request', 'grant_type is required.'],
    ['an empty grant_type', async () => form({ grant_type: '' }), 'invalid_request', 'grant_type is required.'],
    ['another grant_type', async () => form({ grant_type: 'authorization_code' }), 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.'],
    ['a repeated grant_type', async () => { const f = await form(); f.append('grant_type', 'client_credentials'); return f; }, 'invalid_request', 'grant_type must not be repeated.'],
    ['a repeated client_assertion', async () => { const f = await form(); f.append('client_assertion', await assertion({ jti: 'jti-2' })); return f; }, 'invalid_request', 'client_assertion must not be repeated.'],
    ['a repeated scope', async () => { const f = await form({ scope: 'system/Slot.rs' }); f.append('scope', 'patient/Patient.rs'); return f; }, 'invalid_request', 'scope must not be repeated.'],
    ['no client_assertion_type', async () => { const f = await form(); f.delete('client_assertion_type'); return f; }, 'invalid_client', ASSERT_HOW],
    ['another client_assertion_type', async () => form({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }), 'invalid_client', ASSERT_HOW],
    ['no client_assertion', async () => { const f = await form(); f.delete('client_assertion'); return f; }, 'invalid_client', ASSERT_HOW],
    ['an empty client_assertion', async () => form({ client_assertion: '' }), 'invalid_client', ASSERT_HOW],
    ['a client_id other than the iss', async () => form({ client_id: 'app-other' }), 'invalid_client', 'client_id does not match the assertion iss.'],
    ['a bad assertion', async () => form({}, await assertion({ exp: NOW - 60 })), 'invalid_client', 'client_assertion has expired.'],
    ['an unknown scope', async () => form({ scope: 'patient/Patient.rs system/*.cruds other' }), 'invalid_scope', 'Unknown scope: system/*.cruds other.'],
    [
      'known scopes not granted',
      async () => form({ scope: 'patient/Patient.rs patient/AllergyIntolerance.rs patient/Condition.rs' }),
      'invalid_scope',
      'Scope not granted to this supplier: patient/AllergyIntolerance.rs patient/Condition.rs.',
    ],
  ];

  it.each(formFaults)('refuses %s', async (_, make, code, description) => {
    expect(failure(await setup().exchange(await make()))).toEqual({ code, description });
  });

  it('refuses a supplier granted no scopes rather than issuing an empty token', async () => {
    const { exchange, used } = setup([]);
    expect(failure(await exchange(await form()))).toEqual({ code: 'invalid_scope', description: 'NHS England has not granted this supplier any scopes yet.' });
    expect(used.size).toBe(1);
  });

  it('sweeps used jtis past their exp and the skew at most once a minute, refused requests included', async () => {
    const { exchange, purges, advance } = setup();
    await exchange(await form({ grant_type: 'password' }));
    expect(purges).toEqual([new Date(NOW * 1000 + 999 - 30_000)]);
    advance(60_000);
    await exchange(await form());
    expect(purges).toHaveLength(1);
    advance(1);
    await exchange(await form({ grant_type: 'password' }));
    expect(purges).toEqual([new Date(NOW * 1000 + 999 - 30_000), new Date(NOW * 1000 + 999 + 60_001 - 30_000)]);
  });

  it('lets an unexpected failure through rather than answering it as a refusal', async () => {
    const { store } = memoryStore(apps());
    const broken = new Error('database gone');
    const exchange = clientCredentialsExchange({ store: { ...store, findClientApp: () => Promise.reject(broken) }, accessTokens, tokenUrl: TOKEN_URL });
    await expect(exchange(await form())).rejects.toBe(broken);
  });

  it('places the token endpoint under the public URL, whatever its trailing slashes', () => {
    expect(tokenEndpointUrl('https://gp.example')).toBe(TOKEN_URL);
    expect(tokenEndpointUrl('https://gp.example//')).toBe(TOKEN_URL);
  });
});
