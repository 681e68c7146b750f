// Unauthenticated callers cannot grow the audit trail without limit: each address's refusals are
// audited one row each only up to a bound per window, the rest counted in one summary row; and
// a flood is throttled before it executes or costs a row, through GraphQL and the token endpoint,
// which draw on one cost budget per client address.
import { and, eq, inArray } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../server/db/schema/audit.js';
import { availableBackends } from './support/backends.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const REFUSED_READ = '{ patient(nhsNumber: "9990000018") { __typename } }';
const tokenRequest = (n: number) =>
  new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: `not-a-jwt-${n}`,
  });

describe.each(await availableBackends())('unauthenticated callers (%s)', (backend) => {
  let app: TestApp;
  afterEach(() => app.close());

  const rows = () => app.database.db.select().from(auditEvents);
  const summaries = async () => (await rows()).filter((r) => r.operation === 'ANONYMOUS_REFUSALS_SUMMARY');

  it('audits 5 refusals per address and window one by one, and counts the other 95 in one summary row', async () => {
    app = await startTestApp(backend, { env: { AUDIT_ANONYMOUS_ROWS_PER_WINDOW: '5', AUDIT_ANONYMOUS_WINDOW_SECONDS: '3600' } });
    const before = (await rows()).length;
    for (let i = 0; i < 100; i++) {
      const response = await app.gql(REFUSED_READ);
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect((await rows()).length - before).toBe(5);
    await app.api.close(); // the window's summary is written at the latest when the server stops
    const [summary, ...more] = await summaries();
    expect(more).toEqual([]);
    expect(summary).toMatchObject({ actorKind: 'ANONYMOUS', outcome: 'REFUSED', detail: { clientAddress: 'local', refusedRequests: 95, operations: { READ_PATIENT_RECORD: 95 } } });
  });

  it('throttles a flood before it executes or costs a row', async () => {
    // A budget of ten points (ten of these one-point reads) that barely restores: however slow the machine, the flood is throttled.
    app = await startTestApp(backend, {
      env: { ANONYMOUS_RATE_LIMIT_CAPACITY: '10', ANONYMOUS_RATE_LIMIT_RESTORE_PER_SECOND: '0.001', AUDIT_ANONYMOUS_ROWS_PER_WINDOW: '1000' },
    });
    const before = (await rows()).length;
    const responses = [];
    for (let i = 0; i < 40; i++) {
      const response = await app.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: REFUSED_READ }) });
      responses.push({ status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> } });
    }
    const throttled = responses.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(30);
    expect(throttled.every((r) => r.body.errors?.[0]?.extensions?.code === 'THROTTLED' && Number(r.retryAfter) >= 1)).toBe(true);
    expect((await rows()).length - before).toBe(40 - throttled.length);
    // People with a token are not affected by the anonymous budget.
    const clinician = await app.gql('{ me { id } }', {}, await app.tokenFor('clinician.Z91001'));
    expect(clinician.status).toBe(200);
    // The token endpoint shares the address's budget, checked before the assertion is read.
    const token = await app.fetch('/oauth2/token', { method: 'POST', body: tokenRequest(0) });
    expect(token.status).toBe(429);
    expect(await token.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });

  it('meters token requests and GraphQL requests from one address on one budget, by cost', async () => {
    app = await startTestApp(backend, { env: { ANONYMOUS_RATE_LIMIT_CAPACITY: '25', ANONYMOUS_RATE_LIMIT_RESTORE_PER_SECOND: '0.001' } });
    const token = async (n: number) => (await app.fetch('/oauth2/token', { method: 'POST', body: tokenRequest(n) })).status;
    const typename = async () => {
      const response = await app.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      return { status: response.status, cost: ((await response.json()) as { extensions?: { cost?: { throttleStatus: { currentlyAvailable: number } } } }).extensions?.cost };
    };
    // Two token requests cost 10 points each; the 5 left pay for a one-point GraphQL request but not a third token request.
    expect([await token(1), await token(2)]).not.toContain(429);
    expect(await typename()).toMatchObject({ status: 200, cost: { throttleStatus: { currentlyAvailable: 4 } } });
    expect(await token(3)).toBe(429);
    for (let i = 0; i < 4; i++) expect((await typename()).status).toBe(200);
    expect((await typename()).status).toBe(429);
  });

  it('bounds refused token requests the same way', async () => {
    app = await startTestApp(backend, { env: { AUDIT_ANONYMOUS_ROWS_PER_WINDOW: '3', AUDIT_ANONYMOUS_WINDOW_SECONDS: '3600' } });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await app.fetch('/oauth2/token', { method: 'POST', body: tokenRequest(i) })).status);
    const refused = statuses.filter((s) => s === 401 || s === 400).length;
    expect(refused).toBe(30);
    const tokenRows = () => app.database.db.select().from(auditEvents).where(and(eq(auditEvents.operation, 'ISSUE_ACCESS_TOKEN'), inArray(auditEvents.outcome, ['REFUSED'])));
    expect(await tokenRows()).toHaveLength(3);
    await app.api.close();
    const [summary] = await summaries();
    expect(summary?.detail).toMatchObject({ refusedRequests: refused - 3, operations: { ISSUE_ACCESS_TOKEN: refused - 3 } });
  });
});
