// The request path appends a batch of audit events in one statement while its writer knows the
// chain's head. Two writers (two replicas) and governance transactions appending at once must
// still lose nothing, keep each caller's order and leave one intact chain.
import { asc, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../server/db/schema/audit.js';
import { appendAuditEvents } from '../server/domain/audit/append.js';
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

  it('keeps every event, in each caller\'s order, when two writers and governance transactions append at once', async () => {
    const [a, b] = [createAuditWriter(database.db), createAuditWriter(database.db)];
    const ids = (prefix: string) => Array.from({ length: 60 }, (_, k) => `${prefix}-${k}`);
    const pending: Promise<unknown>[] = [];
    for (let round = 0; round < 6; round++) {
      for (const id of ids('a').slice(round * 10, round * 10 + 10)) pending.push(a.record([read(id, 0), read(id, 1)]));
      for (const id of ids('b').slice(round * 10, round * 10 + 10)) pending.push(b.record([read(id, 0), read(id, 1)]));
      pending.push(database.db.transaction((tx) => appendAuditEvents(tx, [read(`governance-${round}`)])));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(pending);
    await Promise.all([a.close(), b.close()]);

    for (const prefix of ['a', 'b']) {
      const rows = await stored(ids(prefix));
      expect(rows.map((r) => `${r.requestId}/${(r.detail as { i: number }).i}`)).toEqual(ids(prefix).flatMap((id) => [`${id}/0`, `${id}/1`]));
    }
    expect(await stored(Array.from({ length: 6 }, (_, k) => `governance-${k}`))).toHaveLength(6);
    const report = await verifyAuditChain(database.db);
    expect(report.intact).toBe(true);
  });
});
