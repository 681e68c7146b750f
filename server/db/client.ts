// One factory for both storage back ends. Nothing outside this file knows which one is in use.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Logger } from 'drizzle-orm/logger';
import { namingStatements } from './named-statements.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** Db or a transaction on it: domain functions accept either. */
export type DbOrTx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export interface DatabaseOptions {
  /** postgres:// URL; unset means embedded PGlite. */
  url?: string | undefined;
  /**
   * postgres:// URL of the role that owns the tables: when set, migrations run as it, `url`'s role is
   * granted only what serving needs (see serving-role.ts), and the server then connects as `url`.
   */
  migrationUrl?: string | undefined;
  /** PGlite data folder; 'memory://' keeps it in memory. */
  dataDir?: string;
  /** Called once per SQL statement (tests count statements with it). */
  onStatement?: (sql: string) => void;
  maxConnections?: number;
}

/** What a listener on a notification channel hears: notifications, and whether it can hear them. */
export interface ChannelHandlers {
  notified(payload: string): void;
  /** Listening (again): anything sent while not listening was missed. */
  listening(): void;
  /** Not listening until `listening` is called again. */
  lost(): void;
}

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
  ping(): Promise<void>;
  /** LISTEN on a channel (own connection on PostgreSQL, reconnected when lost). */
  listen(channel: string, handlers: ChannelHandlers): Promise<Listener>;
}

export interface Listener {
  /**
   * Resolves once every notification committed before this call has been handed to `notified`: a
   * round trip on the listening connection, which the server answers only after delivering the
   * notifications already signalled to it. Concurrent callers share one round trip. With `since`
   * (a `performance.now()` time), a round trip already completed that was sent at or after it
   * suffices: everything committed before `since` has then arrived.
   */
  caughtUp(since?: number): Promise<void>;
  stop(): Promise<void>;
}

const CHANNEL = /^[a-z_]+$/;
const RELISTEN_MS = 500;

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
    const db = drizzle(namingStatements(client), { schema, logger }) as unknown as Db;
    if (options.migrationUrl) {
      const owner = postgres(options.migrationUrl, { max: 1, onnotice: () => {}, connection: { application_name: 'gp-open-integration-migrate' } });
      try {
        await migrate(drizzle(owner), { migrationsFolder: MIGRATIONS });
        const { grantServingRole, roleOfUrl } = await import('./serving-role.js');
        await grantServingRole(owner, roleOfUrl(options.url));
      } catch (error) {
        await client.end({ timeout: 1 });
        throw error;
      } finally {
        await owner.end({ timeout: 5 });
      }
    } else {
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
    }
    const url = options.url;
    return {
      db,
      kind: 'postgres',
      close: () => client.end({ timeout: 5 }),
      ping: async () => void (await client`select 1`),
      async listen(channel, handlers) {
        if (!CHANNEL.test(channel)) throw new Error(`unexpected channel name ${channel}`);
        let stopped = false;
        // `onnotify` is the driver's own hook for notifications (its typings leave it out).
        const listenerOptions: Parameters<typeof postgres>[1] & { onnotify(name: string, payload: string): void } = {
          max: 1,
          idle_timeout: 0,
          max_lifetime: null,
          onnotice: () => {},
          onnotify: (name, payload) => void (name === channel && handlers.notified(payload)),
          onclose: () => {
            handlers.lost();
            if (!stopped) setTimeout(() => void connect(), RELISTEN_MS).unref();
          },
          connection: { application_name: 'gp-open-integration-listener' },
        };
        const listener = postgres(url, listenerOptions);
        async function connect(): Promise<void> {
          try {
            await listener.unsafe(`listen ${channel}`);
            handlers.listening();
          } catch {
            handlers.lost(); // onclose retries
          }
        }
        await connect();
        // Callers that arrive while no round trip is waiting to be sent join the next one.
        let next: Promise<void> | null = null;
        /** When the latest completed round trip was sent (-Infinity: none yet). */
        let caughtUpFrom = -Infinity;
        return {
          caughtUp(since) {
            if (since !== undefined && caughtUpFrom >= since) return Promise.resolve();
            next ??= new Promise<void>((resolve) => process.nextTick(resolve)).then(() => {
              next = null;
              const sent = performance.now();
              return listener.unsafe('select 1').then(() => void (caughtUpFrom = Math.max(caughtUpFrom, sent)));
            });
            return next;
          },
          async stop() {
            stopped = true;
            await listener.end({ timeout: 1 });
          },
        };
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
    async listen(channel, handlers) {
      // One process owns the embedded database: the notification arrives with the writing query.
      const stop = await client.listen(channel, (payload) => handlers.notified(payload));
      handlers.listening();
      return {
        caughtUp: async () => {}, // delivered with the query that caused them
        stop: async () => {
          if (!client.closed) await stop();
        },
      };
    },
  };
}
