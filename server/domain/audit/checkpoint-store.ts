// Where signed checkpoints are published: an append-only JSON-lines file (under the data folder by
// default) and, when configured, a Redis list. Neither is in the database, so whoever rewrites the
// database still has to reach these too, and cannot sign what they would need to write there.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Redis } from 'ioredis';
import { parseCheckpoint, type Checkpoint } from './checkpoints.js';

export interface CheckpointStore {
  publish(checkpoint: Checkpoint): Promise<void>;
  /** Every checkpoint found in any place, by seq ascending; malformed entries are dropped. */
  list(): Promise<Checkpoint[]>;
  close(): Promise<void>;
}

function parseLines(text: string): Checkpoint[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [parseCheckpoint(JSON.parse(line))].filter((c): c is Checkpoint => c !== null);
      } catch {
        return [];
      }
    });
}

export function fileCheckpointStore(file: string): CheckpointStore {
  return {
    publish(checkpoint) {
      mkdirSync(dirname(file), { recursive: true });
      // One line per checkpoint, appended: an earlier line is never rewritten.
      appendFileSync(file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o644 });
      return Promise.resolve();
    },
    list() {
      return Promise.resolve(existsSync(file) ? parseLines(readFileSync(file, 'utf8')) : []);
    },
    close: () => Promise.resolve(),
  };
}

export function redisCheckpointStore(url: string, key: string): CheckpointStore {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 2000 });
  redis.on('error', () => {}); // surfaced through the calls that fail
  return {
    async publish(checkpoint) {
      await redis.rpush(key, JSON.stringify(checkpoint));
    },
    async list() {
      return parseLines((await redis.lrange(key, 0, -1)).join('\n'));
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * Publishes to every place; reads the union. A place that is down does not stop the others (it is
 * reported to `onError`), so one outage neither blocks checkpoints nor hides those published elsewhere.
 */
export function combinedCheckpointStore(stores: readonly CheckpointStore[], onError: (error: unknown) => void = () => {}): CheckpointStore {
  return {
    async publish(checkpoint) {
      const results = await Promise.allSettled(stores.map((s) => s.publish(checkpoint)));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      for (const f of failed) onError(f.reason);
      if (failed.length === stores.length) throw new Error('No place accepted the audit checkpoint.');
    },
    async list() {
      const lists = await Promise.allSettled(stores.map((s) => s.list()));
      const bySig = new Map<string, Checkpoint>();
      for (const r of lists) {
        if (r.status === 'rejected') onError(r.reason);
        else for (const c of r.value) bySig.set(c.sig, c);
      }
      return [...bySig.values()].sort((a, b) => a.seq - b.seq || a.at.localeCompare(b.at));
    },
    async close() {
      await Promise.all(stores.map((s) => s.close()));
    },
  };
}
