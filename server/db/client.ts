// One factory for both storage back ends. Nothing outside this file knows which one is in use.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Logger } from 'drizzle-orm/logger';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** Db or a transaction on it: domain functions accept either. */
export type DbOrTx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export interface DatabaseOptions {
  /** postgres:// URL; unset means embedded PGlite. */
  url?: string | undefined;
  /** PGlite data folder; 'memory://' keeps it in memory. */
  dataDir?: string;
  /** Called once per SQL statement (tests count statements with it). */
  onStatement?: (sql: string) => void;
  maxConnections?: number;
}

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
  ping(): Promise<void>;
  /** LISTEN on a channel (both back ends offer it); resolves to the matching UNLISTEN. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
}

const MIGRATIONS = fileURLToPath(new URL('../../drizzle', import.meta.url));

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const logger: Logger | undefined = options.onStatement
    ? { logQuery: (sql) => options.onStatement?.(sql) }
    : undefined;
  if (options.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const client = postgres(options.url, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      connection: { application_name: 'gp-open-integration' },
    });
    const db = drizzle(client, { schema, logger }) as unknown as Db;
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
    return {
      db,
      kind: 'postgres',
      close: () => client.end({ timeout: 5 }),
      ping: async () => void (await client`select 1`),
      listen: async (channel, onNotify) => {
        const { unlisten } = await client.listen(channel, () => onNotify());
        return unlisten;
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const dataDir = options.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzle(client, { schema, logger }) as unknown as Db;
  await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
  return {
    db,
    kind: 'pglite',
    close: () => client.close(),
    ping: async () => void (await client.query('select 1')),
    listen: async (channel, onNotify) => client.listen(channel, () => onNotify()),
  };
}
