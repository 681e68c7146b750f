// Builds the audit trail's integrity service from configuration: the checkpoint key (configured or a
// file under the data folder), and the places checkpoints are published (a file; Redis when set).
import type { Db } from './db/client.js';
import type { Env } from './env.js';
import { combinedCheckpointStore, fileCheckpointStore, redisCheckpointStore, type CheckpointStore } from './domain/audit/checkpoint-store.js';
import { checkpointSigner, loadCheckpointKey } from './domain/audit/checkpoints.js';
import { auditIntegrity, type AuditIntegrity } from './domain/audit/integrity.js';

export function openAuditIntegrity(env: Env, db: Db, report: (message: string) => void): AuditIntegrity {
  const key = loadCheckpointKey({ pem: env.AUDIT_CHECKPOINT_KEY, file: env.auditCheckpointKeyFile });
  const stores: CheckpointStore[] = [fileCheckpointStore(env.auditCheckpointFile)];
  if (env.REDIS_URL) stores.push(redisCheckpointStore(env.REDIS_URL, env.AUDIT_CHECKPOINT_REDIS_KEY));
  const store = combinedCheckpointStore(stores, (error) => report(`audit checkpoint store: ${(error as Error).message}`));
  return auditIntegrity(db, checkpointSigner(key), store, report, { keepLatest: env.AUDIT_CHECKPOINT_KEEP_LATEST, anchorEvery: env.AUDIT_CHECKPOINT_ANCHOR_EVERY });
}
