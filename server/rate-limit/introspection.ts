// Introspection is the largest answer the API gives for the smallest question: one `__schema` is
// ~100 KB built on the event loop. It is allowed by policy (INTROSPECTION), at most once per
// request, and charged in the query cost like any other work (see query-cost.ts).
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Actor } from '../domain/actors.js';
import type { IntrospectionPolicy } from '../env.js';

export const MAX_SCHEMA_INTROSPECTIONS = 1;

/** Counted once per parsed document (the server reuses one per query text, and documents do not change). */
const counted = new WeakMap<DocumentNode, Readonly<{ schema: number; type: number }>>();

/** How many `__schema` and `__type` fields the document holds (every operation and fragment). */
export function countIntrospection(document: DocumentNode): Readonly<{ schema: number; type: number }> {
  let count = counted.get(document);
  if (!count) counted.set(document, (count = countFields(document)));
  return count;
}

function countFields(document: DocumentNode): { schema: number; type: number } {
  const count = { schema: 0, type: 0 };
  visit(document, {
    [Kind.FIELD](node) {
      if (node.name.value === '__schema') count.schema += 1;
      else if (node.name.value === '__type') count.type += 1;
    },
  });
  return count;
}

function allowedFor(policy: IntrospectionPolicy, actor: Actor | undefined): boolean {
  if (policy === 'on') return true;
  if (policy === 'off') return false;
  return actor !== undefined && actor.kind !== 'ANONYMOUS';
}

const refuse = (message: string, code: string, status: number) => new GraphQLError(message, { extensions: { code, http: { status } } });

export function introspectionPlugin(policy: IntrospectionPolicy): Plugin<{ actor?: Actor }> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const count = countIntrospection(args.document);
      if (count.schema === 0 && count.type === 0) return;
      if (!allowedFor(policy, args.contextValue.actor)) {
        const message =
          policy === 'off' ? 'Introspection is disabled on this server.' : 'Introspection needs a token: send "Authorization: Bearer <token>".';
        setResultAndStopExecution({ errors: [refuse(message, 'INTROSPECTION_DISABLED', 403)] });
        return;
      }
      if (count.schema > MAX_SCHEMA_INTROSPECTIONS) {
        setResultAndStopExecution({
          errors: [refuse(`At most ${MAX_SCHEMA_INTROSPECTIONS} __schema field per request; the schema does not change between them.`, 'TOO_MANY_INTROSPECTIONS', 400)],
        });
      }
    },
  };
}
