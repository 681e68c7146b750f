// Where signed checkpoints are published: a JSON-lines file (under the data folder by default) and,
// when configured, a Redis list. Neither is in the database, so whoever rewrites the database still
// has to reach these too, and cannot sign what they would need to write there.
//
// Both are read through a cache that notices change cheaply (the file's identity, size and mtime; the
// list's length and last entry), and the file is read only from where the last read stopped, so a
// verification costs the same however many checkpoints were ever published. Both are compacted on
// request (see `retainedCheckpoints`) so they stay bounded.
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Redis } from 'ioredis';
import { parseCheckpoint, type Checkpoint } from './checkpoints.js';

export interface CheckpointStore {
  publish(checkpoint: Checkpoint): Promise<void>;
  /**
   * Every checkpoint found in any place, by seq ascending; malformed entries are dropped. The same
   * array (do not change it) is returned while nothing changed, so callers may cache by identity.
   */
  list(): Promise<readonly Checkpoint[]>;
  /**
   * Rewrites each place to hold only the checkpoints `keep` returns (chosen from what it holds now).
   * A place holding malformed entries is left as it is: they stay as evidence. Returns how many were dropped.
   */
  compact(keep: (current: readonly Checkpoint[]) => readonly Checkpoint[]): Promise<number>;
  close(): Promise<void>;
}

/** How many checkpoints each place keeps: the latest `keepLatest`, and before them one per `anchorEvery` events. */
export interface CheckpointRetention {
  keepLatest: number;
  anchorEvery: number;
}

/**
 * The checkpoints a place keeps: the latest `keepLatest`, plus the first of each run of `anchorEvery`
 * events before them (so old events keep a nearby signed root for inclusion proofs and the full
 * re-verification). The choice depends only on seqs, so it never changes for a checkpoint already
 * kept, and every place compacts alike.
 */
export function retainedCheckpoints(all: readonly Checkpoint[], retention: CheckpointRetention): Checkpoint[] {
  const sorted = [...all].sort((a, b) => a.seq - b.seq);
  const latestFrom = Math.max(0, sorted.length - retention.keepLatest);
  const kept: Checkpoint[] = [];
  let lastBucket = -1;
  sorted.forEach((c, i) => {
    const bucket = Math.floor(c.seq / retention.anchorEvery);
    if (i >= latestFrom || bucket > lastBucket) kept.push(c);
    lastBucket = Math.max(lastBucket, bucket);
  });
  return kept;
}

function parseLines(lines: readonly string[]): { checkpoints: Checkpoint[]; malformed: number } {
  const checkpoints: Checkpoint[] = [];
  let malformed = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    let parsed: Checkpoint | null = null;
    try {
      parsed = parseCheckpoint(JSON.parse(line));
    } catch {
      parsed = null;
    }
    if (parsed) checkpoints.push(parsed);
    else malformed += 1;
  }
  return { checkpoints, malformed };
}

const bySeq = (a: Checkpoint, b: Checkpoint) => a.seq - b.seq || a.at.localeCompare(b.at);

export interface FileCheckpointStore extends CheckpointStore {
  /** Checkpoint lines parsed from the file since the store was opened (what the cache saves). */
  readonly linesParsed: number;
}

