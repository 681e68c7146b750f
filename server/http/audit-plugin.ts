// Writes each request's access decisions to the audit trail before its response is sent. If the
// audit write fails, the response carries no data: an unaudited read must not leave the server.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../graphql/context.js';
import type { AuditWriter } from '../domain/audit/writer.js';
import type { AnonymousCallers } from './anonymous-callers.js';
import { clientAddress } from './client-address.js';

export function accessAuditPlugin(writer: AuditWriter, anonymous?: AnonymousCallers): Plugin<GraphQLContext> {
  return {
    onExecute() {
      return {
        async onExecuteDone({ args, setResult }) {
          const log = args.contextValue.accessLog;
          if (log.size === 0) return;
          try {
            const context = args.contextValue;
            // Unauthenticated callers' refusals are rate-bounded per address (the rest are counted in a summary row).
            if (anonymous && context.actor.kind === 'ANONYMOUS') await anonymous.recordRefusal(clientAddress(context), log.events());
            else await writer.record(log.events());
          } catch {
            setResult({
              errors: [
                new GraphQLError('The audit trail could not be written, so the request was not completed.', {
                  extensions: { code: 'AUDIT_UNAVAILABLE', http: { status: 503 } },
                }),
              ],
            });
          }
        },
      };
    },
  };
}
