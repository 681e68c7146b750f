// Writes and events, on the local PostgreSQL (a fresh database, dropped afterwards) with the API
// served over loopback HTTP in this process, its outbox dispatcher and webhook sender running:
//   k  booking workload: each worker searches a day's free slots, books one and cancels it, through
//      the API (GraphQL, auth, audit, outbox) and, interleaved round by round, the same booking
//      statements written by hand (slot search; lock, update, insert appointment and outbox event;
//      lock, cancel, free the slot, outbox event) on a postgres.js pool of the same size
//   v  event latency from the event's commit (its occurred_at, stamped in the committing
//      transaction) to an SSE subscriber and to a local webhook receiver, one booking at a time;
//      then webhook deliveries/s for a burst of events committed at once
//   npx tsx bench/writes.ts [--scenarios kv --rounds 3 --round-seconds 2 --workers 8 --events 30 --burst 200]
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { openDatabase } from '../server/db/client.js';
import { webhookEndpoints } from '../server/db/schema/events.js';
import { patientRegistrations } from '../server/db/schema/governance.js';
import { sbSchedules, sbSlots } from '../server/db/schema/sandbox.js';
import { recordEvents } from '../server/domain/events/outbox.js';
import { loadEnv } from '../server/env.js';
import { createApp } from '../server/http/app.js';
import { seedSandbox } from '../server/seed/seed.js';
import { eq } from 'drizzle-orm';
import { enabledApps, ORG } from '../test/support/booking.js';
import { subscribeSse } from '../test/support/sse.js';
import type { TestApp } from '../test/support/test-app.js';
import { formatSpread, spread } from './load.js';

export interface WritesBenchOptions {
  scenarios?: string;
  rounds?: number;
  roundSeconds?: number;
  workers?: number;
  events?: number;
  burst?: number;
}

const PRACTICE = 'Z91001';
const FREE = `query($o: String!, $f: DateTime!, $t: DateTime!) { practice(odsCode: $o) { ... on Practice { slots(from: $f, to: $t) { ... on SlotList { slots { id } } } } } }`;
const BOOK = `mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { __typename ... on Error { code } ... on Appointment { id } } }`;
const CANCEL = `mutation($p: String!, $id: String!, $r: String!) { cancelAppointment(practiceOdsCode: $p, appointmentId: $id, reason: $r) { __typename ... on Error { code } } }`;
const EVENTS = 'subscription($types: [String!]) { events(types: $types) { id occurredAt } }';

const percentile = (sorted: readonly number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
const p = (values: readonly number[], q: number) => percentile([...values].sort((a, b) => a - b), q);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

/** A webhook receiver on loopback: when each event id arrived. */
function receiver() {
  const arrivals = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      try {
        const id = (JSON.parse(body) as { data?: { id?: string } }).data?.id;
        if (id && !arrivals.has(id)) arrivals.set(id, Date.now());
      } catch {
        // not ours
      }
      res.writeHead(204).end();
    });
  });
  return {
    arrivals,
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Cycle {
  ms: number;
  ok: boolean;
}

interface Run {
  cycles: Cycle[];
  /** From the first start to the last cycle's end: a cycle begun before the stop still counts. */
  seconds: number;
}

/** `workers` loops of `cycle` for `seconds`: every cycle's duration and whether it succeeded. */
async function drive(workers: number, seconds: number, cycle: (worker: number) => Promise<boolean>): Promise<Run> {
  const begun = performance.now();
  const stopAt = begun + seconds * 1000;
  const cycles: Cycle[] = [];
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < stopAt) {
        const started = performance.now();
        const ok = await cycle(w).catch(() => false);
        cycles.push({ ms: performance.now() - started, ok });
      }
    }),
  );
  return { cycles, seconds: (performance.now() - begun) / 1000 };
}

