// Every integration test runs on both storage back ends: embedded PGlite and a real PostgreSQL.
// Each test file gets its own fresh PostgreSQL database, dropped afterwards.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { describe, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/client.js';
import { loadEnv } from '../../server/env.js';

export type Backend = 'pglite' | 'postgres';

const env = loadEnv();
let postgresReachable: Promise<boolean> | null = null;
/** The skipped suite is registered once per test file (each file has its own module instance). */
let skipReported = false;

async function checkPostgres(): Promise<boolean> {
  if (env.TEST_SKIP_POSTGRES) return false;
  const sql = postgres(env.TEST_DATABASE_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch (error) {
    console.warn(`!!! PostgreSQL at ${env.TEST_DATABASE_URL} is not reachable (${(error as Error).message}): the PostgreSQL half is SKIPPED; start it (see .ci/run).`);
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/**
 * The back ends this file's suites run on. When PostgreSQL is out of reach (or TEST_SKIP_POSTGRES
 * is set), the file also registers a skipped suite, so the run reports the missing half as skipped
 * tests instead of silently running half as many.
 */
export async function availableBackends(): Promise<Backend[]> {
  postgresReachable ??= checkPostgres();
  if (await postgresReachable) return ['pglite', 'postgres'];
  if (skipReported) return ['pglite'];
  skipReported = true;
  const why = env.TEST_SKIP_POSTGRES ? 'TEST_SKIP_POSTGRES is set' : `PostgreSQL at ${env.TEST_DATABASE_URL} is not reachable`;
  describe.skip(`(postgres) SKIPPED: ${why}`, () => {
    it('runs this file on the real PostgreSQL', () => {});
  });
  return ['pglite'];
}

export interface TestDatabase extends Database {
  url: string | undefined;
}

export async function openTestDatabase(backend: Backend, onStatement?: (sql: string) => void): Promise<TestDatabase> {
  if (backend === 'pglite') return { ...(await openDatabase({ dataDir: 'memory://', onStatement })), url: undefined };
  const name = `gpoi_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(env.TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(env.TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), onStatement, maxConnections: 5 });
  return {
    ...database,
    url: url.toString(),
    close: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 1 });
    },
  };
}
