// Where supplier-app budgets live: Redis when REDIS_URL is set (one budget across all replicas),
// otherwise this process's memory (one replica, or budgets per replica).
import type { Env } from '../env.js';
import { memoryBudgetStore, redisBudgetStore, type BudgetStore } from './leaky-bucket.js';

export function createRateLimitStore(env: Pick<Env, 'REDIS_URL'>): BudgetStore {
  return env.REDIS_URL ? redisBudgetStore(env.REDIS_URL) : memoryBudgetStore();
}
