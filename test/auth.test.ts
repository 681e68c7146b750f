// Authentication and the practice boundary: deny by default, refusals with stable codes.
import { eq } from 'drizzle-orm';
import { SignJWT, generateKeyPair, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { practices, signingKeys } from '../server/db/schema/governance.js';
import { DEV_ISSUER } from '../server/env.js';
import { availableBackends } from './support/backends.js';
import { RECORD_QUERY } from './support/queries.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe.each(await availableBackends())('authentication and access (%s)', (backend) => {
  let app: TestApp;
  let devKey: { kid: string; privateJwk: JWK };
  let byPractice: Map<string, string[]>;

  beforeAll(async () => {
    app = await startTestApp(backend);
    await app.tokenFor('developer'); // creates nothing new, but proves the issuer works before we read its key
    const [row] = await app.database.db.select().from(signingKeys).where(eq(signingKeys.purpose, 'dev-issuer'));
    devKey = { kid: row!.kid, privateJwk: row!.privateJwk as JWK };
    const listed = await app.gql<{ practices: { edges: Array<{ node: { odsCode: string; patients: { edges: Array<{ node: { nhsNumber: string } }> } } }> } }>(
      '{ practices(first: 100) { edges { node { odsCode patients(first: 5) { edges { node { nhsNumber } } } } } } }',
      {},
      await app.tokenFor('developer'),
    );
    byPractice = new Map(listed.data!.practices.edges.map((e) => [e.node.odsCode, e.node.patients.edges.map((p) => p.node.nhsNumber)]));
  });
  afterAll(() => app.close());

  const signWithDevKey = async (claims: Record<string, unknown>, options: { exp?: number | null; iss?: string; aud?: string } = {}) => {
    const key = await importJWK(devKey.privateJwk, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: devKey.kid })
      .setIssuer(options.iss ?? DEV_ISSUER)
      .setAudience(options.aud ?? 'gp-open-integration')
      .setSubject('developer')
      .setIssuedAt(now - 7200);
    if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now + 600);
    return jwt.sign(key);
  };
  const firstPatientOf = (ods: string) => byPractice.get(ods)![0]!;

  it('refuses clinical fields without a token as UNAUTHENTICATED', async () => {
    const response = await app.gql(RECORD_QUERY, { nhsNumber: firstPatientOf('Z91001') });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.data?.patient ?? null).toBeNull();
    const practices = await app.gql('{ practices { edges { node { odsCode } } } }');
    expect(practices.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('serves the public capability matrix without a token', async () => {
    const response = await app.gql<{ clinicalSystems: Array<{ id: string }> }>('{ clinicalSystems { id capabilities { area support } } }');
    expect(response.errors).toBeUndefined();
    expect(response.data!.clinicalSystems).toHaveLength(4);
  });

  /** A patient the caller may not read is answered as if no such patient existed (no existence oracle). */
  const NOT_AVAILABLE = {
    __typename: 'PatientNotFound',
    code: 'PATIENT_NOT_FOUND',
    message: 'No patient with this NHS number is registered at a practice whose records you may read.',
  };

  it('lets a clinician read their own practice and answers another practice\'s patient as not found', async () => {
    const token = await app.tokenFor('clinician.Z91001');
    const own = await app.gql<{ patient: { __typename: string; nhsNumber: string } }>(RECORD_QUERY, { nhsNumber: firstPatientOf('Z91001') }, token);
    expect(own.errors).toBeUndefined();
    expect(own.data!.patient.__typename).toBe('Patient');
    const other = await app.gql(RECORD_QUERY, { nhsNumber: firstPatientOf('Z92001') }, token);
    expect(other.errors).toBeUndefined();
    expect(other.data?.patient).toEqual(NOT_AVAILABLE);
    const otherList = await app.gql('query { practice(odsCode: "Z92001") { ... on Practice { patients { edges { node { nhsNumber } } } } } }', {}, token);
    expect(otherList.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(otherList.data)).not.toContain(firstPatientOf('Z92001'));
  });

  it('refuses reviewers patient records: they govern access, they do not read records', async () => {
    const response = await app.gql(RECORD_QUERY, { nhsNumber: firstPatientOf('Z91001') }, await app.tokenFor('reviewer'));
    expect(response.data?.patient).toEqual(NOT_AVAILABLE);
  });

  it('refuses a supplier developer a practice that is not a sandbox practice', async () => {
    await app.database.db.update(practices).set({ isSandbox: false }).where(eq(practices.odsCode, 'Z94002'));
    const response = await app.gql(RECORD_QUERY, { nhsNumber: firstPatientOf('Z94002') }, await app.tokenFor('developer'));
    expect(response.data?.patient).toEqual(NOT_AVAILABLE);
  });

  it.each([
    ['a malformed header', () => 'Token abc'],
    ['garbage', () => 'Bearer not.a.jwt'],
    ['alg none', () => `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'developer', role: 'SUPPLIER_DEVELOPER', iss: DEV_ISSUER, aud: 'gp-open-integration', exp: 9999999999 })).toString('base64url')}.`],
  ])('refuses %s with 401 UNAUTHENTICATED', async (_, header) => {
    const response = await app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: header() },
      body: JSON.stringify({ query: '{ clinicalSystems { id } }' }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses expired, wrongly signed, wrong-issuer and wrong-audience tokens', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    const other = await generateKeyPair('ES256');
    const forged = await new SignJWT({ role: 'REVIEWER' })
      .setProtectedHeader({ alg: 'ES256', kid: devKey.kid })
      .setIssuer(DEV_ISSUER)
      .setAudience('gp-open-integration')
      .setSubject('reviewer')
      .setExpirationTime('5m')
      .sign(other.privateKey);
    const tokens = {
      expired: await signWithDevKey({ role: 'SUPPLIER_DEVELOPER' }, { exp: past }),
      forged,
      issuer: await signWithDevKey({ role: 'SUPPLIER_DEVELOPER' }, { iss: 'https://elsewhere.example' }),
      audience: await signWithDevKey({ role: 'SUPPLIER_DEVELOPER' }, { aud: 'another-api' }),
      role: await signWithDevKey({ role: 'SUPERUSER' }),
      // Correctly signed by the issuer, but good forever: a leaked one could never be contained.
      noExpiry: await signWithDevKey({ role: 'REVIEWER' }, { exp: null }),
    };
    for (const [why, token] of Object.entries(tokens)) {
      const response = await app.gql('{ me { id } }', {}, token);
      expect(response.status, why).toBe(401);
      expect(response.errors?.[0]?.extensions?.code, why).toBe('UNAUTHENTICATED');
    }
    const expired = await app.gql('{ me { id } }', {}, tokens.expired);
    expect(expired.errors?.[0]?.message).toMatch(/expired/i);
    const noExpiry = await app.gql('{ me { id } }', {}, tokens.noExpiry);
    expect(noExpiry.errors?.[0]?.message).toBe('Token must carry an expiry (exp).');
  });

  it('accepts a valid token signed by the development issuer', async () => {
    const response = await app.gql<{ me: { id: string; role: string } }>('{ me { id role } }', {}, await signWithDevKey({ role: 'SUPPLIER_DEVELOPER' }));
    expect(response.data!.me).toEqual({ id: 'developer', role: 'SUPPLIER_DEVELOPER' });
  });
});
