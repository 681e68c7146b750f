// Throttles unauthenticated GraphQL requests per client address before they execute, so a flood
// from one address neither runs resolvers nor costs audit rows.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Actor } from '../domain/actors.js';
import { clientAddress, type AnonymousCallers } from './anonymous-callers.js';

export function anonymousThrottlePlugin(anonymous: AnonymousCallers): Plugin<{ actor?: Actor }> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      if (args.contextValue.actor?.kind !== 'ANONYMOUS') return;
      const retryAfter = await anonymous.throttle(clientAddress(args.contextValue));
      if (retryAfter === 0) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(`Too many unauthenticated requests from this address. Retry after ${retryAfter} s, or authenticate.`, {
            extensions: { code: 'THROTTLED', http: { status: 429, headers: { 'Retry-After': String(retryAfter) } } },
          }),
        ],
      });
    },
  };
}
