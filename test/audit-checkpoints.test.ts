// Tamper evidence against whoever owns the database: signed checkpoints published outside it catch a
// cut tail with the head moved back, a wipe of both tables, and a REFUSED event rewritten as ALLOWED
// with every later hash recomputed, all of which the hash chain alone reports as intact.
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../server/db/client.js';
import { auditEvents } from '../server/db/schema/audit.js';
import { appendAuditEvents } from '../server/domain/audit/append.js';
import { fileCheckpointStore } from '../server/domain/audit/checkpoint-store.js';
import { checkpointSigner, type Checkpoint } from '../server/domain/audit/checkpoints.js';
import { auditHash, toAuditRecord, type AuditEvent } from '../server/domain/audit/event.js';
import { auditIntegrity, type AuditIntegrity } from '../server/domain/audit/integrity.js';
import { EMPTY_FRONTIER, extendFrontier, frontierRoot, verifyInclusion } from '../server/domain/audit/merkle.js';
import { verifyAuditChain } from '../server/domain/audit/verify.js';
import { availableBackends, openTestDatabase, type TestDatabase } from './support/backends.js';

const event = (n: number, outcome: AuditEvent['outcome'] = 'ALLOWED'): AuditEvent => ({
  actorKind: 'SUPPLIER_APP',
  actorId: 'app-1',
  appId: 'app-1',
  practiceOds: 'A81001',
  nhsNumber: '9990000018',
  operation: 'READ_PATIENT_RECORD',
  detail: { n },
  outcome,
  reason: outcome === 'REFUSED' ? 'Practice A81001 has not enabled this app.' : null,
  requestId: `req-${n}`,
});

const append = (db: Db, events: AuditEvent[]) => db.transaction((tx) => appendAuditEvents(tx, events));

/** What the database owner can do: triggers off, statements, triggers on. */
async function asOwner(db: Db, ...statements: SQL[]) {
  await db.execute(sql`alter table audit_events disable trigger user`);
  try {
    for (const statement of statements) await db.execute(statement);
  } finally {
    await db.execute(sql`alter table audit_events enable trigger user`);
  }
}

/** Event 4 (a refusal) rewritten as ALLOWED, every later hash recomputed: the chain alone then verifies. Returns the rows before. */
async function rewriteRefusalAsAllowed(db: Db) {
  const rows = (await db.select().from(auditEvents).orderBy(asc(auditEvents.seq))).map(toAuditRecord);
  expect(rows[3]!.outcome).toBe('REFUSED');
  let prevHash = rows[2]!.hash;
  const rewrites: SQL[] = [];
  for (const row of rows.slice(3)) {
    const forged = { ...row, prevHash, ...(row.seq === 4 ? { outcome: 'ALLOWED' as const, reason: null } : {}) };
    const hash = auditHash(forged);
    rewrites.push(sql`update audit_events set outcome = ${forged.outcome}, reason = ${forged.reason}, prev_hash = ${prevHash}, hash = ${hash} where seq = ${row.seq}`);
    prevHash = hash;
  }
  await asOwner(db, ...rewrites, sql`update audit_head set hash = ${prevHash}`);
  expect((await verifyAuditChain(db)).intact).toBe(true);
  return rows;
}

