// Meters supplier apps by query cost: before execution each operation's requested cost is taken
// from the app's leaky bucket; a refusal answers without executing (429 THROTTLED, or
// MAX_COST_EXCEEDED when one query alone is larger than the bucket), and every metered response
// reports the cost and what remains in `extensions.cost`.
import { GraphQLError, type ExecutionResult } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin, type YogaLogger } from 'graphql-yoga';
import type { Actor } from '../domain/actors.js';
import type { BudgetStore, BudgetTake } from './leaky-bucket.js';
import { queryCost } from './query-cost.js';

export interface RateLimitOptions {
  store: BudgetStore;
  /** Points per app bucket (also the largest single query allowed). */
  capacity: number;
  restorePerSecond: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

export interface CostExtension {
  requestedQueryCost: number;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

function refusal(take: BudgetTake, cost: number, capacity: number, restorePerSecond: number): GraphQLError {
  if (cost > capacity) {
    return new GraphQLError(
      `Query cost ${cost} exceeds the maximum of ${capacity} points for a single query. Ask for fewer items (a smaller "first") or split the query.`,
      { extensions: { code: 'MAX_COST_EXCEEDED', http: { status: 400 } } },
    );
  }
  const retryAfter = take.retryAfterSeconds;
  return new GraphQLError(
    `Throttled: this query costs ${cost} points and ${Math.floor(take.currentlyAvailable)} of ${capacity} are available ` +
      `(restored at ${restorePerSecond} per second). Retry after ${retryAfter} s.`,
    { extensions: { code: 'THROTTLED', http: { status: 429, headers: { 'Retry-After': String(retryAfter) } } } },
  );
}

export function rateLimitPlugin({ store, capacity, restorePerSecond, now = Date.now }: RateLimitOptions): Plugin<{ actor?: Actor }> {
  let logger: YogaLogger | undefined;
  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    async onExecute({ args, setResultAndStopExecution }) {
      // Only supplier apps are metered: the budget is part of the supplier-app contract (what an
      // integration may ask of the platform and, through it, of the practices' clinical systems).
      // People act through the console at human speed and anonymous callers reach only public,
      // static data; both are already bounded by the armor limits on every request.
      const actor = args.contextValue.actor;
      if (actor?.kind !== 'SUPPLIER_APP') return;
      const cost = queryCost({ schema: args.schema, document: args.document, variables: args.variableValues, operationName: args.operationName });
      let take: BudgetTake;
      try {
        take = await store.take(actor.appId, cost, capacity, restorePerSecond, now());
      } catch (error) {
        // A budget store outage must not take the API down with it: serve unmetered and say so.
        logger?.warn(`rate limit: budget store unavailable, request served unmetered: ${(error as Error).message}`);
        return;
      }
      const extension: CostExtension = {
        requestedQueryCost: cost,
        throttleStatus: { maximumAvailable: capacity, currentlyAvailable: Math.floor(take.currentlyAvailable), restoreRate: restorePerSecond },
      };
      if (!take.allowed) {
        setResultAndStopExecution({ errors: [refusal(take, cost, capacity, restorePerSecond)], extensions: { cost: extension } });
        return;
      }
      return {
        onExecuteDone(payload) {
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            setResult({ ...(result as ExecutionResult), extensions: { ...result.extensions, cost: extension } });
          });
        },
      };
    },
  };
}
