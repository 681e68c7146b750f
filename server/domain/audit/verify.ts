// Re-derives the whole chain from the stored rows, page by page, and reports the first place where
// the rows, their hashes, their links or the head disagree.
import { asc, eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditEvents, auditHead } from '../../db/schema/audit.js';
import { auditHash, GENESIS_HASH, toAuditRecord } from './event.js';

export type BrokenLinkReason = 'HASH_MISMATCH' | 'LINK_MISMATCH' | 'MISSING_EVENT' | 'HEAD_MISMATCH';

export interface BrokenLink {
  /** The event at fault: the edited row, the row whose link is wrong, the missing seq, or the head's seq. */
  seq: number;
  reason: BrokenLinkReason;
  /** What the chain says should be there (a hash or, for missing events and the head, a seq). */
  expected?: string;
  found?: string;
}

export interface ChainReport {
  intact: boolean;
  /** Events whose hash and link were checked before the walk stopped. */
  checked: number;
  /** Seq of the last event checked (0 if none). */
  lastSeq: number;
  firstBrokenLink: BrokenLink | null;
}

export async function verifyAuditChain(db: DbOrTx, options: { batchSize?: number } = {}): Promise<ChainReport> {
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  // Read the head first: everything up to it was committed before the walk starts, while events
  // appended during the walk only extend the chain past it.
  const [head] = await db.select().from(auditHead).where(eq(auditHead.id, 'main'));
  let checked = 0;
  let lastSeq = 0;
  let prevHash = GENESIS_HASH;
  const broken = (link: BrokenLink): ChainReport => ({ intact: false, checked, lastSeq, firstBrokenLink: link });

  for (;;) {
    const rows = await db.select().from(auditEvents).where(gt(auditEvents.seq, lastSeq)).orderBy(asc(auditEvents.seq)).limit(batchSize);
    for (const row of rows) {
      const record = toAuditRecord(row);
      const expectedSeq = lastSeq + 1;
      if (record.seq !== expectedSeq) {
        return broken({ seq: expectedSeq, reason: 'MISSING_EVENT', expected: String(expectedSeq), found: String(record.seq) });
      }
      if (record.prevHash !== prevHash) {
        return broken({ seq: record.seq, reason: 'LINK_MISMATCH', expected: prevHash, found: record.prevHash });
      }
      const hash = auditHash(record);
      if (hash !== record.hash) return broken({ seq: record.seq, reason: 'HASH_MISMATCH', expected: hash, found: record.hash });
      if (head && record.seq === head.seq && record.hash !== head.hash) {
        return broken({ seq: record.seq, reason: 'HEAD_MISMATCH', expected: head.hash, found: record.hash });
      }
      checked += 1;
      lastSeq = record.seq;
      prevHash = record.hash;
    }
    if (rows.length < batchSize) break;
  }

  if (head && lastSeq < head.seq) {
    // The head remembers events that are no longer there: the tail was removed.
    return broken({ seq: head.seq, reason: 'HEAD_MISMATCH', expected: String(head.seq), found: String(lastSeq) });
  }
  if (!head && checked > 0) {
    // Events but no head: unless the first append committed during the walk, the head was removed.
    const [now] = await db.select().from(auditHead).where(eq(auditHead.id, 'main'));
    if (!now) return broken({ seq: lastSeq, reason: 'HEAD_MISMATCH', found: String(lastSeq) });
  }
  return { intact: true, checked, lastSeq, firstBrokenLink: null };
}
