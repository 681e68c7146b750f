// Raw SQL run as a prepared statement. drizzle runs `db.execute` unprepared, and the postgres driver
// then asks the server to describe an unprepared statement's parameters before running it: two
// round trips for every statement with parameters. Prepared, the description is kept per connection
// and each run is one round trip (and the server plans it once).
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client.js';

const dialect = new PgDialect();

export interface PreparedSql<Values extends Record<string, unknown>> {
  /** The rows, as `db.execute` gives them on this back end. */
  execute(values: Values): Promise<unknown>;
}

/** The rows of a statement's result on either back end: postgres gives an array, PGlite `{ rows }`. */
export async function rowsOf<Row>(result: Promise<unknown>): Promise<Row[]> {
  const settled = await result;
  return Array.isArray(settled) ? (settled as Row[]) : (settled as { rows: Row[] }).rows;
}

/** `make`, called once per database (or transaction) and remembered: for prepared statements. */
export function perDatabase<T>(make: (db: DbOrTx) => T): (db: DbOrTx) => T {
  const byDb = new WeakMap<DbOrTx, T>();
  return (db) => {
    let made = byDb.get(db);
    if (made === undefined) byDb.set(db, (made = make(db)));
    return made;
  };
}

/** `query` takes its values from `sql.placeholder(name)`; the statement is built once per database. */
export function preparedSql<Values extends Record<string, unknown>>(name: string, query: SQL): (db: DbOrTx) => PreparedSql<Values> {
  const built = dialect.sqlToQuery(query);
  return perDatabase((db) => db._.session.prepareQuery(built, undefined, name, false) as unknown as PreparedSql<Values>);
}
