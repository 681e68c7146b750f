// Meters every caller by query cost: before execution each operation's requested cost is taken from
// the caller's leaky bucket (one per supplier app, one per person, one per client address for
// callers without a token); a refusal answers without executing (429 THROTTLED, or
// MAX_COST_EXCEEDED when one query alone is larger than the bucket), and every metered response
// reports the cost and what remains in `extensions.cost`.
import { GraphQLError, type ExecutionResult } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin, type YogaLogger } from 'graphql-yoga';
import { callerKey, type Actor } from '../domain/actors.js';
import type { Env } from '../env.js';
import { clientAddress } from '../http/client-address.js';
import type { BudgetStore, BudgetTake } from './leaky-bucket.js';
import { queryCost } from './query-cost.js';

export const MIN_REQUEST_COST = 1;
/** A token request, drawn from the address's budget before the assertion is read: a write (a used `jti`, an audit row) like a mutation. */
export const TOKEN_REQUEST_COST = 10;

export interface Budget {
  /** Points per bucket (also the largest single query allowed). */
  capacity: number;
  restorePerSecond: number;
}

/**
 * A plugin run's input query is held to an app's per-request ceiling; runs do not share a budget,
 * since how often they run is bounded by their triggers (schedule, events, a practice's manual run).
 */
export type MeteredKind = Exclude<Actor['kind'], 'PLUGIN_RUN'>;

export interface RateLimitOptions {
  store: BudgetStore;
  /** One budget per caller kind; people may be given more than apps, anonymous callers less. */
  budgets: Record<MeteredKind, Budget>;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

export interface CostExtension {
  requestedQueryCost: number;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

export function budgetsFrom(env: Env): Record<MeteredKind, Budget> {
  return {
    SUPPLIER_APP: { capacity: env.RATE_LIMIT_CAPACITY, restorePerSecond: env.RATE_LIMIT_RESTORE_PER_SECOND },
    PERSON: { capacity: env.PERSON_RATE_LIMIT_CAPACITY, restorePerSecond: env.PERSON_RATE_LIMIT_RESTORE_PER_SECOND },
    ANONYMOUS: { capacity: env.ANONYMOUS_RATE_LIMIT_CAPACITY, restorePerSecond: env.ANONYMOUS_RATE_LIMIT_RESTORE_PER_SECOND },
  };
}

/** The bucket a caller draws from. Anonymous callers share one per client address. */
export function budgetKey(actor: Actor, context: unknown): string {
  return callerKey(actor) ?? anonymousBudgetKey(clientAddress(context));
}

/** The one budget of a client address without a token: GraphQL requests and token requests both draw on it. */
export const anonymousBudgetKey = (address: string) => `anonymous:${address}`;

/**
 * Takes `cost` from a client address's budget for a request that is not GraphQL (the token endpoint):
 * 0 when allowed, else seconds to wait. A budget store outage lets the request through, as for GraphQL.
 */
export function anonymousMeter(store: BudgetStore, budget: Budget, now: () => number = Date.now) {
  return async (address: string, cost: number): Promise<number> => {
    try {
      const take = await store.take(anonymousBudgetKey(address), cost, budget.capacity, budget.restorePerSecond, now());
      return take.allowed ? 0 : take.retryAfterSeconds;
    } catch {
      return 0;
    }
  };
}

function refusal(take: BudgetTake, cost: number, { capacity, restorePerSecond }: Budget): GraphQLError {
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

export function rateLimitPlugin({ store, budgets, now = Date.now }: RateLimitOptions): Plugin<{ actor?: Actor }> {
  let logger: YogaLogger | undefined;
  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    async onExecute({ args, setResultAndStopExecution }) {
      // Every caller is metered: a person's token or no token at all reaches the same resolvers,
      // and a nested query costs the same database work whoever sends it.
      const actor = args.contextValue.actor;
      if (!actor) return;
      const budget = budgets[actor.kind === 'PLUGIN_RUN' ? 'SUPPLIER_APP' : actor.kind];
      // Every request costs at least a point, so a flood of free queries ({ __typename }) is metered too.
      const cost = Math.max(MIN_REQUEST_COST, queryCost({ schema: args.schema, document: args.document, variables: args.variableValues, operationName: args.operationName }));
      let take: BudgetTake;
      try {
        take = await store.take(budgetKey(actor, args.contextValue), cost, budget.capacity, budget.restorePerSecond, now());
      } catch (error) {
        // A budget store outage must not take the API down with it; the per-request ceiling still holds.
        logger?.warn(`rate limit: budget store unavailable, request served with the per-request ceiling only: ${(error as Error).message}`);
        take = { allowed: cost <= budget.capacity, currentlyAvailable: budget.capacity, retryAfterSeconds: Number.POSITIVE_INFINITY };
      }
      const extension: CostExtension = {
        requestedQueryCost: cost,
        throttleStatus: { maximumAvailable: budget.capacity, currentlyAvailable: Math.floor(take.currentlyAvailable), restoreRate: budget.restorePerSecond },
      };
      if (!take.allowed) {
        setResultAndStopExecution({ errors: [refusal(take, cost, budget)], extensions: { cost: extension } });
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
