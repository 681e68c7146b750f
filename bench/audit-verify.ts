// Verify time of the audit trail at scale (npm run bench:audit-verify -- --events 300000): the full
// re-hash every verifyAuditChain call used to do, against the check from the latest signed
// checkpoint that it does now, alone and as 30 aliases in one request. Runs on a throwaway database
// on the test PostgreSQL (TEST_DATABASE_URL's server), dropped at the end.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { openDatabase } from '../server/db/client.js';
import { appendAuditEvents } from '../server/domain/audit/append.js';
import { fileCheckpointStore } from '../server/domain/audit/checkpoint-store.js';
import { checkpointSigner } from '../server/domain/audit/checkpoints.js';
import type { AuditEvent } from '../server/domain/audit/event.js';
import { auditIntegrity } from '../server/domain/audit/integrity.js';
import { verifyAuditChain } from '../server/domain/audit/verify.js';
import { loadEnv } from '../server/env.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '300000' }, tail: { type: 'string', default: '500' } } });
const total = Number(values.events);
const tail = Number(values.tail);
const env = loadEnv();
const name = `gpoi_bench_audit_${randomBytes(4).toString('hex')}`;
const admin = postgres(env.TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(env.TEST_DATABASE_URL);
url.pathname = `/${name}`;
const database = await openDatabase({ url: url.toString(), maxConnections: 4 });
const dir = mkdtempSync(join(tmpdir(), 'gpoi-bench-audit-'));

const read = (n: number): AuditEvent => ({
  actorKind: 'SUPPLIER_APP', actorId: `app-${n % 7}`, supplierId: 'sup-1', appId: `app-${n % 7}`, practiceOds: `Z9${1000 + (n % 8)}`,
  nhsNumber: `999${String(n % 1_000_000).padStart(7, '0')}`, operation: 'READ_PATIENT_RECORD', detail: { fields: ['allergies', 'medications', 'nhsNumber'] },
  outcome: n % 10 === 0 ? 'REFUSED' : 'ALLOWED', reason: n % 10 === 0 ? 'Practice has not allowed scope.' : null, requestId: `req-${n}`,
});
const appendMany = async (from: number, count: number) => {
  for (let i = 0; i < count; i += 2000) {
    const batch = Array.from({ length: Math.min(2000, count - i) }, (_, k) => read(from + i + k));
    await database.db.transaction((tx) => appendAuditEvents(tx, batch));
  }
};
const time = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const result = await work();
  return [result, Math.round(performance.now() - start)];
};

try {
  const [, seeded] = await time(() => appendMany(1, total - tail));
  console.log(`appended ${total - tail} events in ${seeded} ms`);
  const integrity = auditIntegrity(database.db, checkpointSigner(generateKeyPairSync('ed25519').privateKey), fileCheckpointStore(join(dir, 'cp.jsonl')), console.error);
  const [, firstCheckpoint] = await time(() => integrity.checkpointNow());
  await appendMany(total - tail + 1, tail); // events since the last checkpoint
  const [full, fullMs] = await time(() => verifyAuditChain(database.db));
  const [cheap, cheapMs] = await time(() => integrity.verify());
  const [thirty, thirtyMs] = await time(() => Promise.all(Array.from({ length: 30 }, () => integrity.verify())));
  console.log(`events: ${full.lastSeq}; checkpoint at ${cheap.checkpointSeq}; ${tail} events after it`);
  console.log(`before: full re-hash per call           ${fullMs} ms (checked ${full.checked}, intact ${full.intact})`);
  console.log(`        30 aliases (serial, as before)  ~${fullMs * 30} ms (30 x the above)`);
  console.log(`after:  check from latest checkpoint    ${cheapMs} ms (checked ${cheap.checked}, intact ${cheap.intact})`);
  console.log(`        30 concurrent callers           ${thirtyMs} ms (one shared run: ${new Set(thirty).size} distinct result)`);
  console.log(`        first checkpoint of the trail   ${firstCheckpoint} ms (once, in the background at start)`);
  const job = integrity.startFullVerification();
  const [, jobMs] = await time(async () => {
    while (integrity.job(job.id)!.state === 'RUNNING') await new Promise((r) => setTimeout(r, 200));
  });
  console.log(`        full re-verification job        ${jobMs} ms (${integrity.job(job.id)!.report?.intact ? 'intact' : 'broken'}, in the background)`);
  await integrity.close();
} finally {
  await database.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end({ timeout: 1 });
  rmSync(dir, { recursive: true, force: true });
}
