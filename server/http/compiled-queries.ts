// Runs a query document seen before through graphql-jit: the document is compiled once into a
// function that resolves its selections directly, instead of the standard executor working out
// each field's arguments, info and path for every value (most of the API's CPU on a page of 100
// patients). The same resolvers run, so every permission check and every access note is made as
// before, and the audit plugin's onExecuteDone still sees the result before it leaves. One
// difference: once a non-null field has failed at once, the standard executor leaves the fields
// after it in that selection undecided, while a compiled query decides them all; the answer is the
// same (the failure nulls the selection), and those extra decisions are audited as made.
// What stays with the standard executor: mutations and subscriptions (their ordering and streams
// are its job), a document's first execution (a one-off document would cost a compilation and
// gain nothing; compiling on second sight bounds that cost to once per repeated document), variables
// that do not coerce (so their errors read exactly as before), documents with @skip or @include
// (graphql-jit keeps only the first condition of a fragment spread twice under different ones),
// and any document graphql-jit cannot compile.
import { BREAK, GraphQLError, getOperationAST, getVariableValues, visit, type DocumentNode, type ExecutionArgs, type ExecutionResult, type OperationDefinitionNode, type Source } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

interface Usable {
  query: CompiledQuery;
  operation: OperationDefinitionNode;
}
/** Per document (yoga's parse cache hands the same object back for the same text) and operation name. */
type Compiled = Map<string, Usable | 'seen' | 'standard'>;

/** Offsets in `source` of the positions graphql-jit gives as line and column. */
function positionsIn(source: Source, locations: ReadonlyArray<{ line: number; column: number }>): number[] {
  const lineStarts = [0];
  for (const match of source.body.matchAll(/\r\n|[\n\r]/g)) lineStarts.push(match.index + match[0].length);
  return locations.map(({ line, column }) => (lineStarts[line - 1] ?? 0) + column - 1);
}

function hasConditions(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value !== 'skip' && node.name.value !== 'include') return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/**
 * graphql-jit's errors carry their locations as plain values; graphql-yoga rebuilds every error it
 * sends from the source and positions, as the standard executor's errors have them, so they are
 * rebuilt here the way graphql-js locates a resolver's error, and keep their locations.
 */
function standardErrors(result: ExecutionResult, document: DocumentNode): ExecutionResult {
  const source = document.loc?.source;
  if (!result.errors?.length || !source) return result;
  const { errors: located, data, ...rest } = result;
  const errors = located!.map(
    (error) =>
      new GraphQLError(error.message, {
        source,
        positions: error.locations ? positionsIn(source, error.locations) : undefined,
        path: error.path,
        originalError: error.originalError,
      }),
  );
  // In the standard executor's order: errors first.
  return { errors, data, ...rest };
}

export function compiledQueriesPlugin(): Plugin {
  const byDocument = new WeakMap<DocumentNode, Compiled>();

  function compiledFor(args: ExecutionArgs): Usable | null {
    let entries = byDocument.get(args.document);
    if (!entries) byDocument.set(args.document, (entries = new Map()));
    const name = args.operationName ?? '';
    const entry = entries.get(name);
    if (entry === undefined) {
      entries.set(name, 'seen');
      return null;
    }
    if (entry === 'standard') return null;
    if (entry !== 'seen') return entry;
    const operation = getOperationAST(args.document, args.operationName ?? undefined);
    const compiled = operation?.operation === 'query' && !hasConditions(args.document) ? compileQuery(args.schema, args.document, args.operationName ?? undefined) : null;
    const usable = operation && compiled && isCompiledQuery(compiled) ? { query: compiled, operation } : null;
    entries.set(name, usable ?? 'standard');
    return usable;
  }

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const compiled = compiledFor(args);
      if (!compiled) return;
      const variables = getVariableValues(args.schema, compiled.operation.variableDefinitions ?? [], args.variableValues ?? {});
      if (variables.errors) return;
      const standard = executeFn;
      setExecuteFn((execution: ExecutionArgs) => {
        // Another plugin may have changed what is executed since: then it is the standard executor's.
        if (execution.document !== args.document || execution.schema !== args.schema) return standard(execution);
        const result = compiled.query.query(execution.rootValue, execution.contextValue, execution.variableValues) as ExecutionResult | Promise<ExecutionResult>;
        return result instanceof Promise ? result.then((r) => standardErrors(r, execution.document)) : standardErrors(result, execution.document);
      });
    },
  };
}
