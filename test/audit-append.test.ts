// The request path appends a batch of audit events in one statement while its writer knows the
// chain's head. Two writers (two replicas) and governance transactions appending at once must
// still lose nothing, keep each caller's order and leave one intact chain.
import { asc, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../server/db/schema/audit.js';
import { appendAuditEvents, MAX_SINGLE_STATEMENT_EVENTS } from '../server/domain/audit/append.js';
import type { AuditEvent } from '../server/domain/audit/event.js';
import { verifyAuditChain } from '../server/domain/audit/verify.js';
import { createAuditWriter } from '../server/domain/audit/writer.js';
import { availableBackends, openTestDatabase, type TestDatabase } from './support/backends.js';

const read = (requestId: string, i = 0): AuditEvent => ({
  actorKind: 'SUPPLIER_APP',
  actorId: 'app-1',
  appId: 'app-1',
  practiceOds: 'A81001',
  nhsNumber: '9990000018',
  operation: 'READ_PATIENT_RECORD',
  detail: { i },
  outcome: 'ALLOWED',
  requestId,
});

describe.each(await availableBackends())('single-statement audit append (%s)', (backend) => {
  let database: TestDatabase;
  let statements: string[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(backend, (s) => statements.push(s));
  });
  afterAll(() => database.close());

  const stored = (requestIds: string[]) =>
    database.db.select().from(auditEvents).where(inArray(auditEvents.requestId, requestIds)).orderBy(asc(auditEvents.seq));

  it('starts the chain under the advisory lock, then appends inside a transaction in two statements and no lock', async () => {
    statements = [];
    await database.db.transaction((tx) => appendAuditEvents(tx, [read('chain-start')]));
    expect(statements.some((s) => s.includes('pg_advisory_xact_lock'))).toBe(true);

    statements = [];
    await database.db.transaction(async (tx) => {
      await appendAuditEvents(tx, [read('in-transaction', 0), read('in-transaction', 1)]);
      await appendAuditEvents(tx, [read('in-transaction', 2)]);
    });
    // Per append: lock and read the head row, then one statement moving it and adding the events.
    expect(statements).toHaveLength(4);
    expect(statements.some((s) => s.includes('pg_advisory_xact_lock'))).toBe(false);
    expect((await stored(['in-transaction'])).map((r) => (r.detail as { i: number }).i)).toEqual([0, 1, 2]);

    // Rolled back with its transaction: nothing stored, no gap, and the next append follows on.
    await expect(
      database.db.transaction(async (tx) => {
        await appendAuditEvents(tx, [read('rolled-back')]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await database.db.transaction((tx) => appendAuditEvents(tx, [read('after-rollback')]));
    expect(await stored(['rolled-back'])).toHaveLength(0);
    const [last] = await stored(['after-rollback']);
    expect(last?.seq).toBe(5);
    expect((await verifyAuditChain(database.db)).intact).toBe(true);
  });

  it('appends a batch too large for one statement in chunks under the head row\'s lock, still without the advisory lock', async () => {
    const many = Array.from({ length: MAX_SINGLE_STATEMENT_EVENTS + 1 }, (_, i) => read('large-batch', i));
    statements = [];
    const records = await database.db.transaction((tx) => appendAuditEvents(tx, many));
    expect(records).toHaveLength(many.length);
    expect(statements.some((s) => s.includes('pg_advisory_xact_lock'))).toBe(false);
    expect((await stored(['large-batch'])).map((r) => (r.detail as { i: number }).i)).toEqual(many.map((_, i) => i));
    expect((await verifyAuditChain(database.db)).intact).toBe(true);
  });

  it('costs one statement per append once the writer knows the head', async () => {
    const writer = createAuditWriter(database.db);
    await writer.record([read('first')]);
    statements = [];
    await writer.record([read('second', 0), read('second', 1)]);
    await writer.close();
    expect(statements).toHaveLength(1);
    expect((await stored(['second'])).map((r) => (r.detail as { i: number }).i)).toEqual([0, 1]);
    expect((await verifyAuditChain(database.db)).intact).toBe(true);
  });

  it('after another appender moved the head, appends in two statements: the missed one tells where the head went', async () => {
    const writer = createAuditWriter(database.db);
    await writer.record([read('writer-knows-head')]);
    await database.db.transaction((tx) => appendAuditEvents(tx, [read('a-booking-moved-it')]));
    statements = [];
    await writer.record([read('after-the-move')]);
    await writer.close();
    expect(statements).toHaveLength(2);
    expect(statements.every((s) => s.includes('with moved as'))).toBe(true);
    expect(await stored(['after-the-move'])).toHaveLength(1);
    expect((await verifyAuditChain(database.db)).intact).toBe(true);
  });

  it('keeps every event, in each caller\'s order, when two writers and governance transactions append at once', async () => {
    const [a, b] = [createAuditWriter(database.db), createAuditWriter(database.db)];
    const ids = (prefix: string) => Array.from({ length: 60 }, (_, k) => `${prefix}-${k}`);
    const pending: Promise<unknown>[] = [];
    for (let round = 0; round < 6; round++) {
      for (const id of ids('a').slice(round * 10, round * 10 + 10)) pending.push(a.record([read(id, 0), read(id, 1)]));
      for (const id of ids('b').slice(round * 10, round * 10 + 10)) pending.push(b.record([read(id, 0), read(id, 1)]));
      // Several transactions queue for the head row at once, as concurrent bookings do.
      for (let k = 0; k < 3; k++) pending.push(database.db.transaction((tx) => appendAuditEvents(tx, [read(`governance-${round}-${k}`)])));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(pending);
    await Promise.all([a.close(), b.close()]);

    for (const prefix of ['a', 'b']) {
      const rows = await stored(ids(prefix));
      expect(rows.map((r) => `${r.requestId}/${(r.detail as { i: number }).i}`)).toEqual(ids(prefix).flatMap((id) => [`${id}/0`, `${id}/1`]));
    }
    expect(await stored(Array.from({ length: 18 }, (_, k) => `governance-${Math.floor(k / 3)}-${k % 3}`))).toHaveLength(18);
    const report = await verifyAuditChain(database.db);
    expect(report.intact).toBe(true);
  });
});
