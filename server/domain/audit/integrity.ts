// The audit trail's integrity, as the API offers it: signed checkpoints taken in the background, a
// cheap check from the latest checkpoint that any number of callers share, a full re-verification
// run as a background job with progress, and Merkle inclusion proofs against a signed root.
import { randomUUID } from 'node:crypto';
import { and, asc, gt, inArray, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditEvents, auditHead } from '../../db/schema/audit.js';
import type { CheckpointStore } from './checkpoint-store.js';
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
  checkpoints(): Promise<Checkpoint[]>;
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

export function auditIntegrity(db: Db, signer: CheckpointSigner, store: CheckpointStore, onError: (message: string) => void): AuditIntegrity {
  let checkpointing: Promise<Checkpoint | null> | null = null;
  let verifying: Promise<ChainReport> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const jobs = new Map<string, VerificationJob>();
  let running: VerificationJob | null = null;

  /** Published checkpoints that verify; one whose signature fails is evidence of tampering with the store. */
  async function signedCheckpoints(): Promise<{ valid: Checkpoint[]; forged: Checkpoint | null }> {
    const all = await store.list();
    const valid = all.filter((c) => signer.verify(c));
    return { valid, forged: all.find((c) => !signer.verify(c)) ?? null };
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
    return checkpoint;
  }

  async function cheapCheck(): Promise<ChainReport> {
    const { valid, forged } = await signedCheckpoints();
    if (forged) {
      return { intact: false, checked: 0, lastSeq: 0, checkpointSeq: 0, firstBrokenLink: { seq: forged.seq, reason: 'CHECKPOINT_SIGNATURE', found: forged.keyId } };
    }
    // Each signed checkpoint must still name its event's hash: one indexed read for all of them.
    // This catches a cut tail, a wipe, and any rewrite that recomputed the later hashes.
    const stored = new Map<number, string>();
    for (let i = 0; i < valid.length; i += 5000) {
      const seqs = valid.slice(i, i + 5000).map((c) => c.seq);
      for (const row of await db.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).where(inArray(auditEvents.seq, seqs))) {
        stored.set(row.seq, row.hash);
      }
    }
    for (const c of valid) {
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
