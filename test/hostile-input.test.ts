// Odd input at every door, over real HTTP on loopback: NUL characters, unpaired surrogates, year
// 0000, deeply nested JSON, and failures provoked inside the token endpoint and a governance action.
// Each gets a typed answer, none carries a stack, SQL or a path, and each decision is audited.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../server/db/schema/audit.js';
import { availableBackends } from './support/backends.js';
import { addPerson } from './support/governance.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { appKey, signAssertion, tokenForm } from './support/supplier-app.js';

/** What must never reach a client: stack frames, file paths, SQL. */
const LEAK = /\bat \S+ \(|\.ts:\d+|node_modules|\/[a-z]+\/[a-z-]+\/\S+\.[jt]s|\bselect\b.*\bfrom\b|\binsert into\b|syntax for type|\bpostgres\b/i;

const unsignedJwt = (header: object, payload: string) =>
  `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(payload).toString('base64url')}.c2ln`;

const APPLY = 'mutation($input: SupplierApplicationInput!) { applyAsSupplier(input: $input) { __typename ... on Error { code } } }';
const applicationWith = (name: string) => ({
  name,
  contactName: 'Ada Lovelace',
  contactEmail: 'ada@acme.example',
  useCase: 'Medication reconciliation for care homes.',
  requestedScopes: ['patient/Patient.rs'],
  systems: ['EMIS_WEB'],
});

describe.each(await availableBackends())('hostile input (%s)', (backend) => {
  let app: TestApp;
  let server: { url: string; close(): Promise<void> };
  let developer: string;

  const raw = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${server.url}${path}`, init);
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  };
  const graphql = (body: string, token: string | null = developer, requestId = randomUUID()) =>
    raw('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
  const auditOf = (requestId: string) => app.database.db.select().from(auditEvents).where(eq(auditEvents.requestId, requestId));
  const expectTyped = (answer: { status: number; type: string; text: string }, status: number, code: string) => {
    expect(answer.status, answer.text).toBe(status);
    expect(answer.type).toMatch(/json/);
    expect(answer.text).not.toMatch(LEAK);
    expect(answer.text).toContain(code);
  };

  beforeAll(async () => {
    app = await startTestApp(backend);
    server = await app.listen();
    developer = await addPerson(app, `dev.hostile.${randomUUID().slice(0, 8)}`, 'SUPPLIER_DEVELOPER');
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
  });

  it('answers a token request whose assertion iss holds NUL or an unpaired surrogate with invalid_client, no stack', async () => {
    for (const iss of ['"app\\u0000x"', '"app\\ud800"', '"\\u0000"']) {
      const assertion = unsignedJwt({ alg: 'RS512', kid: 'k1' }, `{"iss":${iss},"sub":"x","aud":"x","exp":9999999999,"jti":"j"}`);
      expectTyped(await raw('/oauth2/token', { method: 'POST', body: tokenForm(assertion) }), 401, 'invalid_client');
    }
    const deep = unsignedJwt({ alg: 'RS512', kid: 'k1' }, `{"iss":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expectTyped(await raw('/oauth2/token', { method: 'POST', body: tokenForm(deep) }), 401, 'invalid_client');
  });

  it('answers a token form holding NUL or control characters with invalid_request, and audits it', async () => {
    const before = (await app.database.db.select().from(auditEvents).where(eq(auditEvents.operation, 'ISSUE_ACCESS_TOKEN'))).length;
    const body = 'grant_type=client_credentials&client_id=%00&client_assertion_type=x&client_assertion=y';
    expectTyped(await raw('/oauth2/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }), 400, 'invalid_request');
    const after = await app.database.db.select().from(auditEvents).where(eq(auditEvents.operation, 'ISSUE_ACCESS_TOKEN'));
    expect(after.length).toBe(before + 1);
    expect(after.some((e) => e.outcome === 'REFUSED' && e.reason?.includes('not allowed'))).toBe(true);
  });

  it('answers the development issuer asked for ?person=%00 with a typed 400, no stack', async () => {
    expectTyped(await raw('/dev-issuer/token?person=%00'), 400, 'person must be');
    expectTyped(await raw(`/dev-issuer/token?person=${'x'.repeat(500)}`), 400, 'person must be');
  });

  it('refuses NUL and unpaired surrogates in GraphQL variables and literals with INVALID_INPUT, and audits the refusal', async () => {
    for (const name of ['Acme\u0000Ltd', 'Acme \ud800 Ltd']) {
      const requestId = randomUUID();
      expectTyped(await graphql(JSON.stringify({ query: APPLY, variables: { input: applicationWith(name) } }), developer, requestId), 400, 'INVALID_INPUT');
      const audited = await auditOf(requestId);
      expect(audited.map((e) => [e.operation, e.outcome])).toEqual([['applyAsSupplier', 'REFUSED']]);
    }
    // A literal is refused at validation, which GraphQL over HTTP answers 200 to application/json clients.
    const literal = '{ patient(nhsNumber: "999\\u00000000018") { __typename } }';
    expectTyped(await graphql(JSON.stringify({ query: literal })), 200, 'INVALID_INPUT');
  });

  it('refuses deeply nested JSON in variables with INVALID_INPUT', async () => {
    const depth = 20_000; // 40 KB, under the body limit
    const body = `{"query":"mutation($j: JSON!) { registerClientApp(name: \\"x\\", jwks: $j) { __typename } }","variables":{"j":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    expectTyped(await graphql(body), 400, 'INVALID_INPUT');
    // Still serving.
    expect((await graphql(JSON.stringify({ query: '{ me { id } }' }))).status).toBe(200);
  });

  it.each([
    ['a Date in year 0000', '{ patient(nhsNumber: "9990000018") { ... on Patient { consultations(from: "0000-01-01") { status } } } }'],
    ['a Date that does not exist', '{ patient(nhsNumber: "9990000018") { ... on Patient { consultations(from: "2026-02-31") { status } } } }'],
    ['a DateTime in year 0000', '{ practice(odsCode: "Z91001") { ... on Practice { slots(from: "0000-01-01T00:00:00Z", to: "0000-01-02T00:00:00Z") { __typename } } } }'],
  ])('refuses %s with a typed error naming the accepted range', async (_, query) => {
    const answer = await graphql(JSON.stringify({ query }));
    expect(answer.text).not.toMatch(LEAK);
    expect(answer.text).toMatch(/years 1800 to 2999/);
  });

  it('answers a token request that fails unexpectedly with a bare 500 and a FAILED audit event', async () => {
    const key = await appKey('ES384');
    const assertion = await signAssertion(`app-${randomUUID()}`, key, `${app.env.publicUrl}/oauth2/token`);
    await app.database.db.execute(sql`alter table client_apps rename to client_apps_away`);
    try {
      const answer = await raw('/oauth2/token', { method: 'POST', body: tokenForm(assertion) });
      expectTyped(answer, 500, 'server_error');
    } finally {
      await app.database.db.execute(sql`alter table client_apps_away rename to client_apps`);
    }
    const events = await app.database.db.select().from(auditEvents).where(eq(auditEvents.outcome, 'FAILED'));
    expect(events.some((e) => e.operation === 'ISSUE_ACCESS_TOKEN')).toBe(true);
  });

  it('records a governance action that fails unexpectedly as FAILED, answering without detail', async () => {
    const requestId = randomUUID();
    const other = await addPerson(app, `dev.failing.${randomUUID().slice(0, 8)}`, 'SUPPLIER_DEVELOPER');
    await app.database.db.execute(sql`alter table supplier_members rename to supplier_members_away`);
    let answer;
    try {
      answer = await graphql(JSON.stringify({ query: APPLY, variables: { input: applicationWith('Failing Ltd') } }), other, requestId);
    } finally {
      await app.database.db.execute(sql`alter table supplier_members_away rename to supplier_members`);
    }
    expect(answer.text).not.toMatch(LEAK);
    expect(answer.text).toContain('Unexpected error');
    const audited = await auditOf(requestId);
    expect(audited.map((e) => [e.operation, e.outcome])).toEqual([['applyAsSupplier', 'FAILED']]);
  });
});
