// Webhooks as a supplier's receiver sees them: Standard Webhooks signatures its SDK verifies, one
// delivery per event it may see, retries, disabling with a reason, redelivery with the same id,
// secret rotation; and no delivery to a private address outside development.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientApps, enablements, pairings, supplierScopes } from '../../server/db/schema/access.js';
import { auditEvents } from '../../server/db/schema/audit.js';
import { webhookDeliveries, webhookEndpoints } from '../../server/db/schema/events.js';
import { recordEvents } from '../../server/domain/events/outbox.js';
import { createWebhookSender } from '../../server/events/webhooks/sender.js';
import { isPrivateAddress, resolvePublic, webhookUrlProblem } from '../../server/events/webhooks/url-guard.js';
import { verifyWebhook, WebhookVerificationError } from '../../sdk/webhooks.js';
import { availableBackends } from '../support/backends.js';
import { addPerson, apply } from '../support/governance.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Hit {
  headers: IncomingHttpHeaders;
  body: string;
}

function receiver() {
  const hits: Hit[] = [];
  let status = 204;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      hits.push({ headers: req.headers, body });
      res.writeHead(status).end();
    });
  });
  return {
    hits,
    setStatus: (s: number) => (status = s),
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`))),
    close: () => new Promise((r) => server.close(r)),
  };
}

const until = async (check: () => Promise<boolean> | boolean) => {
  while (!(await check())) await new Promise((r) => setTimeout(r, 25));
};

const REGISTER = 'mutation($c: String!, $u: String!, $t: [String!]!) { registerWebhook(clientId: $c, url: $u, eventTypes: $t) { __typename ... on Error { code message } ... on RegisteredWebhook { secret endpoint { id status } } } }';
const ENDPOINTS = '{ webhookEndpoints { id status disabledReason deliveries { id eventId status attempts lastStatusCode attemptLog { statusCode } } } }';
type Endpoints = { webhookEndpoints: Array<{ id: string; status: string; disabledReason: string | null; deliveries: Array<{ id: string; eventId: string; status: string; attempts: number; attemptLog: Array<{ statusCode: number | null }> }> }> };

describe.each(await availableBackends())('webhooks (%s)', (backend) => {
  let app: TestApp;
  let developer: string;
  let appId: string;
  const hook = receiver();
  let url: string;

  async function register(eventTypes = ['appointment.booked']) {
    const response = await app.gql<{ registerWebhook: { __typename: string; code?: string; secret: string; endpoint: { id: string } } }>(REGISTER, { c: appId, u: url, t: eventTypes }, developer);
    return response.data!.registerWebhook;
  }
  const event = (practiceOds: string, type: 'appointment.booked' | 'appointment.cancelled' = 'appointment.booked') =>
    recordEvents(app.database.db, [{ type, practiceOds, nhsNumber: '9990000018', data: { appointmentId: randomUUID() }, requestId: 'r' }]).then((e) => e[0]!);

  beforeAll(async () => {
    url = await hook.listen();
    app = await startTestApp(backend, {
      patients: 8,
      env: { NODE_ENV: 'development', EVENTS_DISPATCHER: 'true', EVENTS_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '20', WEBHOOK_DISABLE_AFTER_FAILURES: '3', WEBHOOK_MAX_ATTEMPTS: '10' },
    });
    developer = await addPerson(app, 'dev.webhooks', 'SUPPLIER_DEVELOPER');
    const supplier = await apply(app, developer);
    appId = `app-${randomUUID()}`;
    const db = app.database.db;
    await db.insert(clientApps).values({ id: appId, supplierId: supplier.id, name: 'Hooks', jwks: { keys: [] } });
    await db.update(pairings).set({ stage: 'UNSUPPORTED_TEST' }).where(eq(pairings.supplierId, supplier.id));
    await db.insert(supplierScopes).values({ supplierId: supplier.id, scope: 'patient/Appointment.rs', grantedBy: 'reviewer', grantedAt: new Date() });
    await db.insert(enablements).values({ id: randomUUID(), practiceOds: 'Z91001', appId, scopes: ['patient/Appointment.rs'], status: 'ACTIVE', changedBy: 'admin' });
  });
  afterAll(async () => {
    await app?.close();
    await hook.close();
  });

  it('delivers an event the app may see, once, signed so the SDK verifies it; not events of other practices or types', async () => {
    const registered = await register();
    expect(registered.__typename).toBe('RegisteredWebhook');
    expect(registered.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    await event('Z92001'); // the app is not enabled there
    await event('Z91001', 'appointment.cancelled'); // not subscribed
    const wanted = await event('Z91001');
    await until(() => hook.hits.length > 0);
    await new Promise((r) => setTimeout(r, 300)); // nothing else follows
    expect(hook.hits).toHaveLength(1);
    const [hit] = hook.hits;
    expect(hit!.headers['webhook-id']).toBe(wanted.id);
    const verified = verifyWebhook(registered.secret, hit!.headers, hit!.body);
    expect(verified).toMatchObject({ type: 'appointment.booked', data: { id: wanted.id, practiceOdsCode: 'Z91001' } });
    expect(() => verifyWebhook(registered.secret, hit!.headers, hit!.body.replace('Z91001', 'Z99999'))).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(`whsec_${Buffer.from('another secret').toString('base64')}`, hit!.headers, hit!.body)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(registered.secret, hit!.headers, hit!.body, { now: new Date(Date.now() + 3_600_000) })).toThrow(/too old/);
    await until(async () => (await app.database.db.select().from(auditEvents).where(eq(auditEvents.operation, 'WEBHOOK_DELIVERY'))).length > 0);
    const log = (await app.gql<Endpoints>(ENDPOINTS, {}, developer)).data!.webhookEndpoints.find((e) => e.id === registered.endpoint.id)!;
    expect(log.deliveries.map((d) => [d.eventId, d.status, d.attempts, d.attemptLog.map((a) => a.statusCode)])).toEqual([[wanted.id, 'SUCCEEDED', 1, [204]]]);
    await app.database.db.update(webhookEndpoints).set({ status: 'DISABLED' }).where(eq(webhookEndpoints.id, registered.endpoint.id));
  });

  it('retries a failing endpoint, disables it with the reason, and redelivers with the same webhook-id once fixed', async () => {
    hook.hits.length = 0;
    hook.setStatus(500);
    const registered = await register();
    const failing = await event('Z91001');
    await until(async () => (await app.database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, registered.endpoint.id)))[0]!.status === 'DISABLED');
    expect(hook.hits.length).toBe(3);
    expect(new Set(hook.hits.map((h) => h.headers['webhook-id']))).toEqual(new Set([failing.id]));
    const log = (await app.gql<Endpoints>(ENDPOINTS, {}, developer)).data!.webhookEndpoints.find((e) => e.id === registered.endpoint.id)!;
    expect(log.disabledReason).toMatch(/3 failed deliveries in a row; the last: HTTP 500/);
    const delivery = log.deliveries[0]!;
    expect(delivery.attemptLog.map((a) => a.statusCode)).toEqual([500, 500, 500]);

    hook.setStatus(200);
    await app.gql('mutation($e: String!) { enableWebhookEndpoint(endpointId: $e) { __typename } }', { e: registered.endpoint.id }, developer);
    await app.gql('mutation($d: String!) { redeliverWebhook(deliveryId: $d) { __typename } }', { d: delivery.id }, developer);
    await until(async () => (await app.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, delivery.id)))[0]!.status === 'SUCCEEDED');
    expect(hook.hits.at(-1)!.headers['webhook-id']).toBe(failing.id);
    expect(verifyWebhook(registered.secret, hook.hits.at(-1)!.headers, hook.hits.at(-1)!.body).data.id).toBe(failing.id);
    await app.database.db.update(webhookEndpoints).set({ status: 'DISABLED' }).where(eq(webhookEndpoints.id, registered.endpoint.id));
  });

  it('after a secret rotation each delivery carries both signatures, so old and new secrets verify', async () => {
    hook.hits.length = 0;
    const registered = await register();
    const rotated = await app.gql<{ rotateWebhookSecret: { secret: string } }>('mutation($e: String!) { rotateWebhookSecret(endpointId: $e) { ... on RegisteredWebhook { secret } } }', { e: registered.endpoint.id }, developer);
    const fresh = rotated.data!.rotateWebhookSecret.secret;
    expect(fresh).not.toBe(registered.secret);
    await event('Z91001');
    await until(() => hook.hits.length > 0);
    const [hit] = hook.hits;
    expect(String(hit!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyWebhook(fresh, hit!.headers, hit!.body).type).toBe('appointment.booked');
    expect(verifyWebhook(registered.secret, hit!.headers, hit!.body).type).toBe('appointment.booked');
    await app.database.db.update(webhookEndpoints).set({ status: 'DISABLED' }).where(eq(webhookEndpoints.id, registered.endpoint.id));
  });

  it('refuses a URL that is not https (or loopback http in development), writing nothing', async () => {
    for (const bad of ['http://example.com/hook', 'ftp://example.com/hook', 'https://user:pw@example.com/hook', 'not a url']) {
      const before = await app.database.db.select().from(webhookEndpoints);
      const response = await app.gql<{ registerWebhook: { code: string } }>(REGISTER, { c: appId, u: bad, t: ['appointment.booked'] }, developer);
      expect(response.data!.registerWebhook.code, bad).toBe('INVALID_WEBHOOK_URL');
      expect(await app.database.db.select().from(webhookEndpoints)).toEqual(before);
    }
    const refused = await app.database.db.select().from(auditEvents).where(and(eq(auditEvents.operation, 'REGISTER_WEBHOOK'), eq(auditEvents.outcome, 'REFUSED')));
    expect(refused.length).toBeGreaterThanOrEqual(4);
  });

  it('outside development, refuses private, loopback, link-local and metadata addresses, at registration and at connect time', async () => {
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', false)).toMatch(/https/);
    for (const host of ['127.0.0.1', 'localhost', '10.1.2.3', '192.168.0.10', '172.16.5.4', '169.254.169.254', '[::1]', '[fe80::1]', '[fd00::1]', '[::ffff:127.0.0.1]', '0.0.0.0']) {
      expect(await resolvePublic(host, false), host).toMatch(/private|does not resolve/);
    }
    expect(isPrivateAddress('93.184.215.14')).toBe(false);
    // The attack for real: a stored endpoint pointing at a loopback receiver is never reached.
    // The app's own (development) sender stops first, so only the strict sender can claim the delivery.
    await app.events.webhooks.stop();
    hook.hits.length = 0;
    const [endpoint] = await app.database.db
      .insert(webhookEndpoints)
      .values({ id: `whe_${randomUUID()}`, appId, supplierId: 'x', url: url.replace('127.0.0.1', 'localhost'), secret: 'whsec_c2VjcmV0', eventTypes: ['appointment.booked'], createdBy: 'x' })
      .returning();
    const [delivery] = await app.database.db.insert(webhookDeliveries).values({ id: `whd_${randomUUID()}`, endpointId: endpoint!.id, eventId: 'evt_x', eventType: 'appointment.booked', payload: '{}' }).returning();
    const strict = createWebhookSender({ db: app.database.db, audit: { record: async () => {}, close: async () => {} }, development: false, timeoutMs: 2000, maxAttempts: 5, retryBaseMs: 10, disableAfterFailures: 50, pollMs: 50 });
    await app.database.db.update(webhookEndpoints).set({ status: 'DISABLED' }).where(eq(webhookEndpoints.appId, appId));
    await app.database.db.update(webhookEndpoints).set({ status: 'ACTIVE' }).where(eq(webhookEndpoints.id, endpoint!.id));
    await strict.runOnce();
    const [after] = await app.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, delivery!.id));
    expect(after!.lastError).toMatch(/private address/);
    expect(hook.hits).toHaveLength(0);
  });
});
