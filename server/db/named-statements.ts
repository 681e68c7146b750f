// drizzle runs every query as an unnamed statement, and for an unnamed statement with parameters
// the postgres driver first asks the server to describe it, then waits for the answer before
// binding and executing it: two round trips per statement. A write of ten statements pays twenty.
// Named, the driver keeps each statement's description per connection, so after its first use on
// a connection a statement costs one round trip (and the server plans it once). This wraps the
// driver's client so that every statement with parameters is named, in transactions too.
// Statements without parameters are sent in one round trip either way and stay unnamed.
import type { Sql, TransactionSql } from 'postgres';

/**
 * Statements with more parameters than this stay unnamed: they are bulk inserts whose text varies
 * with the row count (seeding, a large audit batch), and naming each shape would only fill the
 * connection's statement cache with statements run once.
 */
export const MAX_NAMED_PARAMETERS = 100;

type AnySql = Sql | TransactionSql;
type UnsafeOptions = { prepare?: boolean } | undefined;

/** `client`, with statements that have parameters named (see above), and so its transactions. */
export function namingStatements<T extends AnySql>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'unsafe') {
        return (query: string, parameters?: unknown[], options?: UnsafeOptions) => {
          const count = parameters?.length ?? 0;
          const prepare = count > 0 && count <= MAX_NAMED_PARAMETERS ? true : (options?.prepare ?? false);
          return target.unsafe(query, parameters as never, { ...options, prepare });
        };
      }
      if (property === 'begin' || property === 'savepoint') {
        // The transaction's own client is made by the driver: wrap it for the callback too.
        return (...args: unknown[]) => {
          const callback = args.pop() as (tx: TransactionSql) => unknown;
          return (value as (...a: unknown[]) => unknown).call(target, ...args, (tx: TransactionSql) => callback(namingStatements(tx)));
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  }) as T;
}
