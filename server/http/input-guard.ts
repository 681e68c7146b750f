// Refuses GraphQL requests carrying text the platform does not accept (see domain/input-text.ts)
// before anything resolves them: string literals of the document at validation, variables and
// extensions before execution. A refused execution is audited like any other decision (one event
// per root field asked for), so odd input cannot slip past the trail by failing early.
import { fieldOperation } from '../domain/audit/operations.js';
import { GraphQLError, Kind, getOperationAST, type ExecutionArgs, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { AccessLog } from '../graphql/access-log.js';
import type { Actor } from '../domain/actors.js';
import { describeInputProblem, hasUnsafeText, inputProblem } from '../domain/input-text.js';

export const invalidInput = (message: string) => new GraphQLError(message, { extensions: { code: 'INVALID_INPUT', http: { status: 400 } } });

const SafeStringLiterals: ValidationRule = (context) => ({
  [Kind.STRING](node) {
    if (hasUnsafeText(node.value)) context.reportError(invalidInput(describeInputProblem('UNSAFE_TEXT')));
  },
});

function rootFieldNames(args: ExecutionArgs): string[] {
  const operation = getOperationAST(args.document, args.operationName ?? undefined);
  const names = operation?.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])) ?? [];
  return names.length ? [...new Set(names)] : ['(operation)'];
}

export function inputGuardPlugin(): Plugin<{ accessLog?: AccessLog; actor?: Actor }> {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(SafeStringLiterals);
    },
    onExecute({ args, setExecuteFn }) {
      const extensions = (args.contextValue as { params?: { extensions?: unknown } }).params?.extensions ?? null;
      const problem = inputProblem({ variables: args.variableValues ?? null, extensions });
      if (!problem) return;
      const message = describeInputProblem(problem);
      // Callers without a token can reach no patient data and no governance action, and must not be
      // able to write audit rows for free; their refusals are bounded by their per-address budget.
      const audited = args.contextValue.actor?.kind !== 'ANONYMOUS';
      for (const field of audited ? rootFieldNames(args) : []) {
        args.contextValue.accessLog?.note({ operation: fieldOperation(field), practiceOds: null, nhsNumber: null, field, outcome: 'REFUSED', reason: `INVALID_INPUT: ${message}` });
      }
      // Replacing execution (rather than stopping it) lets the audit plugin's hooks still run.
      setExecuteFn(() => ({ errors: [invalidInput(message)] }));
    },
  };
}
