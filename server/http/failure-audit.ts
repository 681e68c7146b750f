// An action that fails unexpectedly (a database refusing odd input, a bug) is still a decision the
// audit trail must show: each root field whose resolver threw something other than a typed
// GraphQL error is noted as FAILED, before the access-audit plugin writes the request's events.
// Register it before accessAuditPlugin.
import { fieldOperation } from '../domain/audit/operations.js';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import type { AccessLog } from '../graphql/access-log.js';

function isUnexpected(error: GraphQLError): boolean {
  const original = error.originalError;
  return original !== undefined && original !== null && !(original instanceof GraphQLError);
}

export function failureAuditPlugin(): Plugin<{ accessLog?: AccessLog }> {
  return {
    onExecute() {
      return {
        onExecuteDone(payload) {
          const log = payload.args.contextValue.accessLog;
          if (!log) return;
          return handleStreamOrSingleExecutionResult(payload, ({ result }) => {
            for (const error of (result as ExecutionResult).errors ?? []) {
              const field = error.path?.[0];
              if (error.path?.length !== 1 || typeof field !== 'string' || !isUnexpected(error)) continue;
              log.note({ operation: fieldOperation(field), practiceOds: null, nhsNumber: null, field, outcome: 'FAILED', reason: 'The action failed unexpectedly; nothing was returned.' });
            }
          });
        },
      };
    },
  };
}
