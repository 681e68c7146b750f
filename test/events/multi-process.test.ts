// Two server processes on loopback sharing one PostgreSQL and one Redis, as two replicas behind a
// load balancer: a subscriber on one hears an event committed through the other (exactly once),
// and a supplier app's rate-limit budget is one budget across both.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEndpoints } from '../../server/db/schema/events.js';
import { loadEnv } from '../../server/env.js';
import { seedSandbox } from '../../server/seed/seed.js';
import { availableBackends, openTestDatabase, type TestDatabase } from '../support/backends.js';
import { book, enabledApps, futureSchedule, patientAt } from '../support/booking.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { subscribeSse } from '../support/sse.js';
import { ANCHOR, SEED, type TestApp } from '../support/test-app.js';

const env = loadEnv();

async function redisReachable(): Promise<boolean> {
  const client = new Redis(env.TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    console.warn(`\n!!! Redis at ${env.TEST_REDIS_URL} is not reachable: the multi-process test is SKIPPED.\n`);
    return false;
  } finally {
    client.disconnect();
  }
}

/** Waits until some replica listens on the channel (a subscription reaches Redis asynchronously). */
async function subscribedOnRedis(channel: string): Promise<void> {
  const client = new Redis(env.TEST_REDIS_URL);
  try {
    for (;;) {
      const [, count] = (await client.pubsub('NUMSUB', channel)) as [string, number];
      if (Number(count) > 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    client.disconnect();
  }
}

const runnable = (await availableBackends()).includes('postgres') && (await redisReachable());

describe.runIf(runnable)('two replicas on one PostgreSQL and one Redis', () => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];
  // One prefix for both replicas, as in a deployment: whichever replica's dispatcher claims an
  // event publishes it where every replica's subscribers listen.
  const eventsPrefix = `test-${randomBytes(6).toString('hex')}:`;
  const urls: string[] = [];

  async function start(publicUrl: string | null) {
    const server = await startServerProcess({
      NODE_ENV: 'development', // loopback http webhook receivers are allowed only in development
      LOG_LEVEL: 'error',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: database.url!,
      REDIS_URL: env.TEST_REDIS_URL,
      EVENTS_REDIS_PREFIX: eventsPrefix,
      SEED_ON_START: 'false',
      EVENTS_POLL_MS: '100',
      RATE_LIMIT_CAPACITY: '60',
      RATE_LIMIT_RESTORE_PER_SECOND: '0.001',
      ...(publicUrl ? { PUBLIC_URL: publicUrl } : {}),
    });
    servers.push(server);
    const url = /http:\/\/127\.0\.0\.1:(\d+)\/graphql/.exec(server.output())![0].replace('/graphql', '');
    urls.push(url);
    return url;
  }
  const fetchOn = (base: string) => (path: string, init?: RequestInit) => fetch(`${base}${path}`, init);
  const gqlOn = (base: string) => async <T>(query: string, variables: Record<string, unknown>, token: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers }, body: JSON.stringify({ query, variables }) });
    return { status: response.status, ...((await response.json()) as { data?: T; errors?: Array<{ extensions?: { code?: string } }> }) };
  };
  /** Enough of a TestApp for the booking helpers, pointed at one replica. */
  const replica = (base: string, publicUrl: string) => ({ database, env: { ...env, publicUrl }, fetch: fetchOn(base), gql: gqlOn(base) }) as unknown as TestApp;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    await seedSandbox(database.db, { seed: SEED, patients: 16, anchor: ANCHOR });
    const first = await start(null); // creates the signing keys both replicas then share
    await start(first); // one public URL for both, as behind a load balancer
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database?.close();
  });

  it('a subscription on replica A receives, once, an event committed through replica B', async () => {
    const [a, b] = urls as [string, string];
    const clinician = ((await (await fetch(`${a}/dev-issuer/token?person=clinician.Z91001`)).json()) as { access_token: string }).access_token;
    const [app] = await enabledApps(replica(b, a), 1, ['Z91001']);
    const subscription = await subscribeSse<{ data?: { events: { id: string; data: { appointmentId: string } } } }>(
      (url, init) => fetch(`${a}${url}`, init),
      '/graphql',
      'subscription { events(types: ["appointment.booked"]) { id data } }',
      {},
      clinician,
    );
    expect(subscription.status).toBe(200);
    await subscribedOnRedis(`${eventsPrefix}domain-events`);
    const { slotIds } = await futureSchedule(replica(b, a), 'Z91001', 1);
    const booked = await book(replica(b, a), app!.token, { nhsNumber: await patientAt(replica(b, a), 'Z91001'), slotIds });
    expect(booked.__typename).toBe('Appointment');
    const received = await subscription.waitFor((r) => r.data?.events.data.appointmentId === booked.id);
    // Both replicas run a dispatcher; still only one of them published the event.
    await new Promise((r) => setTimeout(r, 500));
    expect(subscription.received.filter((r) => r.data?.events.id === received.data!.events.id)).toHaveLength(1);
    subscription.close();
  });

  it('each webhook event is delivered once although both replicas dispatch and send', async () => {
    const [a, b] = urls as [string, string];
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      received.push(String(req.headers['webhook-id']));
      req.resume();
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const [app] = await enabledApps(replica(b, a), 1, ['Z91001']);
    await database.db.insert(webhookEndpoints).values({
      id: `whe_${randomUUID()}`,
      appId: app!.appId,
      supplierId: app!.supplierId,
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      secret: `whsec_${randomBytes(32).toString('base64')}`,
      eventTypes: ['appointment.booked'],
      createdBy: 'test',
    });
    const { slotIds } = await futureSchedule(replica(a, a), 'Z91001', 4); // within the app's 60-point budget
    const patient = await patientAt(replica(a, a), 'Z91001');
    // Alternate replicas, as a load balancer would.
    const booked = [];
    for (const [i, slot] of slotIds.entries()) booked.push(await book(replica(i % 2 ? b : a, a), app!.token, { nhsNumber: patient, slotIds: [slot] }));
    expect(booked.every((x) => x.__typename === 'Appointment')).toBe(true);
    while (received.length < slotIds.length) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000)); // time for any duplicate to arrive
    expect(received).toHaveLength(slotIds.length);
    expect(new Set(received).size).toBe(slotIds.length);
    await new Promise((r) => receiver.close(r));
  });

  it("a supplier app's rate-limit budget is shared: spent on A, it is THROTTLED on B", async () => {
    const [a, b] = urls as [string, string];
    const [app] = await enabledApps(replica(b, a), 1, ['Z91001']); // B takes A's public URL as its own
    const query = '{ practices(first: 20) { edges { node { odsCode } } } }'; // about 23 points of 60
    expect((await gqlOn(a)(query, {}, app!.token)).status).toBe(200);
    expect((await gqlOn(b)(query, {}, app!.token)).status).toBe(200);
    const third = await gqlOn(a)(query, {}, app!.token);
    expect(third.status).toBe(429);
    expect(third.errors?.[0]?.extensions?.code).toBe('THROTTLED');
    expect((await gqlOn(b)(query, {}, app!.token)).status).toBe(429);
  });
});