export async function benchWrites(options: WritesBenchOptions = {}): Promise<string> {
  const scenarios = options.scenarios ?? 'kv';
  const rounds = options.rounds ?? 3;
  const roundSeconds = options.roundSeconds ?? 2;
  const workers = options.workers ?? 8;
  const eventCount = options.events ?? 30;
  const burst = options.burst ?? 200;
  const base = loadEnv();
  const name = `gpoi_bench_writes_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base.TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base.TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), maxConnections: workers + 4 });
  const sql = postgres(url.toString(), { max: workers, onnotice: () => {} });
  const hook = receiver();
  const dataDir = mkdtempSync(join(tmpdir(), 'gpoi-bench-writes-'));
  const lines: string[] = [];
  let server: Server | null = null;
  const env = loadEnv({
    NODE_ENV: 'development', // loopback http webhooks are allowed only in development
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    EVENTS_DISPATCHER: 'true',
    RATE_LIMIT_CAPACITY: '1000000000',
    RATE_LIMIT_RESTORE_PER_SECOND: '1000000000',
    PERSON_RATE_LIMIT_CAPACITY: '1000000000',
    PERSON_RATE_LIMIT_RESTORE_PER_SECOND: '1000000000',
  });
  const app = await (async () => {
    await seedSandbox(database.db, { seed: 1, patients: 40, anchor: new Date('2026-06-01T00:00:00Z') });
    return createApp({ env, database });
  })();
  try {
    server = createServer(app.yoga);
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const fetchApp = (path: string, init?: RequestInit) => fetch(`${origin}${path}`, init);
    const shim = { database, env, fetch: fetchApp } as unknown as TestApp;
    const [booker] = await enabledApps(shim, 1, [PRACTICE]);
    const token = booker!.token;
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetchApp('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
      return (await response.json()) as { data?: Record<string, { __typename?: string; id?: string }> };
    };
    const [registration] = await database.db.select().from(patientRegistrations).where(eq(patientRegistrations.practiceOds, PRACTICE)).orderBy(patientRegistrations.nhsNumber).limit(1);
    const patient = registration!.nhsNumber;

    // One schedule tomorrow: a slot per worker for the API, another for the SQL, more for the event runs.
    const scheduleId = `sched-bench-${randomUUID()}`;
    await database.db.insert(sbSchedules).values({ id: scheduleId, practiceOds: PRACTICE, practitioner: 'Dr Bench', practitionerRole: 'General Medical Practitioner', location: 'Main surgery', serviceType: 'General practice appointment' });
    const now = new Date();
    const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 8);
    const slotIds = Array.from({ length: 2 * workers + 1 }, (_, i) => `${scheduleId}-${i}`);
    await database.db.insert(sbSlots).values(
      slotIds.map((id, i) => ({ id, scheduleId, practiceOds: PRACTICE, start: new Date(day + i * 600_000), end: new Date(day + (i + 1) * 600_000), status: 'free', deliveryChannel: 'In-person', bookableOrganisationTypes: null })),
    );
    const window = { f: new Date(day - 3_600_000).toISOString(), t: new Date(day + 86_400_000).toISOString() };

    const apiCycle = async (slotId: string) => {
      const free = await gql(FREE, { o: PRACTICE, ...window });
      if (!free.data) return false;
      const booked = (await gql(BOOK, { i: { nhsNumber: patient, slotIds: [slotId], description: 'Benchmark booking', bookingOrganisation: ORG } })).data?.bookAppointment;
      if (booked?.__typename !== 'Appointment') return false;
      const cancelled = (await gql(CANCEL, { p: PRACTICE, id: booked.id, r: 'Benchmark' })).data?.cancelAppointment;
      return cancelled?.__typename === 'Appointment';
    };
    const outbox = (tx: postgres.TransactionSql, type: string, data: Record<string, unknown>) =>
      tx`insert into outbox_events (id, type, occurred_at, practice_ods, nhs_number, supplier_id, app_id, data, request_id)
         values (${`evt_${randomUUID().replaceAll('-', '')}`}, ${type}, now(), ${PRACTICE}, ${patient}, ${booker!.supplierId}, ${booker!.appId}, ${sql.json(data as postgres.JSONValue)}, ${randomUUID()})`;
    const sqlCycle = async (slotId: string) => {
      await sql`select id, start, "end", status, delivery_channel from sandbox.slots where practice_ods = ${PRACTICE} and status = 'free' and start >= ${window.f} and start < ${window.t} order by start, id`;
      const id = `appt-${randomUUID()}`;
      const booked = await sql.begin(async (tx) => {
        const [known] = await tx`select 1 from sandbox.patients where nhs_number = ${patient} and practice_ods = ${PRACTICE}`;
        const slots = await tx`select id, start, "end", status from sandbox.slots where id = any(${[slotId]}) and practice_ods = ${PRACTICE} order by start for update`;
        if (!known || slots.length !== 1 || slots[0]!.status !== 'free') return false;
        await tx`update sandbox.slots set status = 'busy' where id = any(${[slotId]})`;
        await tx`insert into sandbox.appointments (id, slot_id, slot_ids, nhs_number, practice_ods, start, "end", status, description, created_at, booking_organisation, booked_by)
                 values (${id}, ${slotId}, ${[slotId]}, ${patient}, ${PRACTICE}, ${slots[0]!.start as Date}, ${slots[0]!.end as Date}, 'booked', 'Benchmark booking', now(), ${sql.json(ORG)}, ${booker!.appId})`;
        await outbox(tx, 'appointment.booked', { appointmentId: id, slotIds: [slotId] });
        return true;
      });
      if (!booked) return false;
      return sql.begin(async (tx) => {
        const [row] = await tx`select id, status, slot_ids, version from sandbox.appointments where id = ${id} and practice_ods = ${PRACTICE} for update`;
        if (!row || row.status !== 'booked') return false;
        await tx`update sandbox.appointments set status = 'cancelled', cancellation_reason = 'Benchmark', version = ${(row.version as number) + 1} where id = ${id}`;
        await tx`update sandbox.slots set status = 'free' where id = any(${row.slot_ids as string[]})`;
        await outbox(tx, 'appointment.cancelled', { appointmentId: id });
        return true;
      });
    };

    if (scenarios.includes('k')) {
      const api: Run[] = [];
      const byHand: Run[] = [];
      await drive(workers, Math.min(1, roundSeconds), (w) => apiCycle(slotIds[w]!)); // warm-up: JIT, pools, caches
      await drive(workers, Math.min(1, roundSeconds), (w) => sqlCycle(slotIds[workers + w]!));
      for (let r = 0; r < rounds; r++) {
        api.push(await drive(workers, roundSeconds, (w) => apiCycle(slotIds[w]!)));
        byHand.push(await drive(workers, roundSeconds, (w) => sqlCycle(slotIds[workers + w]!)));
      }
      const rate = (r: Run) => r.cycles.filter((x) => x.ok).length / r.seconds;
      const perSecond = (list: Run[]) => spread(list.map(rate));
      const latencies = (list: Run[]) => list.flatMap((r) => r.cycles).filter((c) => c.ok).map((c) => c.ms);
      const failed = (list: Run[]) => list.flatMap((r) => r.cycles).filter((c) => !c.ok).length;
      const ratio = spread(api.map((r, k) => rate(r) / rate(byHand[k]!)));
      lines.push(`k  booking workload (search + book + cancel), ${workers} workers, ${rounds} rounds of ${roundSeconds} s, interleaved:`);
      lines.push(`   ${'through'.padEnd(30)} ${'bookings/s'.padEnd(22)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}   failed cycles`);
      for (const [label, list] of [['API (GraphQL, auth, audit)', api], ['hand-written SQL', byHand]] as const) {
        const l = latencies(list);
        lines.push(`   ${label.padEnd(30)} ${formatSpread(perSecond(list), 0).padEnd(22)} ${p(l, 0.5).toFixed(1).padStart(7)} ${p(l, 0.99).toFixed(1).padStart(7)}   ${failed(list)}`);
      }
      lines.push(`   API / hand-written SQL, bookings/s per round: ${formatSpread(ratio)}`);
    }

    if (scenarios.includes('v')) {
      // The workload above left events for the dispatcher: latency is measured on a drained outbox.
      const drained = async () => Number((await sql`select count(*)::int as n from outbox_events where dispatched_at is null`)[0]!.n) === 0;
      for (let waited = 0; !(await drained()) && waited < 120; waited++) await sleep(500);
      const hookUrl = await hook.listen();
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      await database.db.insert(webhookEndpoints).values({ id: `whe-bench-${randomUUID()}`, appId: booker!.appId, supplierId: booker!.supplierId, url: hookUrl, secret, eventTypes: ['appointment.booked'], createdBy: 'bench' });
      const sse = await subscribeSse<{ data?: { events: { id: string; occurredAt: string } } }>((u, init) => fetchApp(u, init), '/graphql', EVENTS, { types: ['appointment.booked'] }, token);
      const sseArrivals = new Map<string, number>();
      const watch = setInterval(() => {
        for (const r of sse.received.splice(0)) if (r.data) sseArrivals.set(r.data.events.id, Date.now());
      }, 1);
      await sleep(200); // the subscription attaches to the bus
      const eventSlot = slotIds.at(-1)!;
      const committed: Array<{ id: string; at: number }> = [];
      for (let n = 0; n < eventCount; n++) {
        const booked = (await gql(BOOK, { i: { nhsNumber: patient, slotIds: [eventSlot], description: 'Benchmark event', bookingOrganisation: ORG } })).data?.bookAppointment;
        if (booked?.__typename !== 'Appointment') continue;
        const [row] = await sql`select id, occurred_at from outbox_events where type = 'appointment.booked' and data->>'appointmentId' = ${booked.id!}`;
        if (row) committed.push({ id: row.id as string, at: (row.occurred_at as Date).getTime() });
        await until(() => sseArrivals.has(row?.id as string) && hook.arrivals.has(row?.id as string), 10_000);
        await gql(CANCEL, { p: PRACTICE, id: booked.id, r: 'Benchmark' });
      }
      const lat = (arrivals: Map<string, number>) => committed.filter((c) => arrivals.has(c.id)).map((c) => arrivals.get(c.id)! - c.at);
      const sseLat = lat(sseArrivals);
      const hookLat = lat(hook.arrivals);
      lines.push(`v  event latency, commit -> receiver, ${committed.length} bookings one at a time (ms; from occurred_at, stamped in the committing transaction):`);
      lines.push(`   SSE subscriber:   p50 ${p(sseLat, 0.5).toFixed(1)}  p99 ${p(sseLat, 0.99).toFixed(1)}  (${sseLat.length} received)`);
      lines.push(`   webhook receiver: p50 ${p(hookLat, 0.5).toFixed(1)}  p99 ${p(hookLat, 0.99).toFixed(1)}  (${hookLat.length} received)`);

      // Burst: events committed in one transaction, delivered by the dispatcher and the sender.
      const before = hook.arrivals.size;
      const started = Date.now();
      const events = await recordEvents(
        database.db,
        Array.from({ length: burst }, () => ({ type: 'appointment.booked' as const, practiceOds: PRACTICE, nhsNumber: patient, data: { appointmentId: `burst-${randomUUID()}` }, requestId: 'bench-burst' })),
      );
      const ids = new Set(events.map((e) => e.id));
      const done = await until(() => hook.arrivals.size - before >= burst, 120_000);
      const last = Math.max(...[...hook.arrivals].filter(([id]) => ids.has(id)).map(([, at]) => at));
      const delivered = [...hook.arrivals.keys()].filter((id) => ids.has(id)).length;
      lines.push(`   webhook deliveries: ${delivered} of ${burst} committed at once in ${((last - started) / 1000).toFixed(2)} s -> ${(delivered / ((last - started) / 1000)).toFixed(0)} deliveries/s${done ? '' : ' (timed out)'}`);
      clearInterval(watch);
      sse.close();
    }
  } finally {
    server?.closeAllConnections();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    await app.close();
    await hook.close().catch(() => undefined);
    await sql.end({ timeout: 2 });
    await database.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
  lines.push('   Loopback HTTP, one process serving and measuring; figures depend on the machine and its load.');
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (flag: string, fallback: string) => {
    const i = process.argv.indexOf(`--${flag}`);
    return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
  };
  console.log(
    await benchWrites({
      scenarios: arg('scenarios', 'kv'),
      rounds: Number(arg('rounds', '3')),
      roundSeconds: Number(arg('round-seconds', '2')),
      workers: Number(arg('workers', '8')),
      events: Number(arg('events', '30')),
      burst: Number(arg('burst', '200')),
    }),
  );
  process.exit(0);
}
