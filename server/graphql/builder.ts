// The Pothos schema builder and its types; types and fields live in server/graphql/schema/.
import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import type { GraphQLContext } from './context.js';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: {
    /** FHIR-style date: YYYY, YYYY-MM or YYYY-MM-DD. */
    Date: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    /** Arbitrary JSON (e.g. a JWKS); validated by the domain function that receives it. */
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [RelayPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // No generic node lookup: every entry point carries its own permission rule.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

builder.queryType({});
builder.mutationType({});