export function fileCheckpointStore(file: string): FileCheckpointStore {
  // What the last read saw: the file's identity, how far it was read (up to its last full line).
  let cache = { ino: -1, size: -1, mtimeMs: -1, offset: 0, checkpoints: [] as Checkpoint[], malformed: 0, sorted: [] as readonly Checkpoint[] };
  let linesParsed = 0;

  function readFrom(offset: number, size: number): string {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(size - offset);
      let read = 0;
      while (read < buffer.length) {
        const n = readSync(fd, buffer, read, buffer.length - read, offset + read);
        if (n === 0) break;
        read += n;
      }
      return buffer.subarray(0, read).toString('utf8');
    } finally {
      closeSync(fd);
    }
  }

  function refresh(): readonly Checkpoint[] {
    if (!existsSync(file)) {
      if (cache.ino !== -1 || cache.checkpoints.length > 0) cache = { ino: -1, size: -1, mtimeMs: -1, offset: 0, checkpoints: [], malformed: 0, sorted: [] };
      return cache.sorted;
    }
    const stat = statSync(file);
    if (stat.ino === cache.ino && stat.size === cache.size && stat.mtimeMs === cache.mtimeMs) return cache.sorted;
    // Appended to (same file, longer): read only what is new. Anything else (replaced, shortened,
    // rewritten in place): read it all again.
    const appended = stat.ino === cache.ino && stat.size > cache.size && cache.size >= 0;
    const base = appended ? cache : { ...cache, offset: 0, checkpoints: [], malformed: 0 };
    const text = readFrom(base.offset, stat.size);
    const complete = text.lastIndexOf('\n') + 1; // a line still being written is read next time
    const lines = text.slice(0, complete).split('\n');
    const { checkpoints, malformed } = parseLines(lines);
    linesParsed += lines.filter((l) => l.trim() !== '').length;
    const all = [...base.checkpoints, ...checkpoints];
    cache = {
      ino: stat.ino,
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      offset: base.offset + Buffer.byteLength(text.slice(0, complete)),
      checkpoints: all,
      malformed: base.malformed + malformed,
      sorted: checkpoints.length === 0 && appended ? cache.sorted : [...all].sort(bySeq),
    };
    return cache.sorted;
  }

  return {
    get linesParsed() {
      return linesParsed;
    },
    publish(checkpoint) {
      mkdirSync(dirname(file), { recursive: true });
      // One line per checkpoint, appended: a line is never edited, only dropped by compaction.
      appendFileSync(file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o644 });
      return Promise.resolve();
    },
    list() {
      return Promise.resolve(refresh());
    },
    compact(keep) {
      const current = refresh();
      if (cache.malformed > 0) return Promise.resolve(0);
      const kept = keep(current);
      if (kept.length >= current.length) return Promise.resolve(0);
      // Written aside and renamed over: a reader sees the old file or the new one, never half of one.
      const next = `${file}.compacting`;
      writeFileSync(next, kept.map((c) => `${JSON.stringify(c)}\n`).join(''), { mode: 0o644 });
      renameSync(next, file);
      return Promise.resolve(current.length - kept.length);
    },
    close: () => Promise.resolve(),
  };
}

export function redisCheckpointStore(url: string, key: string): CheckpointStore {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 2000 });
  redis.on('error', () => {}); // surfaced through the calls that fail
  let cache = { length: -1, last: null as string | null, malformed: 0, sorted: [] as readonly Checkpoint[] };

  async function refresh(): Promise<readonly Checkpoint[]> {
    // The list only grows at its end (and shrinks by compaction): its length and last entry tell whether it changed.
    const [[, length], [, last]] = (await redis.multi().llen(key).lindex(key, -1).exec()) as [[null, number], [null, string | null]];
    if (length === cache.length && last === cache.last) return cache.sorted;
    const entries = await redis.lrange(key, 0, -1);
    const { checkpoints, malformed } = parseLines(entries);
    cache = { length: entries.length, last: entries.at(-1) ?? null, malformed, sorted: checkpoints.sort(bySeq) };
    return cache.sorted;
  }

  return {
    async publish(checkpoint) {
      await redis.rpush(key, JSON.stringify(checkpoint));
    },
    list: refresh,
    async compact(keep) {
      // Optimistic: if another replica pushes meanwhile, this compaction is skipped (the next one runs).
      await redis.watch(key);
      try {
        const entries = await redis.lrange(key, 0, -1);
        const { checkpoints, malformed } = parseLines(entries);
        const kept = keep(checkpoints.sort(bySeq));
        if (malformed > 0 || kept.length >= checkpoints.length) return 0;
        const done = await redis.multi().del(key).rpush(key, ...kept.map((c) => JSON.stringify(c))).exec();
        return done ? checkpoints.length - kept.length : 0;
      } finally {
        await redis.unwatch();
      }
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
  let cache: { parts: ReadonlyArray<readonly Checkpoint[]>; merged: readonly Checkpoint[] } | null = null;
  return {
    async publish(checkpoint) {
      const results = await Promise.allSettled(stores.map((s) => s.publish(checkpoint)));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      for (const f of failed) onError(f.reason);
      if (failed.length === stores.length) throw new Error('No place accepted the audit checkpoint.');
    },
    async list() {
      const lists = await Promise.allSettled(stores.map((s) => s.list()));
      const parts = lists.map((r) => (r.status === 'fulfilled' ? r.value : []));
      for (const r of lists) if (r.status === 'rejected') onError(r.reason);
      // Nothing changed in any place: the same merged list as last time.
      if (cache && parts.every((p, i) => p === cache!.parts[i])) return cache.merged;
      const bySig = new Map<string, Checkpoint>();
      for (const part of parts) for (const c of part) bySig.set(c.sig, c);
      cache = { parts, merged: [...bySig.values()].sort(bySeq) };
      return cache.merged;
    },
    async compact(keep) {
      const results = await Promise.allSettled(stores.map((s) => s.compact(keep)));
      let dropped = 0;
      for (const r of results) {
        if (r.status === 'rejected') onError(r.reason);
        else dropped += r.value;
      }
      return dropped;
    },
    async close() {
      await Promise.all(stores.map((s) => s.close()));
    },
  };
}
