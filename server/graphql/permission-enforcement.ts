// Applies the permission map (server/graphql/permissions.ts) to the schema. graphql-shield's own applier
// wraps EVERY field in an async middleware, so a response of N values costs N extra promises and
// checks even where the rule is `allow`; on a page of 100 patients that was most of the API's CPU.
// This applier reads the same map with the same semantics (graphql-shield rules, deny by default,
// the same handling of rule results and errors) but wraps only fields whose rule is not `allow`.
// A field the map does not classify falls to the fallback rule and is still wrapped (refused);
// `unclassifiedFields` lists such fields so a test can insist there are none.
import { defaultFieldResolver, isIntrospectionType, isObjectType, type GraphQLFieldConfig, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { allow, rule, type IRule } from 'graphql-shield';

/** A graphql-shield rule or logic rule (and, or, ...): anything with `resolve`. */
export type ShieldRule = Pick<IRule, 'resolve'>;
type ShieldOptions = Parameters<IRule['resolve']>[4];
export type RuleMap = Record<string, ShieldRule | Record<string, ShieldRule>>;

export interface EnforcementOptions {
  fallbackRule: ShieldRule;
  /** As graphql-shield: return a rule's thrown error to the client (true) or the fallback error. */
  allowExternalErrors: boolean;
}

const isRuleObject = (value: unknown): value is ShieldRule => typeof (value as ShieldRule | undefined)?.resolve === 'function';

/** The rule that governs Type.field, and whether the map named it (or only the fallback applies). */
function ruleFor(map: RuleMap, typeName: string, fieldName: string, fallback: ShieldRule): { rule: ShieldRule; classified: boolean } {
  const entry = map[typeName];
  if (entry === undefined) return { rule: fallback, classified: false };
  if (isRuleObject(entry)) return { rule: entry, classified: true };
  const own = entry[fieldName] ?? entry['*'];
  return own ? { rule: own, classified: true } : { rule: fallback, classified: false };
}

/** Every object field of the schema with the rule the map gives it. */
function* fieldsWithRules(schema: GraphQLSchema, map: RuleMap, fallback: ShieldRule) {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      yield { type, field, ...ruleFor(map, type.name, field.name, fallback) };
    }
  }
}

/** Names in the map that the schema does not have: a typo there would silently protect nothing. */
function unknownNames(schema: GraphQLSchema, map: RuleMap): string[] {
  const unknown: string[] = [];
  for (const [typeName, entry] of Object.entries(map)) {
    const type = schema.getType(typeName);
    if (!type || !isObjectType(type)) {
      unknown.push(typeName);
      continue;
    }
    if (isRuleObject(entry)) continue;
    const fields = type.getFields();
    for (const fieldName of Object.keys(entry)) if (fieldName !== '*' && !fields[fieldName]) unknown.push(`${typeName}.${fieldName}`);
  }
  return unknown;
}

/** Fields no entry of the map classifies (they are refused at run time by the fallback rule). */
export function unclassifiedFields(schema: GraphQLSchema, map: RuleMap, fallbackRule: ShieldRule): string[] {
  return [...fieldsWithRules(schema, map, fallbackRule)].filter((f) => !f.classified).map((f) => `${f.type.name}.${f.field.name}`);
}

/** graphql-shield's own Rule.resolve: a rule built by `rule()` that no subclass has changed. */
const PLAIN_RULE_RESOLVE = (Object.getPrototypeOf(rule()(() => true)) as ShieldRule).resolve;
type PlainRule = ShieldRule & { name: string; cache: unknown; func: (...args: unknown[]) => unknown };
type ShieldContext = { _shield?: { cache: Record<string, unknown> } };

// Hot paths below are called for every checked field: no closures are made per call.
function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** What Rule.resolve makes of a rule function's result. */
function ruleResult(result: unknown): unknown {
  return result instanceof Error ? result : typeof result === 'string' ? new Error(result) : result === true;
}

