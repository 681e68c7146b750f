// Group commit for request-path audit: concurrent `record` calls share one append, so N
// simultaneous requests cost about one append instead of N serialised ones; while this writer
// knows the chain's head, that append is a single statement (see appendIfHeadIs), and two when
// another appender moved the head (the missed append tells where to). A caller's promise settles
// only once its events are committed (or the commit failed, and then the request fails).
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Db } from '../../db/client.js';
import { appendAuditEvents, appendIfHeadIs, readAuditHead, type AuditHead } from './append.js';
import { normaliseEvent, type AuditEvent, type NormalisedEvent } from './event.js';

export interface AuditWriter {
  /** Resolves once the events are committed to the chain; rejects if that commit failed. */
  record(events: readonly AuditEvent[]): Promise<void>;
  /** Refuses further records and waits for those already accepted. */
  close(): Promise<void>;
}

export interface AuditWriterOptions {
  /** Most events in one transaction (a caller's events are never split across two). */
  maxBatchEvents?: number;
}

interface Pending {
  events: readonly NormalisedEvent[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

const sameHead = (a: AuditHead, b: AuditHead | null) => !!b && a.seq === b.seq && a.hash === b.hash;

export function createAuditWriter(db: Db, options: AuditWriterOptions = {}): AuditWriter {
  const maxBatchEvents = options.maxBatchEvents ?? 500;
  const queue: Pending[] = [];
  let draining: Promise<void> | null = null;
  let closed = false;

  /** Callers in arrival order, up to the batch bound (always at least one). */
  function takeBatch(): Pending[] {
    let size = 0;
    let n = 0;
    while (n < queue.length && (n === 0 || size + queue[n]!.events.length <= maxBatchEvents)) {
      size += queue[n]!.events.length;
      n += 1;
    }
    return queue.splice(0, n);
  }

  /**
   * Where this writer last saw the chain end. While no other appender (another replica, a
   * governance transaction) moves it, a batch costs one statement; null after any doubt.
   */
  let head: AuditHead | null = null;

  async function append(events: readonly NormalisedEvent[]): Promise<void> {
    const first = head ? await appendIfHeadIs(db, head, events) : null;
    let records = first?.records;
    if (!records && first?.seen !== null) {
      // The head moved (every write mutation's audit commits with its change). The missed append
      // saw where it moved to, unless it moved while the append waited for the head row: then
      // the head is read again. Either way one more try; then the locked path.
      const seen = first?.seen && !sameHead(first.seen, head) ? first.seen : await readAuditHead(db);
      records = (await appendIfHeadIs(db, seen, events)).records;
    }
    records ??= await db.transaction((tx) => appendAuditEvents(tx, events));
    const last = records[records.length - 1];
    if (last) head = { seq: last.seq, hash: last.hash };
  }

  async function write(batch: Pending[]): Promise<void> {
    try {
      await append(batch.flatMap((p) => p.events));
      for (const p of batch) p.resolve();
    } catch (error) {
      head = null; // the statement may or may not have committed: read the head again next time
      for (const p of batch) p.reject(error);
    }
  }

  async function drain(): Promise<void> {
    // Let the rest of this turn's callers join the first batch; later ones gather while it commits.
    await nextTurn();
    for (;;) {
      const batch = takeBatch();
      if (batch.length === 0) {
        draining = null; // in the same synchronous step as the empty check, so no caller is stranded
        return;
      }
      await write(batch);
    }
  }

  return {
    record(events) {
      if (closed) return Promise.reject(new Error('The audit writer is closed.'));
      if (events.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        // Snapshot now: later changes by the caller cannot alter what is logged, and an event that
        // cannot be serialised fails its own caller here rather than everyone's batch.
        queue.push({ events: events.map(normaliseEvent), resolve, reject });
        draining ??= drain();
      });
    },
    async close() {
      closed = true;
      await draining;
    },
  };
}
