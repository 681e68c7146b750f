// The audit trail's integrity, as the API offers it: signed checkpoints taken in the background, a
// cheap check from the latest checkpoint that any number of callers share, a full re-verification
// run as a background job with progress, and Merkle inclusion proofs against a signed root.
import { randomUUID } from 'node:crypto';
import { and, asc, gt, inArray, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditEvents, auditHead } from '../../db/schema/audit.js';
import { retainedCheckpoints, type CheckpointRetention, type CheckpointStore } from './checkpoint-store.js';
import type { Checkpoint, CheckpointSigner } from './checkpoints.js';
import { frontierRoot, inclusionProof } from './merkle.js';
import { verifyAuditChain, type ChainReport } from './verify.js';

export interface VerificationJob {
  id: string;
  state: 'RUNNING' | 'DONE' | 'FAILED';
  /** Events re-hashed so far, of `total` (the head when the job started). */
  checked: number;
  total: number;
  startedAt: Date;
  finishedAt: Date | null;
  report: ChainReport | null;
}

export interface InclusionProof {
  seq: number;
  eventHash: string;
  /** The checkpoint whose signed root the proof leads to (tree size = its seq). */
  checkpoint: Checkpoint;
  /** RFC 6962 audit path, leaf to root, hex. */
  proof: string[];
}

export interface AuditIntegrity {
  /** Signs and publishes a checkpoint of the chain as it is now, if it grew and is intact. */
  checkpointNow(): Promise<Checkpoint | null>;
  /** Checkpoints whose signature holds, by seq. */
  checkpoints(): Promise<readonly Checkpoint[]>;
  /** The cheap check: checkpoint anchors, then only the events after the latest one. Concurrent callers share one run. */
  verify(): Promise<ChainReport>;
  /** Starts a full re-verification (or returns the one running). */
  startFullVerification(): VerificationJob;
  job(id: string): VerificationJob | null;
  /** Proof that event `seq` is in the tree of the first checkpoint that covers it; null if none does yet. */
  inclusionProof(seq: number): Promise<InclusionProof | null>;
  signer: CheckpointSigner;
  /** Checkpoints every `intervalMs` until closed. */
  startCheckpointing(intervalMs: number): void;
  close(): Promise<void>;
}

const KEPT_JOBS = 20;
/** The cheap check compares this many of the latest checkpoints with the stored events (older ones: the full re-verification). */
export const CHECKED_ANCHORS = 16;
export const DEFAULT_RETENTION: CheckpointRetention = { keepLatest: 1000, anchorEvery: 100_000 };