describe.each(await availableBackends())('audit checkpoints (%s)', (backend) => {
  let database: TestDatabase;
  let db: Db;
  let dir: string;
  let file: string;
  let integrity: AuditIntegrity;
  let errors: string[];

  beforeEach(async () => {
    database = await openTestDatabase(backend);
    db = database.db;
    dir = mkdtempSync(join(tmpdir(), 'gpoi-checkpoints-'));
    file = join(dir, 'audit-checkpoints.jsonl');
    errors = [];
    integrity = auditIntegrity(db, checkpointSigner(generateKeyPairSync('ed25519').privateKey), fileCheckpointStore(file), (m) => errors.push(m));
    // Ten events, the fourth a refusal; a checkpoint after them; then two more events.
    await append(db, [1, 2, 3].map((n) => event(n)));
    await append(db, [event(4, 'REFUSED'), ...[5, 6, 7, 8, 9, 10].map((n) => event(n))]);
    expect(await integrity.checkpointNow()).toMatchObject({ seq: 10 });
    await append(db, [event(11), event(12)]);
  });
  afterEach(async () => {
    await integrity.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes signed checkpoints whose Merkle root extends incrementally', async () => {
    const second = await integrity.checkpointNow();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Checkpoint);
    expect(lines.map((c) => c.seq)).toEqual([10, 12]);
    const hashes = (await db.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(asc(auditEvents.seq))).map((r) => r.hash);
    expect(second).toMatchObject({ seq: 12, hash: hashes[11], root: frontierRoot(extendFrontier(EMPTY_FRONTIER, hashes)) });
    expect(integrity.signer.verify(second!)).toBe(true);
    expect(integrity.signer.verify({ ...second!, seq: 11 })).toBe(false);
    expect(await integrity.checkpointNow()).toEqual(second); // nothing new: no new checkpoint
    expect(errors).toEqual([]);
  });

  it('checks cheaply: the checkpoint anchors plus only the events after the latest checkpoint', async () => {
    expect(await integrity.verify()).toEqual({ intact: true, checked: 2, lastSeq: 12, checkpointSeq: 10, firstBrokenLink: null });
  });

  it('proves an event is in the signed log without revealing any other event', async () => {
    const proof = (await integrity.inclusionProof(4))!;
    expect(proof.checkpoint.seq).toBe(10);
    expect(verifyInclusion(proof.eventHash, 3, proof.checkpoint.seq, proof.proof, proof.checkpoint.root)).toBe(true);
    expect(await integrity.inclusionProof(11)).toBeNull(); // no checkpoint covers it yet
  });

  it('(a) catches the last events deleted and the head moved back', async () => {
    const [seven] = await db.select().from(auditEvents).where(eq(auditEvents.seq, 7));
    await asOwner(db, sql`delete from audit_events where seq > 7`, sql`update audit_head set seq = 7, hash = ${seven!.hash}`);
    expect((await verifyAuditChain(db)).intact).toBe(true); // the chain alone cannot tell
    expect((await integrity.verify()).firstBrokenLink).toEqual({ seq: 10, reason: 'CHECKPOINT_MISMATCH', expected: expect.any(String), found: 'missing' });
  });

  it('(b) catches both tables wiped', async () => {
    await asOwner(db, sql`delete from audit_events`, sql`delete from audit_head`);
    expect((await verifyAuditChain(db)).intact).toBe(true);
    expect(await integrity.verify()).toMatchObject({ intact: false, firstBrokenLink: { seq: 10, reason: 'CHECKPOINT_MISMATCH', found: 'missing' } });
  });

  it('(c) catches a REFUSED event rewritten as ALLOWED with every later hash recomputed', async () => {
    const rows = await rewriteRefusalAsAllowed(db);
    const report = await integrity.verify();
    expect(report).toMatchObject({ intact: false, firstBrokenLink: { seq: 10, reason: 'CHECKPOINT_MISMATCH', expected: rows[9]!.hash } });
    // No checkpoint is signed over a chain that does not match what was signed before.
    expect(await integrity.checkpointNow()).toBeNull();
    expect(errors.join('\n')).toMatch(/not taken/);
  });

  it('runs a full re-verification as a job with progress, and finds an edit the cheap check does not re-hash', async () => {
    await asOwner(db, sql`update audit_events set detail = '{"n": 99}' where seq = 5`);
    const job = integrity.startFullVerification();
    expect(integrity.startFullVerification()).toBe(job); // one at a time
    expect(job.state).toBe('RUNNING');
    while (integrity.job(job.id)!.state === 'RUNNING') await new Promise((r) => setTimeout(r, 10));
    expect(integrity.job(job.id)).toMatchObject({ state: 'DONE', total: 12, report: { intact: false, firstBrokenLink: { seq: 5, reason: 'HASH_MISMATCH' } } });
  });

  it('refuses checkpoints with a bad signature, and reports them', async () => {
    const [line] = readFileSync(file, 'utf8').trim().split('\n');
    const forged = { ...(JSON.parse(line!) as Checkpoint), seq: 12 };
    appendFileSync(file, `${JSON.stringify(forged)}\n`);
    expect((await integrity.checkpoints()).map((c) => c.seq)).toEqual([10]);
    expect((await integrity.verify()).firstBrokenLink).toMatchObject({ seq: 12, reason: 'CHECKPOINT_SIGNATURE' });
    expect(await db.select().from(auditEvents).where(gt(auditEvents.seq, 12))).toEqual([]);
  });

  /** One event and one checkpoint, `times` times; returns the checkpoints' seqs. */
  async function checkpointEach(target: AuditIntegrity, times: number, from: number) {
    const seqs: number[] = [];
    for (let n = from; n < from + times; n++) {
      await append(db, [event(n)]);
      seqs.push((await target.checkpointNow())!.seq);
    }
    return seqs;
  }

  it('stays bounded: keeps the latest checkpoints and one per run of events, and still catches tampering after compaction', async () => {
    const compacted = join(dir, 'compacted.jsonl');
    const bounded = auditIntegrity(db, integrity.signer, fileCheckpointStore(compacted), (m) => errors.push(m), { keepLatest: 3, anchorEvery: 5 });
    try {
      expect(await bounded.checkpointNow()).toMatchObject({ seq: 12 });
      const seqs = [12, ...(await checkpointEach(bounded, 12, 13))]; // seqs 12..24
      const kept = readFileSync(compacted, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as Checkpoint).seq);
      // The first checkpoint of each run of 5 events (12, 15, 20), the latest 3 (22..24), and at most
      // keepLatest not yet dropped (compaction runs once that many can go).
      expect(kept.slice(0, 3)).toEqual([12, 15, 20]);
      expect(kept.slice(-3)).toEqual([22, 23, 24]);
      expect(kept.length).toBeLessThan(3 + 3 + 3);
      expect(kept.every((seq) => seqs.includes(seq))).toBe(true);
      // An old event still has a signed root to be proved against: the first kept checkpoint after it.
      const proof = (await bounded.inclusionProof(13))!;
      expect(proof.checkpoint.seq).toBe(15);
      expect(verifyInclusion(proof.eventHash, 12, 15, proof.proof, proof.checkpoint.root)).toBe(true);

      const rows = await rewriteRefusalAsAllowed(db);
      expect(await bounded.verify()).toMatchObject({ intact: false, firstBrokenLink: { reason: 'CHECKPOINT_MISMATCH' } });
      const job = bounded.startFullVerification();
      while (bounded.job(job.id)!.state === 'RUNNING') await new Promise((r) => setTimeout(r, 10));
      expect(bounded.job(job.id)!.report).toMatchObject({ intact: false, firstBrokenLink: { seq: 12, reason: 'CHECKPOINT_MISMATCH', expected: rows[11]!.hash } });
    } finally {
      await bounded.close();
    }
  });

  it('costs the same to verify however many checkpoints were published: no re-read, no re-check of old ones', async () => {
    let signaturesChecked = 0;
    const signer = { ...integrity.signer, verify: (c: Checkpoint) => (signaturesChecked++, integrity.signer.verify(c)) };
    const store = fileCheckpointStore(join(dir, 'counted.jsonl'));
    const counted = auditIntegrity(db, signer, store, (m) => errors.push(m));
    /** Checkpoints read from the file and signatures checked by one new checkpoint and three verifications. */
    const costOfOneMore = async (n: number) => {
      const [lines, signatures] = [store.linesParsed, signaturesChecked];
      await checkpointEach(counted, 1, n);
      for (let i = 0; i < 3; i++) expect(await counted.verify()).toMatchObject({ intact: true, checked: 0 });
      return { lines: store.linesParsed - lines, signatures: signaturesChecked - signatures };
    };
    try {
      const early = await costOfOneMore(13);
      await checkpointEach(counted, 15, 14);
      const late = await costOfOneMore(29);
      expect(early).toEqual({ lines: 1, signatures: 1 });
      expect(late).toEqual(early);
      expect(store.linesParsed).toBe(17); // each line read once
      // Another writer's line (or an edit) is noticed: appended lines are read, nothing else.
      const [last] = readFileSync(join(dir, 'counted.jsonl'), 'utf8').trim().split('\n').slice(-1);
      appendFileSync(join(dir, 'counted.jsonl'), `${JSON.stringify({ ...(JSON.parse(last!) as Checkpoint), at: 'x' })}\n`);
      expect((await counted.verify()).firstBrokenLink).toMatchObject({ reason: 'CHECKPOINT_SIGNATURE' });
      expect(store.linesParsed).toBe(18);
    } finally {
      await counted.close();
    }
  });
});
