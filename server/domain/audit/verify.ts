// Re-derives the chain from the stored rows, page by page, and reports the first place where the
// rows, their hashes, their links, the head or a signed checkpoint disagree. It walks from the start
// (a full re-verification, a reviewer's background job) or from a checkpoint (the cheap check).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { asc, eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditEvents, auditHead } from '../../db/schema/audit.js';
import type { Checkpoint } from './checkpoints.js';
import { auditHash, GENESIS_HASH, toAuditRecord } from './event.js';
import { EMPTY_FRONTIER, extendFrontier, frontierRoot, type Frontier } from './merkle.js';

export type BrokenLinkReason = 'HASH_MISMATCH' | 'LINK_MISMATCH' | 'MISSING_EVENT' | 'HEAD_MISMATCH' | 'CHECKPOINT_MISMATCH' | 'CHECKPOINT_SIGNATURE';

export interface BrokenLink {
  /** The event at fault: the edited row, the row whose link is wrong, the missing seq, the head's or the checkpoint's seq. */
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
  /** The signed checkpoint the walk started from (0: the start of the chain). */
  checkpointSeq: number;
}

/** Where a walk starts: after an event already vouched for (by a checkpoint). */
export interface ChainPosition {
  seq: number;
  hash: string;
  frontier: Frontier;
}

export interface VerifyOptions {
  batchSize?: number;
  from?: ChainPosition;
  /** Signed (already verified) checkpoints the walk must agree with, at their seq. */
  checkpoints?: readonly Checkpoint[];
  /** Called after each page with the events checked so far. */
  onProgress?: (checked: number) => void;
  /** Yield to other work between pages, so a long walk does not hold the event loop. */
  yieldBetweenPages?: boolean;
}

export interface ChainWalk extends ChainReport {
  /** Where the walk ended: the chain hash and Merkle frontier at `lastSeq` (meaningful when intact). */
  end: ChainPosition;
}

export async function verifyAuditChain(db: DbOrTx, options: VerifyOptions = {}): Promise<ChainWalk> {
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  const checkpointSeq = options.from?.seq ?? 0;
  // Read the head first: everything up to it was committed before the walk starts, while events
  // appended during the walk only extend the chain past it.
  const [head] = await db.select().from(auditHead).where(eq(auditHead.id, 'main'));
  const pending = [...(options.checkpoints ?? [])].filter((c) => c.seq > checkpointSeq).sort((a, b) => a.seq - b.seq);
  let checked = 0;
  let lastSeq = checkpointSeq;
  let prevHash = options.from?.hash ?? GENESIS_HASH;
  let frontier = options.from?.frontier ?? EMPTY_FRONTIER;
  const end = () => ({ seq: lastSeq, hash: prevHash, frontier });
  const broken = (link: BrokenLink): ChainWalk => ({ intact: false, checked, lastSeq, firstBrokenLink: link, checkpointSeq, end: end() });

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
      frontier = extendFrontier(frontier, [record.hash]);
      while (pending[0] && pending[0].seq === record.seq) {
        const c = pending.shift()!;
        // A rewrite that recomputed every later hash still cannot match what was signed before it.
        if (c.hash !== record.hash) return broken({ seq: c.seq, reason: 'CHECKPOINT_MISMATCH', expected: c.hash, found: record.hash });
        const root = frontierRoot(frontier);
        if (c.root !== root) return broken({ seq: c.seq, reason: 'CHECKPOINT_MISMATCH', expected: c.root, found: root });
      }
      checked += 1;
      lastSeq = record.seq;
      prevHash = record.hash;
    }
    options.onProgress?.(checked);
    if (rows.length < batchSize) break;
    if (options.yieldBetweenPages) await nextTurn();
  }

  if (head && lastSeq < head.seq) {
    // The head remembers events that are no longer there: the tail was removed.
    return broken({ seq: head.seq, reason: 'HEAD_MISMATCH', expected: String(head.seq), found: String(lastSeq) });
  }
  if (pending[0]) {
    // A signed checkpoint covers events that are no longer there: the tail was cut and the head moved back, or all was wiped.
    return broken({ seq: pending[0].seq, reason: 'CHECKPOINT_MISMATCH', expected: pending[0].hash, found: lastSeq === 0 ? 'no events' : `chain ends at ${lastSeq}` });
  }
  if (!head && checked > 0) {
    // Events but no head: unless the first append committed during the walk, the head was removed.
    const [now] = await db.select().from(auditHead).where(eq(auditHead.id, 'main'));
    if (!now) return broken({ seq: lastSeq, reason: 'HEAD_MISMATCH', found: String(lastSeq) });
  }
  return { intact: true, checked, lastSeq, firstBrokenLink: null, checkpointSeq, end: end() };
}