/** What Rule.resolve makes of a rule function that throws or rejects. */
function ruleFailure(error: unknown, options: ShieldOptions): false {
  if (options.debug) throw error;
  return false;
}

/**
 * An uncached or per-request (`contextual`) rule's function, called directly. graphql-shield's
 * Rule.resolve is `async`, so every checked field would cost a promise even when the rule decided
 * at once; this keeps a decision made synchronously synchronous, with Rule.resolve's caching and
 * its handling of what the function returns or throws.
 */
function callPlainRule(rule: PlainRule, parent: unknown, args: unknown, ctx: ShieldContext, info: unknown, options: ShieldOptions): unknown {
  let result: unknown;
  try {
    if (rule.cache === 'contextual') {
      const cache = (ctx._shield ??= { cache: {} }).cache;
      if (!cache[rule.name]) cache[rule.name] = rule.func(parent, args, ctx, info);
      result = cache[rule.name];
    } else {
      result = rule.func(parent, args, ctx, info);
    }
  } catch (error) {
    return ruleFailure(error, options);
  }
  return isPromiseLike(result) ? Promise.resolve(result).then(ruleResult, (error: unknown) => ruleFailure(error, options)) : ruleResult(result);
}

function guarded<TSource, TContext extends object>(
  rule: ShieldRule,
  resolve: GraphQLFieldResolver<TSource, TContext>,
  options: ShieldOptions,
): GraphQLFieldResolver<TSource, TContext> {
  const fallbackError = options.fallbackError as Error;
  const cache = (rule as PlainRule).cache;
  const plain = rule.resolve === PLAIN_RULE_RESOLVE && (cache === 'no_cache' || cache === 'contextual') ? (rule as PlainRule) : null;
  return (parent, args, ctx, info) => {
    let result: unknown;
    if (plain) {
      try {
        result = callPlainRule(plain, parent, args, ctx as ShieldContext, info, options);
      } catch (error) {
        return options.allowExternalErrors ? error : fallbackError;
      }
      if (!isPromiseLike(result)) return result === true ? resolve(parent, args, ctx, info) : result === false ? fallbackError : result;
    } else {
      // graphql-shield's per-request cache for rules declared `contextual` or `strict`.
      const shieldCtx = ctx as TContext & { _shield?: { cache: Record<string, unknown> } };
      shieldCtx._shield ??= { cache: {} };
      result = rule.resolve(parent as object, args as object, shieldCtx as never, info, options);
    }
    return Promise.resolve(result).then(
      (decided) => (decided === true ? resolve(parent, args, ctx, info) : decided === false ? fallbackError : decided),
      (error: unknown) => (options.allowExternalErrors ? error : fallbackError),
    );
  };
}

/**
 * Applies the map to the schema in place and returns it. Fields whose rule is graphql-shield's
 * `allow` keep their own resolver (most are plain property reads); every other field, including
 * any the map leaves out, is checked before it resolves.
 */
export function enforcePermissions(schema: GraphQLSchema, map: RuleMap, options: EnforcementOptions): GraphQLSchema {
  const unknown = unknownNames(schema, map);
  if (unknown.length > 0) throw new Error(`The permission map names what the schema does not have: ${unknown.join(', ')}.`);
  const shieldOptions = {
    debug: false,
    allowExternalErrors: options.allowExternalErrors,
    fallbackRule: options.fallbackRule,
    fallbackError: new Error('Not Authorised!'),
    hashFunction: ({ parent, args }: { parent: unknown; args: unknown }) => JSON.stringify([parent, args]),
  } as ShieldOptions;
  for (const { field, rule } of fieldsWithRules(schema, map, options.fallbackRule)) {
    if (rule === allow) continue;
    const config = field as unknown as GraphQLFieldConfig<unknown, object>;
    config.resolve = guarded(rule, field.resolve ?? defaultFieldResolver, shieldOptions);
    // A subscription is refused before its stream starts, not only per event.
    if (field.subscribe) config.subscribe = guarded(rule, field.subscribe, shieldOptions);
  }
  return schema;
}
