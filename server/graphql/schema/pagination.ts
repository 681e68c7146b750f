// Relay connection arguments: forward and backward keyset pages, at most 100 items.
import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import type { PageRequest } from '../../domain/practices.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

interface ConnectionArgs {
  first?: number | null | undefined;
  last?: number | null | undefined;
  after?: string | null | undefined;
  before?: string | null | undefined;
}

const encode = (key: string) => Buffer.from(key, 'utf8').toString('base64url');
function decode(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!key || encode(key) !== cursor) throw new GraphQLError('Invalid cursor.', { extensions: { code: 'BAD_USER_INPUT' } });
  return key;
}

/** Resolves a connection over rows sorted by a unique text key. */
export function keysetConnection<T>(args: ConnectionArgs, keyOf: (item: T) => string, fetch: (page: PageRequest) => Promise<T[]>) {
  for (const name of ['first', 'last'] as const) {
    const n = args[name];
    if (n !== null && n !== undefined && (n < 0 || n > MAX_PAGE_SIZE)) {
      throw new GraphQLError(`"${name}" must be between 0 and ${MAX_PAGE_SIZE}.`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
  }
  return resolveCursorConnection(
    { args, toCursor: (item: T) => encode(keyOf(item)), defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE },
    ({ after, before, limit, inverted }: ResolveCursorConnectionArgs) =>
      fetch({ after: decode(after), before: decode(before), limit, inverted }),
  );
}
