// Requested cost of an operation, computed from the document before anything executes, in the
// spirit of Shopify's calculated query cost. The rules, applied per field after fragments and
// @skip/@include are resolved:
//
//   scalar or enum field (including __typename)     0
//   object, interface or union field                1 + cost of its selections
//   list of objects that is not a connection        1 + cost of its selections, once: such lists
//                                                   (systems, capabilities, a record's items) are
//                                                   sized by the data, not by the caller, and the
//                                                   budget meters what the caller asks to fan out
//   connection (object type named `…Connection`)    2 + n × (cost of one item) + cost of the rest,
//     n = `first` or `last` (the larger when both; default 20, at most 100, as the API serves);
//     one item = what is selected under `edges` (the edge itself is free, `node` costs 1 + its
//     selections) or under `nodes`; the rest (e.g. `pageInfo`) is charged once
//   interface or union                              the most expensive of its possible types
//   top-level mutation field                        10 + cost of its selections (writes)
//   __schema                                        a flat 100: the whole schema, ~100 KB of
//                                                   answer whatever is selected under it
//   __type                                          a flat 5
//
// Fields selected more than once under the same response key merge as they do at execution, so a
// fragment repeated in several places is charged once per place it actually resolves.
import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isAbstractType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** Mirrors DEFAULT_PAGE_SIZE and MAX_PAGE_SIZE in server/graphql/schema/pagination.ts (a test keeps them equal). */
export const COST_DEFAULT_PAGE_SIZE = 20;
export const COST_MAX_PAGE_SIZE = 100;
export const CONNECTION_COST = 2;
export const MUTATION_FIELD_COST = 10;
/** `__type(name:)`: one type's description. */
export const INTROSPECTION_COST = 5;
/** `__schema`: priced as what a full introspection answer costs to build and send. */
export const SCHEMA_INTROSPECTION_COST = 100;

const introspectionCost = (name: string) => (name === '__schema' ? SCHEMA_INTROSPECTION_COST : INTROSPECTION_COST);

export interface QueryCostInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  /** Raw request variables; they are coerced against the operation's definitions. */
  variables?: Record<string, unknown> | null | undefined;
  operationName?: string | null | undefined;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** Costs worked out for one operation of one document, by the values of the variables the walk read. */
interface KnownCost {
  /** The variables the walk read (in @skip/@include, `first`, `last`); no others can change the cost. */
  read: readonly string[];
  key: string;
  cost: number;
}
/** Different values of those variables kept per operation (e.g. page sizes); beyond it, the oldest goes. */
const KNOWN_COSTS_PER_OPERATION = 8;
/** Per schema and parsed document (the server reuses one parsed document per query text). */
const knownCosts = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, KnownCost[]>>>();

const ABSENT = '\u0000absent';
const keyOf = (variables: Record<string, unknown>, read: readonly string[]) =>
  JSON.stringify(read.map((name) => (Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : ABSENT)));

/** The variables, recording which of them are looked at (null once they are enumerated: then any may matter). */
function recordingReads(variables: Record<string, unknown>): { variables: Record<string, unknown>; read(): string[] | null } {
  const read = new Set<string>();
  let all = false;
  const note = (name: string | symbol) => void (typeof name === 'string' ? read.add(name) : (all = true));
  const proxy = new Proxy(variables, {
    get: (target, name) => (note(name), Reflect.get(target, name)),
    has: (target, name) => (note(name), Reflect.has(target, name)),
    getOwnPropertyDescriptor: (target, name) => (note(name), Reflect.getOwnPropertyDescriptor(target, name)),
    ownKeys: (target) => ((all = true), Reflect.ownKeys(target)),
  });
  return { variables: proxy, read: () => (all ? null : [...read].sort()) };
}

/**
 * The requested cost of the chosen operation, or 0 when the document names no single operation
 * (execution then refuses it anyway). The walk over the document is done once per document,
 * operation and values of the variables it reads; later requests reuse its answer.
 */
export function queryCost({ schema, document, variables, operationName }: QueryCostInput): number {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return 0;
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return 0;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  // Invalid variables fail execution; costing with defaults meanwhile is harmless.
  const values = coerced.coerced ?? {};
  let byDocument = knownCosts.get(schema);
  if (!byDocument) knownCosts.set(schema, (byDocument = new WeakMap()));
  let byOperation = byDocument.get(document);
  if (!byOperation) byDocument.set(document, (byOperation = new Map()));
  const operationKey = `${coerced.coerced ? '' : '!'}${operationName ?? ''}`;
  const known = byOperation.get(operationKey) ?? [];
  for (const entry of known) if (entry.key === keyOf(values, entry.read)) return entry.cost;
  const reads = recordingReads(values);
  const cost = walkCost(schema, document, operation, rootType, reads.variables);
  const read = reads.read();
  if (read) byOperation.set(operationKey, [{ read, key: keyOf(values, read), cost }, ...known].slice(0, KNOWN_COSTS_PER_OPERATION));
  return cost;
}

function walkCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, rootType: GraphQLObjectType, variables: Record<string, unknown>): number {
  const walk: Walk = {
    schema,
    fragments: new Map(document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d])),
    variables,
  };
  const perRootField = operation.operation === 'mutation' ? MUTATION_FIELD_COST : 0;
  let total = 0;
  for (const [, nodes] of collectFields(walk, rootType, [operation.selectionSet])) {
    const fieldName = nodes[0]!.name.value;
    if (fieldName === '__schema' || fieldName === '__type') total += introspectionCost(fieldName);
    else total += perRootField + fieldCost(walk, rootType, nodes);
  }
  return total;
}

function fieldCost(walk: Walk, parent: GraphQLObjectType, nodes: FieldNode[]): number {
  const first = nodes[0]!;
  const name = first.name.value;
  if (name === '__schema' || name === '__type') return introspectionCost(name);
  const definition = parent.getFields()[name];
  if (!definition) return 0; // __typename, or a field validation would have refused
  const type = getNamedType(definition.type);
  if (!isObjectType(type) && !isAbstractType(type)) return 0;
  const selections = subSelections(nodes);
  if (isObjectType(type) && type.name.endsWith('Connection')) return connectionCost(walk, type, selections, pageSize(walk, first));
  return 1 + selectionCost(walk, type, selections);
}

function connectionCost(walk: Walk, connection: GraphQLObjectType, selections: SelectionSetNode[], n: number): number {
  let perItem = 0;
  let once = 0;
  for (const [name, nodes] of collectFields(walk, connection, selections)) {
    const definition = connection.getFields()[name];
    const itemType = definition ? getNamedType(definition.type) : undefined;
    if (name === 'edges' && itemType && isObjectType(itemType)) perItem += selectionCost(walk, itemType, subSelections(nodes));
    else if (name === 'nodes' && itemType && (isObjectType(itemType) || isAbstractType(itemType))) perItem += fieldCost(walk, connection, nodes);
    else once += fieldCost(walk, connection, nodes);
  }
  return CONNECTION_COST + n * perItem + once;
}

/** Cost of selections on a composite type: for an interface or union, its most expensive member. */
function selectionCost(walk: Walk, type: GraphQLCompositeType, selections: SelectionSetNode[]): number {
  if (isObjectType(type)) {
    let sum = 0;
    for (const [, nodes] of collectFields(walk, type, selections)) sum += fieldCost(walk, type, nodes);
    return sum;
  }
  let max = 0;
  for (const possible of walk.schema.getPossibleTypes(type)) max = Math.max(max, selectionCost(walk, possible, selections));
  return max;
}

/** Fields that execute for an object of `type`, grouped by response key (as graphql-js collects them). */
function collectFields(walk: Walk, type: GraphQLObjectType, selectionSets: SelectionSetNode[]): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const visit = (selectionSet: SelectionSetNode, inFragments: ReadonlySet<string>) => {
    for (const selection of selectionSet.selections) {
      if (!included(walk, selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        fields.set(key, [...(fields.get(key) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(walk, selection.typeCondition?.name.value, type)) visit(selection.selectionSet, inFragments);
      } else {
        const name = selection.name.value;
        const fragment = walk.fragments.get(name);
        if (!fragment || inFragments.has(name) || !applies(walk, fragment.typeCondition.name.value, type)) continue;
        visit(fragment.selectionSet, new Set([...inFragments, name]));
      }
    }
  };
  for (const selectionSet of selectionSets) visit(selectionSet, new Set());
  return fields;
}

function applies(walk: Walk, condition: string | undefined, type: GraphQLObjectType): boolean {
  if (condition === undefined || condition === type.name) return true;
  const conditionType = walk.schema.getType(condition);
  return conditionType !== undefined && isAbstractType(conditionType) && walk.schema.isSubType(conditionType, type);
}

function included(walk: Walk, node: Parameters<typeof getDirectiveValues>[1]): boolean {
  try {
    if (getDirectiveValues(GraphQLSkipDirective, node, walk.variables)?.['if'] === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, walk.variables)?.['if'] !== false;
  } catch {
    return true; // a bad directive argument fails execution; charge as if included
  }
}

function subSelections(nodes: FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
}

function pageSize(walk: Walk, field: FieldNode): number {
  const sizes = ['first', 'last'].map((name) => intArgument(walk, field.arguments?.find((a) => a.name.value === name)?.value));
  const given = sizes.filter((n): n is number => n !== null);
  const n = given.length ? Math.max(...given) : COST_DEFAULT_PAGE_SIZE;
  return Math.min(Math.max(n, 0), COST_MAX_PAGE_SIZE);
}

function intArgument(walk: Walk, value: ValueNode | undefined): number | null {
  if (!value) return null;
  if (value.kind === Kind.INT) return Number.parseInt(value.value, 10);
  if (value.kind === Kind.VARIABLE) {
    const given = walk.variables[value.name.value];
    return typeof given === 'number' && Number.isFinite(given) ? given : null;
  }
  return null;
}
