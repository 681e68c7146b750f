// The audit trail is append-only and hash-chained: the database refuses edits, and an edit made
// anyway (triggers disabled by someone with the power to) is found and located by verification.
import { asc, eq, sql, type SQL } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../server/db/client.js';
import { auditEvents } from '../server/db/schema/audit.js';
import { appendAuditEvents } from '../server/domain/audit/append.js';
import { auditHash, GENESIS_HASH, toAuditRecord, type AuditEvent } from '../server/domain/audit/event.js';
import { verifyAuditChain } from '../server/domain/audit/verify.js';
import { availableBackends, openTestDatabase, type TestDatabase } from './support/backends.js';

const event = (n: number, detail: Record<string, unknown> = {}): AuditEvent => ({
  actorKind: 'SUPPLIER_APP',
  actorId: `app-${n % 3}`,
  supplierId: 'sup-1',
  appId: `app-${n % 3}`,
  practiceOds: 'A81001',
  nhsNumber: '9990000018',
  operation: 'READ_PATIENT_RECORD',
  detail: { n, sections: ['ALLERGIES', 'MEDICATIONS'], ...detail },
  outcome: 'ALLOWED',
  requestId: `req-${n}`,
});

/** The database error's own message (drizzle wraps it in a "Failed query" error). */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e as Error & { cause?: Error });
  expect(error, 'expected the statement to be refused').not.toBeNull();
  return `${error!.message} ${error!.cause?.message ?? ''}`;
}

/** Appends 10 events: three single calls, then two transactions of 4 and 3. */
async function appendTen(db: Db) {
  for (const n of [1, 2, 3]) await db.transaction((tx) => appendAuditEvents(tx, [event(n)]));
  await db.transaction((tx) => appendAuditEvents(tx, [4, 5, 6, 7].map((n) => event(n))));
  await db.transaction((tx) => appendAuditEvents(tx, [8, 9, 10].map((n) => event(n))));
}

/** What a DBA could do: switch the append-only triggers off, change rows, switch them back on. */
async function tamper(db: Db, statement: SQL) {
  await db.execute(sql`alter table audit_events disable trigger user`);
  try {
    await db.execute(statement);
  } finally {
    await db.execute(sql`alter table audit_events enable trigger user`);
  }
}

