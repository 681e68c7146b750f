// Benchmark server (child process): the real API and the hand-written baseline on one node:http
// server, so both go through the same HTTP stack and the same PostgreSQL. /bench/statements says how
// many SQL statements the API has run, so the benchmark can report statements per request.
// POST /bench/plugin-load?threads=&niceness= starts a plugin pool at full tilt in this process (where
// the platform's own pool runs) and DELETE stops it, answering the runs done: scenario f.
// POST/DELETE /bench/busy-load?threads=&niceness= does the same with threads that only spin: scenario s.
// `--discard-audit` starts the API with its audit writer swapped for one that drops events, only so
// the benchmark can show what audit costs. On SIGTERM it stops and exits normally, so a CPU profile
// (node --cpu-prof) is written.
import { createServer } from 'node:http';
import postgres from 'postgres';
import { createApp } from '../server/http/app.js';
import { openDatabase } from '../server/db/client.js';
import { loadEnv } from '../server/env.js';
import { baselineRecord } from './baseline-record.js';
import { busyLoop } from './busy-loop.js';
import { pluginLoad } from './plugin-sandbox.js';

const discardAuditForBenchmark = process.argv.includes('--discard-audit');
const env = loadEnv();
if (!env.DATABASE_URL) throw new Error('the benchmark server needs DATABASE_URL');
/** SQL statements the API has sent (BEGIN and COMMIT not included), read by the benchmark at /bench/statements. */
let statements = 0;
const database = await openDatabase({ url: env.DATABASE_URL, maxConnections: 10, onStatement: () => void (statements += 1) });
const sql = postgres(env.DATABASE_URL, { max: 10, onnotice: () => {} });
const app = await createApp({ env, database, discardAuditForBenchmark });
const { yoga } = app;

let inFlight = 0;
const server = createServer((req, res) => {
  inFlight += 1;
  res.once('close', () => void (inFlight -= 1));
  const url = new URL(req.url ?? '/', 'http://bench');
  if (url.pathname === '/bench/statements') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ statements }));
  const loadKind = url.pathname === '/bench/plugin-load' ? 'plugins' : url.pathname === '/bench/busy-load' ? 'busy' : null;
  if (loadKind) return void besideLoadRequest(loadKind, req.method ?? 'GET', url.searchParams).then((body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  if (url.pathname !== '/baseline/record') return void yoga(req, res);
  baselineRecord(sql, url.searchParams.get('nhs') ?? '')
    .then((record) => {
      res.writeHead(record ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { patient: record } }));
    })
    .catch(() => {
      res.writeHead(500);
      res.end();
    });
});
/** The load kept up beside a scenario: a plugin pool at full tilt, or threads that only spin. */
let load: { stop(): Promise<unknown> } | null = null;
async function besideLoadRequest(kind: 'plugins' | 'busy', method: string, params: URLSearchParams): Promise<unknown> {
  const threads = Number(params.get('threads'));
  const niceness = Number(params.get('niceness'));
  if (method === 'POST' && !load) load = kind === 'plugins' ? await pluginLoad(threads, niceness) : busyLoop(threads, niceness);
  if (method !== 'DELETE' || !load) return {};
  const stopping = load;
  load = null;
  return stopping.stop();
}

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});

/** Lets requests the load generator left behind finish before the database goes away. */
async function settle(deadline: number): Promise<void> {
  while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

process.once('SIGTERM', () => {
  server.close();
  server.closeIdleConnections();
  const stopped = settle(Date.now() + 3000)
    .then(() => Promise.all([app.close(), sql.end({ timeout: 2 })]))
    .then(() => database.close());
  const deadline = new Promise((resolve) => setTimeout(resolve, 6000).unref());
  void Promise.race([stopped, deadline]).finally(() => process.exit(0));
});
