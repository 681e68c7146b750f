// The permission map is applied without wrapping `allow` fields, so it must still refuse whatever
// it does not classify, and every field of the real schema must be classified on purpose.
import { buildSchema, graphql } from 'graphql';
import { allow, rule } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import { AccessLog } from '../server/graphql/access-log.js';
import { ANONYMOUS } from '../server/domain/actors.js';
import { enforcePermissions, unclassifiedFields } from '../server/graphql/permission-enforcement.js';
import { permissionMap, permissionOptions } from '../server/graphql/permissions.js';
import { baseSchema, schema } from '../server/graphql/schema.js';

const SDL = /* GraphQL */ `
  type Query { listed: String, unlisted: String, secret: Secret, refused: String, failing: String }
  type Secret { value: String }
`;
const rootValue = { listed: 'open', unlisted: 'leak', secret: { value: 'leak' }, refused: 'leak', failing: 'leak' };

function guardedSchema() {
  return enforcePermissions(buildSchema(SDL), {
    Query: {
      listed: allow,
      secret: allow,
      refused: rule({ cache: 'no_cache' })(() => false),
      failing: rule({ cache: 'no_cache' })(() => {
        throw new Error('rule failed');
      }),
    },
  }, permissionOptions);
}

const run = (source: string) => graphql({ schema: guardedSchema(), source, rootValue, contextValue: {} });

describe('permission enforcement', () => {
  it('classifies every field of the real schema in the permission map', () => {
    expect(unclassifiedFields(baseSchema, permissionMap, permissionOptions.fallbackRule)).toEqual([]);
  });

  it('answers a field the map allows', async () => {
    expect(await run('{ listed }')).toEqual({ data: { listed: 'open' } });
  });

  it('refuses a field the map leaves out, with FORBIDDEN and no data', async () => {
    const result = await run('{ listed unlisted }');
    expect(result.data).toEqual({ listed: 'open', unlisted: null });
    expect(result.errors?.map((e) => [e.message, e.extensions.code])).toEqual([['This field is not in the permission map.', 'FORBIDDEN']]);
  });

  it('refuses every field of a type the map leaves out, even under an allowed field', async () => {
    const result = await run('{ secret { value } }');
    expect(result.data).toEqual({ secret: { value: null } });
    expect(result.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('refuses when a rule says no or fails, without the field value', async () => {
    const result = await run('{ refused failing }');
    expect(result.data).toEqual({ refused: null, failing: null });
    expect(result.errors).toHaveLength(2);
  });

  it('decides alike whether a rule answers at once or later', async () => {
    const later = <T,>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 1));
    const schema = enforcePermissions(buildSchema(SDL), {
      Query: {
        listed: rule({ cache: 'no_cache' })(() => later(true)),
        secret: allow,
        refused: rule({ cache: 'no_cache' })(() => later(false)),
        failing: rule({ cache: 'no_cache' })(() => later('Not today.')),
        unlisted: rule({ cache: 'no_cache' })(() =>
          later(null).then(() => {
            throw new Error('rule failed');
          }),
        ),
      },
    }, permissionOptions);
    const result = await graphql({ schema, source: '{ listed refused failing unlisted }', rootValue, contextValue: {} });
    expect(result.data).toEqual({ listed: 'open', refused: null, failing: null, unlisted: null });
    expect(result.errors?.map((e) => e.message).sort()).toEqual(['Not Authorised!', 'Not Authorised!', 'Not today.']);
  });

  it('runs a rule cached per request once, however many fields it guards', async () => {
    let runs = 0;
    const once = rule({ cache: 'contextual' })(() => {
      runs += 1;
      return true;
    });
    const schema = enforcePermissions(buildSchema(SDL), { Query: { listed: once, unlisted: once, refused: once, failing: once, secret: allow } }, permissionOptions);
    const result = await graphql({ schema, source: '{ listed unlisted refused failing }', rootValue, contextValue: {} });
    expect(result).toEqual({ data: { listed: 'open', unlisted: 'leak', refused: 'leak', failing: 'leak' } });
    expect(runs).toBe(1);
  });

  it('refuses to start when the map names a field the schema lacks', () => {
    expect(() => enforcePermissions(buildSchema(SDL), { Query: { listd: allow } }, permissionOptions)).toThrow(/Query\.listd/);
  });

  it('checks the protected fields of the served schema', async () => {
    const result = await graphql({ schema, source: '{ suppliers(first: 1) { edges { node { id } } } }', contextValue: { actor: ANONYMOUS, accessLog: new AccessLog(ANONYMOUS, 'test') } });
    expect(result.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });
});
