// Request-path audit goes through a group-commit writer: many concurrent requests share one
// transaction, every caller learns whether its own events were committed, and order is kept.
import { asc, inArray, sql } from 'drizzle-orm';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../server/db/schema/audit.js';
import type { AuditEvent } from '../server/domain/audit/event.js';
import { listAuditEvents, type AuditFilter } from '../server/domain/audit/query.js';
import { verifyAuditChain } from '../server/domain/audit/verify.js';
import { createAuditWriter, type AuditWriter } from '../server/domain/audit/writer.js';
import { availableBackends, openTestDatabase, type TestDatabase } from './support/backends.js';

const read = (requestId: string, i = 0, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  actorKind: 'SUPPLIER_APP',
  actorId: 'app-1',
  supplierId: 'sup-1',
  appId: 'app-1',
  practiceOds: 'A81001',
  nhsNumber: '9990000018',
  operation: 'READ_PATIENT_RECORD',
  detail: { i, sections: ['ALLERGIES'] },
  outcome: 'ALLOWED',
  requestId,
  ...extra,
});

describe.each(await availableBackends())('audit writer (%s)', (backend) => {
  let database: TestDatabase;
  let writer: AuditWriter;
  let transactions = 0;

  beforeAll(async () => {
    database = await openTestDatabase(backend, (statement) => {
      if (statement.includes('insert into "audit_events"')) transactions += 1; // one per append, locked or single-statement
    });
    writer = createAuditWriter(database.db);
  });
  afterAll(async () => {
    await writer.close();
    expect((await verifyAuditChain(database.db)).intact).toBe(true);
    await database.close();
  });
  beforeEach(() => {
    transactions = 0;
  });

  const stored = (requestIds: string[]) =>
    database.db.select().from(auditEvents).where(inArray(auditEvents.requestId, requestIds)).orderBy(asc(auditEvents.seq));

  it('commits 200 concurrent callers in far fewer transactions, keeping each caller\'s order', async () => {
    const ids = Array.from({ length: 200 }, (_, k) => `burst-${k}`);
    await Promise.all(ids.map((id) => writer.record([read(id, 0), read(id, 1)])));

    const rows = await stored(ids);
    expect(rows).toHaveLength(400);
    // Callers in call order, each caller's two events adjacent and in its own order.
    expect(rows.map((r) => `${r.requestId}/${(r.detail as { i: number }).i}`)).toEqual(ids.flatMap((id) => [`${id}/0`, `${id}/1`]));
    expect(transactions).toBeLessThanOrEqual(2);
    expect((await verifyAuditChain(database.db)).intact).toBe(true);
  });

  it('gathers callers that arrive while a batch is committing into the next one', async () => {
    const pending: Promise<void>[] = [];
    for (let tick = 0; tick < 20; tick++) {
      for (let k = 0; k < 10; k++) pending.push(writer.record([read(`trickle-${tick}-${k}`)]));
      await nextTurn();
    }
    await Promise.all(pending);
    expect(await stored(Array.from({ length: 200 }, (_, n) => `trickle-${Math.floor(n / 10)}-${n % 10}`))).toHaveLength(200);
    expect(transactions).toBeLessThan(50);
  });

  it('bounds a batch at 500 events without splitting a caller', async () => {
    const ids = Array.from({ length: 300 }, (_, k) => `bound-${k}`);
    await Promise.all(ids.map((id) => writer.record([read(id, 0), read(id, 1), read(id, 2)])));
    expect(transactions).toBe(2); // 900 events: 166 callers (498), then 134 (402)
    const rows = await stored(ids);
    // All events of one transaction share its timestamp; no caller straddles two.
    const atsOf = new Map<string, Set<number>>();
    for (const r of rows) atsOf.set(r.requestId, (atsOf.get(r.requestId) ?? new Set()).add(r.at.getTime()));
    expect([...atsOf.values()].every((ats) => ats.size === 1)).toBe(true);
  });

  it('rejects the callers whose commit failed, and keeps working afterwards', async () => {
    const { db } = database;
    await writer.record([read('before-outage')]);
    await db.execute(sql`alter table audit_events rename to audit_events_away`);
    let outage: PromiseSettledResult<void>[];
    try {
      outage = await Promise.allSettled([1, 2, 3].map((k) => writer.record([read(`outage-${k}`)])));
    } finally {
      await db.execute(sql`alter table audit_events_away rename to audit_events`);
    }
    expect(outage.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const reason = (outage[0] as PromiseRejectedResult).reason as Error & { cause?: Error };
    expect(`${reason.message} ${reason.cause?.message}`).toMatch(/audit_events/);

    await writer.record([read('after-outage')]);
    const rows = await stored(['before-outage', 'outage-1', 'outage-2', 'outage-3', 'after-outage']);
    expect(rows.map((r) => r.requestId)).toEqual(['before-outage', 'after-outage']);
    expect(rows[1]!.seq).toBe(rows[0]!.seq + 1);
    expect((await verifyAuditChain(db)).intact).toBe(true);
  });

  it('fails exactly the callers batched with a failing commit, not those before or after', async () => {
    const { db } = database;
    // A test-only trigger that makes any batch containing a 'poison' request fail to commit.
    await db.execute(sql.raw(`create function refuse_poison() returns trigger language plpgsql as $$
      begin if new.request_id like 'poison%' then raise exception 'poisoned batch'; end if; return new; end $$`));
    await db.execute(sql`create trigger refuse_poison before insert on audit_events for each row execute function refuse_poison()`);
    const small = createAuditWriter(db, { maxBatchEvents: 2 });
    try {
      const ids = ['iso-1', 'iso-2', 'poison-3', 'iso-4', 'iso-5', 'iso-6'];
      const results = await Promise.allSettled(ids.map((id) => small.record([read(id)])));
      // Batches of two callers: [1, 2] [poison-3, 4] [5, 6].
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
      expect((await stored(ids)).map((r) => r.requestId)).toEqual(['iso-1', 'iso-2', 'iso-5', 'iso-6']);
    } finally {
      await small.close();
      await db.execute(sql`drop trigger refuse_poison on audit_events`);
      await db.execute(sql`drop function refuse_poison()`);
    }
    expect((await verifyAuditChain(db)).intact).toBe(true);
  });

  it('refuses an event that is not JSON to its own caller only', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const results = await Promise.allSettled([
      writer.record([read('json-1')]),
      writer.record([read('json-2', 0, { detail: circular })]),
      writer.record([read('json-3')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await stored(['json-1', 'json-2', 'json-3'])).map((r) => r.requestId)).toEqual(['json-1', 'json-3']);
    // One append (json-1 and json-3 together), after a single-statement try that finds the head
    // moved by the previous test's writer.
    expect(transactions).toBeLessThanOrEqual(2);
    expect(new Set((await stored(['json-1', 'json-3'])).map((r) => r.at.getTime())).size).toBe(1);
  });

  it('commits what it accepted before closing, then refuses new records', async () => {
    const closing = createAuditWriter(database.db);
    const accepted = closing.record([read('close-1')]);
    await closing.close();
    await expect(accepted).resolves.toBeUndefined();
    await expect(closing.record([read('close-2')])).rejects.toThrow('closed');
    expect((await stored(['close-1', 'close-2'])).map((r) => r.requestId)).toEqual(['close-1']);
  });

  it('lists events newest first, filtered and paged by seq cursor', async () => {
    const { db } = database;
    const ods = 'L00001';
    const ev = (k: number, extra: Partial<AuditEvent>) => read(`list-${k}`, k, { practiceOds: ods, ...extra });
    await writer.record([ev(1, {}), ev(2, { outcome: 'REFUSED', reason: 'not enabled' }), ev(3, { nhsNumber: '9990000026' })]);
    await sleep(5);
    const between = new Date();
    await sleep(5);
    await writer.record([ev(4, { supplierId: 'sup-2' }), ev(5, { outcome: 'REFUSED' }), ev(6, {})]);

    const requests = async (filter: AuditFilter, page: { after?: string; before?: string; limit?: number; inverted?: boolean } = {}) =>
      (await listAuditEvents(db, filter, { limit: 100, inverted: false, ...page })).map((r) => r.requestId.replace('list-', ''));

    expect(await requests({ practiceOds: ods })).toEqual(['6', '5', '4', '3', '2', '1']);
    expect(await requests({ practiceOds: ods, outcome: 'REFUSED' })).toEqual(['5', '2']);
    expect(await requests({ practiceOds: ods, nhsNumber: '9990000026' })).toEqual(['3']);
    expect(await requests({ practiceOds: ods, supplierId: 'sup-2' })).toEqual(['4']);
    expect(await requests({ practiceOds: ods, from: between })).toEqual(['6', '5', '4']);
    expect(await requests({ practiceOds: ods, to: between })).toEqual(['3', '2', '1']);
    expect(await requests({ practiceOds: 'Z99999' })).toEqual([]);

    const all = await listAuditEvents(db, { practiceOds: ods }, { limit: 100, inverted: false });
    const cursorOf = (k: number) => String(all.find((r) => r.requestId === `list-${k}`)!.seq);
    expect(await requests({ practiceOds: ods }, { limit: 2 })).toEqual(['6', '5']);
    expect(await requests({ practiceOds: ods }, { limit: 2, after: cursorOf(5) })).toEqual(['4', '3']);
    expect(await requests({ practiceOds: ods }, { limit: 2, before: cursorOf(2) })).toEqual(['6', '5']);
    expect(await requests({ practiceOds: ods }, { limit: 2, before: cursorOf(2), inverted: true })).toEqual(['3', '4']);
    expect(await requests({ practiceOds: ods }, { after: cursorOf(5), before: cursorOf(2) })).toEqual(['4', '3']);
    expect(all[0]).toMatchObject({ practiceOds: ods, operation: 'READ_PATIENT_RECORD', outcome: 'ALLOWED', detail: { i: 6 } });
    await expect(listAuditEvents(db, {}, { limit: 1, inverted: false, after: 'abc' })).rejects.toThrow('Not an audit cursor');
  });
});
