// Writes each request's access decisions to the audit trail before its response is sent. If the
// audit write fails, the response carries no data: an unaudited read must not leave the server.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../context.js';
import type { AuditWriter } from '../domain/audit/writer.js';

export function accessAuditPlugin(writer: AuditWriter): Plugin<GraphQLContext> {
  return {
    onExecute() {
      return {
        async onExecuteDone({ args, setResult }) {
          const log = args.contextValue.accessLog;
          if (log.size === 0) return;
          try {
            await writer.record(log.events());
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
