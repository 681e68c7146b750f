// A seeded API instance served in-process (yoga.fetch), on the chosen back end.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../server/http/app.js';
import { loadEnv, type Env } from '../../server/env.js';
import { seedSandbox } from '../../server/seed/seed.js';
import type { ClinicalSystemConnector } from '../../server/systems/types.js';
import { openTestDatabase, type Backend, type TestDatabase } from './backends.js';

export const SEED = 424242;
/** A fixed anchor date makes the data set identical on every run. */
export const ANCHOR = new Date('2026-06-01T00:00:00Z');

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string } }>;
  extensions?: Record<string, unknown>;
}

export interface TestApp {
  backend: Backend;
  database: TestDatabase;
  env: Env;
  /** SQL statements executed since the last reset. */
  statements: string[];
  /** The assembled app (e.g. its plugin host and scheduler). */
  api: App;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string | null, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  tokenFor(person: string): Promise<string>;
  /** Serves the same app over real HTTP on loopback (an ephemeral port), as `npm start` does. */
  listen(): Promise<{ url: string; close(): Promise<void> }>;
  /** The app's event machinery (dispatcher, webhook sender, in-process hook). */
  events: App['events'];
  close(): Promise<void>;
}

export interface TestAppOptions {
  patients?: number;
  env?: Record<string, string>;
  connectors?: readonly ClinicalSystemConnector[];
}

export async function startTestApp(backend: Backend, options: TestAppOptions = {}): Promise<TestApp> {
  const statements: string[] = [];
  const database = await openTestDatabase(backend, (sql) => statements.push(sql));
  await seedSandbox(database.db, { seed: SEED, patients: options.patients ?? 40, anchor: ANCHOR });
  // Its own data folder: the audit checkpoint key and the published checkpoints live there.
  const dataDir = mkdtempSync(join(tmpdir(), 'gpoi-test-'));
  // Every in-process request shares one client address: lift the per-address limits (budget and
  // individually audited refusals) unless a test sets them, so other tests see every refusal's row.
  // Silent: the suite provokes failures on purpose, and a passing run must not print their stacks.
  const env = loadEnv({
    NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, AUDIT_ANONYMOUS_ROWS_PER_WINDOW: '10000',
    ANONYMOUS_RATE_LIMIT_CAPACITY: '1000000', ANONYMOUS_RATE_LIMIT_RESTORE_PER_SECOND: '1000000',
    // No background dispatcher unless a test asks for one: its polls would count as statements.
    EVENTS_DISPATCHER: 'false',
    ...options.env,
  });
  const api = await createApp({ env, database, connectors: options.connectors });
  const { yoga } = api;
  const fetchApp = (path: string, init?: RequestInit) => Promise.resolve(yoga.fetch(new Request(`http://localhost${path}`, init)));
  const tokens = new Map<string, string>();
  statements.length = 0;
  return {
    backend,
    database,
    env,
    statements,
    api,
    fetch: fetchApp,
    events: api.events,
    async gql(query, variables, token, headers) {
      const response = await fetchApp('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async tokenFor(person) {
      const cached = tokens.get(person);
      if (cached) return cached;
      const response = await fetchApp(`/dev-issuer/token?person=${encodeURIComponent(person)}`);
      if (!response.ok) throw new Error(`no token for ${person}: ${response.status}`);
      const token = ((await response.json()) as { access_token: string }).access_token;
      tokens.set(person, token);
      return token;
    },
    async listen() {
      const server = createServer(yoga);
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const { port } = server.address() as AddressInfo;
      return {
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      };
    },
    close: async () => {
      await api.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
