// Idempotency-Key on every mutation: a retry with the same key and the same request gets the first
// result without running again; the same key with another request is refused (422), and a retry
// while the first is still running is told so (409). Keys belong to the caller and last 24 h.
import { GraphQLError, getOperationAST, print } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../graphql/context.js';
import type { Db } from '../db/client.js';
import { claimIdempotencyKey, IDEMPOTENCY_KEY, releaseIdempotencyKey, requestFingerprint, storeIdempotentResponse } from '../domain/idempotency.js';

const refusal = (message: string, code: string, status: number) => ({ errors: [new GraphQLError(message, { extensions: { code, http: { status } } })] });

function callerOf(ctx: GraphQLContext): string | null {
  if (ctx.actor.kind === 'SUPPLIER_APP') return `app:${ctx.actor.appId}`;
  if (ctx.actor.kind === 'PERSON') return `person:${ctx.actor.id}`;
  return null;
}

/** Nothing was written when no root field produced data (refused by a permission rule, or throttled). */
const changedNothing = (data: unknown) => !data || Object.values(data as Record<string, unknown>).every((v) => v === null);

export function idempotencyPlugin(db: Db): Plugin<GraphQLContext & { request: Request }> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue;
      const key = ctx.request.headers.get('idempotency-key');
      if (key === null || getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      const caller = callerOf(ctx);
      if (!caller) return; // anonymous mutations are refused by the permission map anyway
      if (!IDEMPOTENCY_KEY.test(key)) {
        setResultAndStopExecution(refusal('Idempotency-Key must be 1 to 255 visible ASCII characters.', 'BAD_IDEMPOTENCY_KEY', 400));
        return;
      }
      const fingerprint = requestFingerprint({ query: print(args.document), variables: args.variableValues, operationName: args.operationName });
      const claim = await claimIdempotencyKey(db, caller, key, fingerprint);
      if (claim.kind === 'REPLAY') {
        setResultAndStopExecution(claim.response as never);
        return;
      }
      if (claim.kind === 'REUSED') {
        setResultAndStopExecution(refusal('This Idempotency-Key was used for a different request.', 'IDEMPOTENCY_KEY_REUSED', 422));
        return;
      }
      if (claim.kind === 'IN_PROGRESS') {
        setResultAndStopExecution(refusal('A request with this Idempotency-Key is still being processed; retry shortly.', 'IDEMPOTENCY_KEY_IN_USE', 409));
        return;
      }
      return {
        async onExecuteDone({ result }) {
          if (!('data' in result) || changedNothing(result.data)) {
            await releaseIdempotencyKey(db, caller, key);
            return;
          }
          // Stored as the client saw it: errors reduced to their JSON form (message, path, extensions).
          await storeIdempotentResponse(db, caller, key, JSON.parse(JSON.stringify({ data: result.data, ...(result.errors ? { errors: result.errors } : {}) })));
        },
      };
    },
  };
}