export function auditIntegrity(
  db: Db,
  signer: CheckpointSigner,
  store: CheckpointStore,
  onError: (message: string) => void,
  retention: CheckpointRetention = DEFAULT_RETENTION,
): AuditIntegrity {
  let checkpointing: Promise<Checkpoint | null> | null = null;
  let verifying: Promise<ChainReport> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const jobs = new Map<string, VerificationJob>();
  let running: VerificationJob | null = null;

  // A signature is checked once per checkpoint, and the sorting out once per change of the store.
  const signatureHolds = new WeakMap<Checkpoint, boolean>();
  const holds = (c: Checkpoint) => {
    let ok = signatureHolds.get(c);
    if (ok === undefined) signatureHolds.set(c, (ok = signer.verify(c)));
    return ok;
  };
  let sorted: { of: readonly Checkpoint[]; valid: Checkpoint[]; forged: Checkpoint | null } | null = null;

  /** Published checkpoints that verify; one whose signature fails is evidence of tampering with the store. */
  async function signedCheckpoints(): Promise<{ valid: Checkpoint[]; forged: Checkpoint | null }> {
    const all = await store.list();
    if (sorted?.of !== all) sorted = { of: all, valid: all.filter(holds), forged: all.find((c) => !holds(c)) ?? null };
    return sorted;
  }

  /** Keeps the store bounded once it holds a full `keepLatest` more than retention needs; never while a forged entry is there. */
  async function compactIfDue() {
    const { valid, forged } = await signedCheckpoints();
    if (forged || valid.length < retainedCheckpoints(valid, retention).length + retention.keepLatest) return;
    await store.compact((current) => retainedCheckpoints(current.filter(holds), retention));
  }

  async function takeCheckpoint(): Promise<Checkpoint | null> {
    const { valid } = await signedCheckpoints();
    const last = valid.at(-1);
    const walk = await verifyAuditChain(db, {
      from: last ? { seq: last.seq, hash: last.hash, frontier: { size: last.seq, roots: last.frontier } } : undefined,
      yieldBetweenPages: true,
    });
    if (!walk.intact) {
      // Never sign a chain that does not verify: the break stays visible instead of being vouched for.
      onError(`audit checkpoint not taken: the chain is broken at seq ${walk.firstBrokenLink?.seq} (${walk.firstBrokenLink?.reason})`);
      return null;
    }
    if (walk.lastSeq === 0 || walk.lastSeq === last?.seq) return last ?? null;
    const checkpoint = signer.sign({ seq: walk.lastSeq, hash: walk.end.hash, root: frontierRoot(walk.end.frontier), at: new Date().toISOString() }, walk.end.frontier);
    await store.publish(checkpoint);
    await compactIfDue().catch((error: unknown) => onError(`audit checkpoint compaction failed: ${(error as Error).message}`));
    return checkpoint;
  }

  async function cheapCheck(): Promise<ChainReport> {
    const { valid, forged } = await signedCheckpoints();
    if (forged) {
      return { intact: false, checked: 0, lastSeq: 0, checkpointSeq: 0, firstBrokenLink: { seq: forged.seq, reason: 'CHECKPOINT_SIGNATURE', found: forged.keyId } };
    }
    // The latest signed checkpoints must still name their events' hashes: one indexed read. The
    // latest alone catches a cut tail, a wipe, and any rewrite that recomputed the later hashes (they
    // are chained); the few before it say where. Older ones are the full re-verification's work.
    const anchors = valid.slice(-CHECKED_ANCHORS);
    const stored = new Map<number, string>();
    if (anchors.length > 0) {
      const seqs = [...new Set(anchors.map((c) => c.seq))];
      for (const row of await db.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).where(inArray(auditEvents.seq, seqs))) {
        stored.set(row.seq, row.hash);
      }
    }
    for (const c of anchors) {
      const found = stored.get(c.seq);
      if (found !== c.hash) {
        return { intact: false, checked: 0, lastSeq: 0, checkpointSeq: 0, firstBrokenLink: { seq: c.seq, reason: 'CHECKPOINT_MISMATCH', expected: c.hash, found: found ?? 'missing' } };
      }
    }
    const last = valid.at(-1);
    const { end: _end, ...report } = await verifyAuditChain(db, {
      from: last ? { seq: last.seq, hash: last.hash, frontier: { size: last.seq, roots: last.frontier } } : undefined,
    });
    return report;
  }

  async function runJob(job: VerificationJob) {
    try {
      const { valid, forged } = await signedCheckpoints();
      if (forged) {
        job.report = { intact: false, checked: 0, lastSeq: 0, checkpointSeq: 0, firstBrokenLink: { seq: forged.seq, reason: 'CHECKPOINT_SIGNATURE', found: forged.keyId } };
      } else {
        const { end: _end, ...report } = await verifyAuditChain(db, {
          checkpoints: valid,
          yieldBetweenPages: true,
          onProgress: (checked) => void (job.checked = checked),
        });
        job.report = report;
      }
      job.state = 'DONE';
    } catch (error) {
      job.state = 'FAILED';
      onError(`audit verification job ${job.id} failed: ${(error as Error).message}`);
    } finally {
      job.finishedAt = new Date();
      running = null;
    }
  }

  return {
    signer,
    checkpointNow() {
      checkpointing ??= takeCheckpoint().finally(() => (checkpointing = null));
      return checkpointing;
    },
    async checkpoints() {
      return (await signedCheckpoints()).valid;
    },
    verify() {
      verifying ??= cheapCheck().finally(() => (verifying = null));
      return verifying;
    },
    startFullVerification() {
      if (running) return running;
      const job: VerificationJob = { id: randomUUID(), state: 'RUNNING', checked: 0, total: 0, startedAt: new Date(), finishedAt: null, report: null };
      running = job;
      jobs.set(job.id, job);
      for (const id of [...jobs.keys()].slice(0, Math.max(0, jobs.size - KEPT_JOBS))) jobs.delete(id);
      void db
        .select({ seq: auditHead.seq })
        .from(auditHead)
        .then(([head]) => void (job.total = head?.seq ?? 0), () => {})
        .finally(() => runJob(job));
      return job;
    },
    job(id) {
      return jobs.get(id) ?? null;
    },
    async inclusionProof(seq) {
      const { valid } = await signedCheckpoints();
      const checkpoint = valid.find((c) => c.seq >= seq);
      if (!checkpoint || seq < 1) return null;
      const rows = await db
        .select({ seq: auditEvents.seq, hash: auditEvents.hash })
        .from(auditEvents)
        .where(and(gt(auditEvents.seq, 0), lte(auditEvents.seq, checkpoint.seq)))
        .orderBy(asc(auditEvents.seq));
      if (rows.length !== checkpoint.seq) return null; // the log no longer holds what was signed: verification says where
      const hashes = rows.map((r) => r.hash);
      return { seq, eventHash: hashes[seq - 1]!, checkpoint, proof: inclusionProof(seq - 1, hashes) };
    },
    startCheckpointing(intervalMs) {
      timer ??= setInterval(() => {
        this.checkpointNow().catch((error: unknown) => onError(`audit checkpoint failed: ${(error as Error).message}`));
      }, intervalMs);
      timer.unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.allSettled([checkpointing, verifying]);
      await store.close();
    },
  };
}
