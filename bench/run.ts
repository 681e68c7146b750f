// npm run bench [-- --seconds 10 --connections 16 --patients 2000]
// Starts the API on a real PostgreSQL with a seeded data set, then drives the patient-record query
// over HTTP and, in the same run, the hand-written SQL baseline through the same HTTP stack.
// Prints requests/s, p50 and p99 for each and their ratio to the baseline. No thresholds here:
// the figures are for reading, on whatever machine runs them.
import { spawn } from 'node:child_process';
import postgres from 'postgres';
import { openDatabase } from '../server/db/client.js';
import { loadEnv } from '../server/env.js';
import { seedSandbox } from '../server/seed/seed.js';
import { progressReporter } from '../server/seed/progress.js';
import { RECORD_QUERY } from '../test/support/queries.js';
import { drive, type Figures, type Scenario } from './load.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 10);
const connections = arg('connections', 16);
const patients = arg('patients', 2000);

const env = loadEnv();
const adminUrl = env.TEST_DATABASE_URL;
const benchUrl = new URL(adminUrl);
benchUrl.pathname = '/gpoi_bench';

async function prepareDatabase(): Promise<string[]> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = 'gpoi_bench'`;
  if (!exists) await admin.unsafe('create database gpoi_bench');
  await admin.end();
  const database = await openDatabase({ url: benchUrl.toString() });
  const seeded = await seedSandbox(database.db, { seed: env.SEED, patients, onProgress: progressReporter(patients) });
  console.log(`data set: ${seeded.patients} patients in ${seeded.practices} practices${seeded.skipped ? ' (kept from an earlier run)' : ''}`);
  const sql = postgres(benchUrl.toString(), { max: 1, onnotice: () => {} });
  const rows = await sql`select nhs_number from patient_registrations order by nhs_number limit 200`;
  await sql.end();
  await database.close();
  return rows.map((r) => r.nhs_number as string);
}

async function startServer(): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/server.ts'], {
    env: { DATABASE_URL: benchUrl.toString(), SEED_ON_START: 'false', LOG_LEVEL: 'error', NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`benchmark server exited (${code})`)));
  });
  return { port, stop: () => child.kill('SIGTERM') };
}

function report(rows: Figures[], baseline: Figures) {
  console.log(`\n${seconds} s per scenario, ${connections} connections, loopback HTTP\n`);
  console.log('scenario                               req/s     p50 ms   p99 ms   ratio to baseline (req/s)');
  for (const r of rows) {
    const ratio = (r.requestsPerSecond / baseline.requestsPerSecond).toFixed(2);
    const flags = r.non2xx || r.errors ? `   (non-2xx ${r.non2xx}, errors ${r.errors})` : '';
    console.log(`${r.name.padEnd(36)} ${r.requestsPerSecond.toFixed(0).padStart(8)} ${String(r.p50).padStart(9)} ${String(r.p99).padStart(8)}   ${ratio}x${flags}`);
  }
}

const numbers = await prepareDatabase();
const server = await startServer();
try {
  const tokenResponse = await fetch(`http://127.0.0.1:${server.port}/dev-issuer/token?person=developer`);
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const pick = (n: number) => numbers[n % numbers.length] as string;
  const scenarios: Scenario[] = [
    { name: 'baseline: hand-written SQL', method: 'GET', request: (n) => ({ path: `/baseline/record?nhs=${pick(n)}` }) },
    {
      name: 'GraphQL patient record',
      method: 'POST',
      request: (n) => ({ path: '/graphql', body: JSON.stringify({ query: RECORD_QUERY, variables: { nhsNumber: pick(n) } }), headers: { authorization: `Bearer ${token}` } }),
    },
  ];
  const results: Figures[] = [];
  for (const scenario of scenarios) {
    await drive(server.port, scenario, 2, connections); // warm-up: JIT, connection pools, caches
    results.push(await drive(server.port, scenario, seconds, connections));
  }
  report(results, results[0]!);
} finally {
  server.stop();
}
