// Cost budgets as leaky buckets: each key holds up to `capacity` points, restored continuously at
// `restorePerSecond`; a request takes its cost only when that many points are available, and a
// refusal takes nothing. Two stores with the same arithmetic: in memory (one process) and Redis
// (shared by every replica, one atomic script per take).
import { Redis } from 'ioredis';

export interface BudgetTake {
  allowed: boolean;
  /** Points left after this take (restored up to now, minus the cost when allowed). */
  currentlyAvailable: number;
  /** 0 when allowed; otherwise seconds until the cost is available (Infinity if it never can be). */
  retryAfterSeconds: number;
}

export interface BudgetStore {
  /** `now` in milliseconds since the epoch; injected so tests and replicas agree on one clock. */
  take(key: string, cost: number, capacity: number, restorePerSecond: number, now: number): Promise<BudgetTake>;
  close(): Promise<void>;
}

export interface BucketState {
  available: number;
  /** Milliseconds since the epoch at which `available` was last computed. */
  updatedAt: number;
}

/**
 * One take, as a pure function. A missing bucket is full. A clock that runs behind the last take
 * (another replica's) restores nothing and does not move the bucket back in time. The Redis script
 * below is this function, line for line.
 */
export function leak(state: BucketState | undefined, cost: number, capacity: number, restorePerSecond: number, now: number) {
  let available = state ? state.available : capacity;
  let updatedAt = state ? state.updatedAt : now;
  const elapsed = Math.max(0, now - updatedAt);
  available = Math.min(capacity, available + (elapsed * restorePerSecond) / 1000);
  updatedAt = Math.max(updatedAt, now);
  const allowed = cost <= available;
  if (allowed) available -= cost;
  return { allowed, state: { available, updatedAt } };
}

export function retryAfterSeconds(allowed: boolean, cost: number, available: number, capacity: number, restorePerSecond: number): number {
  if (allowed) return 0;
  if (cost > capacity) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.ceil((cost - available) / restorePerSecond));
}

/** Milliseconds until a bucket left with `available` points is full again (and so forgettable). */
function msUntilFull(available: number, capacity: number, restorePerSecond: number): number {
  return Math.ceil(((capacity - available) / restorePerSecond) * 1000);
}

interface MemoryBucket extends BucketState {
  capacity: number;
  restorePerSecond: number;
}

const SWEEP_EVERY_MS = 60_000;

/** Budgets in this process's memory. Buckets that have refilled are dropped at most once a minute. */
export function memoryBudgetStore(): BudgetStore & { readonly size: number } {
  const buckets = new Map<string, MemoryBucket>();
  let lastSweep = Number.NEGATIVE_INFINITY;
  const sweep = (now: number) => {
    lastSweep = now;
    for (const [key, bucket] of buckets) {
      if (now - bucket.updatedAt >= msUntilFull(bucket.available, bucket.capacity, bucket.restorePerSecond)) buckets.delete(key);
    }
  };
  return {
    get size() {
      return buckets.size;
    },
    take(key, cost, capacity, restorePerSecond, now) {
      if (now - lastSweep >= SWEEP_EVERY_MS) sweep(now);
      const { allowed, state } = leak(buckets.get(key), cost, capacity, restorePerSecond, now);
      buckets.set(key, { ...state, capacity, restorePerSecond });
      return Promise.resolve({
        allowed,
        currentlyAvailable: state.available,
        retryAfterSeconds: retryAfterSeconds(allowed, cost, state.available, capacity, restorePerSecond),
      });
    },
    close() {
      buckets.clear();
      return Promise.resolve();
    },
  };
}

export const REDIS_KEY_PREFIX = 'gpoi:budget:';

// KEYS[1] bucket; ARGV cost, capacity, restorePerSecond, now (ms). Numbers cross as %.17g strings so
// no precision is lost (Redis truncates Lua numbers in replies). The key expires once the bucket
// would be full again, which is indistinguishable from a bucket never used.
const TAKE_SCRIPT = `
local cost = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local stored = redis.call('HMGET', KEYS[1], 'available', 'updatedAt')
local available = capacity
local updatedAt = now
if stored[1] and stored[2] then
  available = tonumber(stored[1])
  updatedAt = tonumber(stored[2])
end
local elapsed = math.max(0, now - updatedAt)
available = math.min(capacity, available + (elapsed * rate) / 1000)
updatedAt = math.max(updatedAt, now)
local allowed = 0
if cost <= available then
  available = available - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'available', string.format('%.17g', available), 'updatedAt', string.format('%.17g', updatedAt))
redis.call('PEXPIRE', KEYS[1], math.ceil(((capacity - available) / rate) * 1000) + 1000)
return { allowed, string.format('%.17g', available) }
`;

interface TakeCommand {
  gpoiBudgetTake(key: string, cost: string, capacity: string, restorePerSecond: string, now: string): Promise<[number, string]>;
}

const exact = (n: number) => n.toPrecision(17);

/**
 * Budgets in Redis, shared by every replica. A take waits at most a second (queued while the
 * connection is being made), so a Redis outage surfaces as a rejected take, not a hung request.
 */
export function redisBudgetStore(url: string): BudgetStore {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 1000 });
  redis.on('error', () => {}); // reported through the takes that fail; ioredis reconnects on its own
  redis.defineCommand('gpoiBudgetTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  const command = redis as unknown as TakeCommand;
  return {
    async take(key, cost, capacity, restorePerSecond, now) {
      const [allowed, available] = await command.gpoiBudgetTake(
        REDIS_KEY_PREFIX + key,
        exact(cost),
        exact(capacity),
        exact(restorePerSecond),
        exact(now),
      );
      const currentlyAvailable = Number(available);
      return {
        allowed: allowed === 1,
        currentlyAvailable,
        retryAfterSeconds: retryAfterSeconds(allowed === 1, cost, currentlyAvailable, capacity, restorePerSecond),
      };
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
