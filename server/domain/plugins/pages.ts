// Keyset pages over the plugin lists (Relay connections in the API): runs and versions newest first
// by their sortable ids, a practice's plugins by name.
import { asc, desc, gt, lt, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { PageRequest } from '../practices.js';

export interface Keyset {
  where: SQL[];
  order: SQL;
  limit: number;
}

/** Newest first by a sortable id: "after" a cursor means older. */
export function newestFirst(column: AnyPgColumn, page: PageRequest): Keyset {
  const where: SQL[] = [];
  if (page.after !== undefined) where.push(lt(column, page.after));
  if (page.before !== undefined) where.push(gt(column, page.before));
  return { where, order: page.inverted ? asc(column) : desc(column), limit: page.limit };
}

/** Ascending by a unique text key (e.g. a plugin's name at one practice). */
export function ascending(column: AnyPgColumn, page: PageRequest): Keyset {
  const where: SQL[] = [];
  if (page.after !== undefined) where.push(gt(column, page.after));
  if (page.before !== undefined) where.push(lt(column, page.before));
  return { where, order: page.inverted ? desc(column) : asc(column), limit: page.limit };
}
