// Appending to the chain inside the caller's transaction, so a governance change and its audit
// commit or roll back together. A rolled-back append leaves no gap: the next one reuses its seq.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditEvents, auditHead } from '../../db/schema/audit.js';
import { auditHash, GENESIS_HASH, normaliseEvent, type AuditEvent, type AuditRecord } from './event.js';

/** A transaction (not a bare Db): the advisory lock and the head must live as long as the caller's change. */
export type AuditTx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Fixed advisory-lock key serialising every append ("audit" in ASCII). */
export const AUDIT_LOCK_KEY = 0x61_75_64_69_74;
const HEAD_ID = 'main';
// PostgreSQL allows 65535 bind parameters per statement; 17 columns x 2000 rows stays below it.
const ROWS_PER_INSERT = 2000;

export async function appendAuditEvents(tx: AuditTx, events: readonly AuditEvent[]): Promise<AuditRecord[]> {
  if (events.length === 0) return [];
  // Held until the caller's transaction ends, so concurrent appenders queue for the head in turn.
  await tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(String(AUDIT_LOCK_KEY))})`);
  const [head] = await tx.select().from(auditHead).where(eq(auditHead.id, HEAD_ID));
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const at = new Date();

  const records = events.map((event): AuditRecord => {
    seq += 1;
    const unhashed = { seq, id: randomUUID(), at, ...normaliseEvent(event), prevHash };
    const record = { ...unhashed, hash: auditHash(unhashed) };
    prevHash = record.hash;
    return record;
  });

  for (let i = 0; i < records.length; i += ROWS_PER_INSERT) {
    await tx.insert(auditEvents).values(records.slice(i, i + ROWS_PER_INSERT));
  }
  await tx
    .insert(auditHead)
    .values({ id: HEAD_ID, seq, hash: prevHash })
    .onConflictDoUpdate({ target: auditHead.id, set: { seq, hash: prevHash } });
  return records;
}
