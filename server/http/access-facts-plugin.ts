// A mutation may change what supplier apps are allowed (revoke an app, disable it at a practice,
// suspend a pairing, revoke scopes). Its own process forgets the cached access facts before the
// response, so the caller's next request sees the change even before the database's notification
// (which tells every other process) has arrived.
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { AccessFacts } from '../auth/access-facts.js';

export function accessFactsPlugin(accessFacts: Pick<AccessFacts, 'clear'>): Plugin {
  return {
    onExecute({ args }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return undefined;
      return { onExecuteDone: () => accessFacts.clear() };
    },
  };
}