describe.each(await availableBackends())('audit chain (%s)', (backend) => {
  describe('on a shared database', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await openTestDatabase(backend);
    });
    afterAll(() => database.close());

    it('links events appended in separate calls and transactions into one intact chain', async () => {
      const { db } = database;
      // Keys out of order, nesting, unicode and numbers: jsonb reorders keys, the hash must not care.
      const odd = { zeta: 1, alpha: { b: [1, 2.5, 'x', null], a: true }, 'clé': 'ünïcode ✓', big: 1e21, small: 0.1 };
      const first = await db.transaction((tx) => appendAuditEvents(tx, [event(1, odd)]));
      await appendTen(db);
      const rows = (await db.select().from(auditEvents).orderBy(asc(auditEvents.seq))).map(toAuditRecord);

      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
      for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
      expect(rows[0]).toEqual(first[0]); // what append returned is what was stored, timestamp included
      expect(rows[0]!.detail).toEqual({ n: 1, sections: ['ALLERGIES', 'MEDICATIONS'], ...odd });

      const report = await verifyAuditChain(db, { batchSize: 3 });
      expect(report).toMatchObject({ intact: true, checked: 11, lastSeq: 11, firstBrokenLink: null });
    });

    it('refuses UPDATE, DELETE and TRUNCATE on audit events', async () => {
      const { db } = database;
      expect(await failure(db.update(auditEvents).set({ outcome: 'REFUSED' }).where(eq(auditEvents.seq, 2)))).toContain('audit_events is append-only');
      expect(await failure(db.delete(auditEvents).where(eq(auditEvents.seq, 2)))).toContain('audit_events is append-only');
      expect(await failure(db.execute(sql`truncate audit_events`))).toContain('audit_events is append-only');
      expect((await verifyAuditChain(db)).intact).toBe(true);
    });

    it('leaves no gap when a transaction that appended rolls back', async () => {
      const { db } = database;
      const before = await verifyAuditChain(db);
      await expect(
        db.transaction(async (tx) => {
          await appendAuditEvents(tx, [event(100), event(101)]);
          throw new Error('the governance change failed');
        }),
      ).rejects.toThrow('the governance change failed');
      const [next] = await db.transaction((tx) => appendAuditEvents(tx, [event(102)]));
      expect(next!.seq).toBe(before.lastSeq + 1);
      const rows = await db.select({ requestId: auditEvents.requestId }).from(auditEvents);
      expect(rows.map((r) => r.requestId)).not.toContain('req-100');
      expect(await verifyAuditChain(db)).toMatchObject({ intact: true, lastSeq: before.lastSeq + 1 });
    });

    it('stores request input PostgreSQL cannot hold (NUL) as a replacement character, chain intact', async () => {
      const { db } = database;
      const [stored] = await db.transaction((tx) => appendAuditEvents(tx, [{ ...event(200, { query: 'a\u0000b' }), actorId: 'x\u0000' }]));
      expect(stored!.detail.query).toBe('a\uFFFDb');
      expect(stored!.actorId).toBe('x\uFFFD');
      expect((await verifyAuditChain(db)).intact).toBe(true);
    });
  });

  describe('after tampering', () => {
    let database: TestDatabase;
    let db: Db;
    beforeEach(async () => {
      database = await openTestDatabase(backend);
      db = database.db;
      await appendTen(db);
      expect((await verifyAuditChain(db)).intact).toBe(true);
    });
    afterEach(async () => {
      // The triggers are back on: the database refuses edits again.
      expect(await failure(db.delete(auditEvents).where(eq(auditEvents.seq, 1)))).toContain('append-only');
      await database.close();
    });

    it('reports an edited row as a hash mismatch at exactly that seq', async () => {
      await tamper(db, sql`update audit_events set detail = '{"n": 4, "sections": []}' where seq = 4`);
      const report = await verifyAuditChain(db, { batchSize: 3 });
      expect(report.intact).toBe(false);
      expect(report.firstBrokenLink).toMatchObject({ seq: 4, reason: 'HASH_MISMATCH' });
      expect(report.checked).toBe(3);
    });

    it('reports a row removed from the middle as the missing seq', async () => {
      await tamper(db, sql`delete from audit_events where seq = 6`);
      const report = await verifyAuditChain(db, { batchSize: 4 });
      expect(report.firstBrokenLink).toEqual({ seq: 6, reason: 'MISSING_EVENT', expected: '6', found: '7' });
      expect(report).toMatchObject({ intact: false, checked: 5, lastSeq: 5 });
    });

    it('reports a removed last row as a head mismatch (the head remembers seq 10)', async () => {
      await tamper(db, sql`delete from audit_events where seq = 10`);
      const report = await verifyAuditChain(db);
      expect(report.firstBrokenLink).toEqual({ seq: 10, reason: 'HEAD_MISMATCH', expected: '10', found: '9' });
      expect(report).toMatchObject({ intact: false, checked: 9 });
    });

    it('reports an edit whose own hash was recomputed as a broken link at the following row', async () => {
      const [row] = await db.select().from(auditEvents).where(eq(auditEvents.seq, 4));
      const forged = { ...toAuditRecord(row!), outcome: 'REFUSED' as const, reason: 'never happened' };
      const hash = auditHash(forged);
      await tamper(db, sql`update audit_events set outcome = ${forged.outcome}, reason = ${forged.reason}, hash = ${hash} where seq = 4`);
      const report = await verifyAuditChain(db);
      expect(report.firstBrokenLink).toEqual({ seq: 5, reason: 'LINK_MISMATCH', expected: hash, found: row!.hash });
      expect(report.checked).toBe(4); // row 4 itself is self-consistent
    });

    it('reports a rehashed edit of the last row as a head mismatch', async () => {
      const [row] = await db.select().from(auditEvents).where(eq(auditEvents.seq, 10));
      const forged = { ...toAuditRecord(row!), detail: { n: 10, sections: [] } };
      const hash = auditHash(forged);
      await tamper(db, sql`update audit_events set detail = ${JSON.stringify(forged.detail)}::jsonb, hash = ${hash} where seq = 10`);
      expect((await verifyAuditChain(db)).firstBrokenLink).toEqual({ seq: 10, reason: 'HEAD_MISMATCH', expected: row!.hash, found: hash });
    });
  });
});
