// npm run bench [-- --seconds 10 --connections 16 --patients 2000 --scenarios abcde --warm-up 3 --profile <dir> --verbose]
// Starts the API on a real PostgreSQL with a seeded data set and drives the patient-record query
// over HTTP: (a) the hand-written SQL baseline through the same HTTP stack, (b) GraphQL as a
// supplier developer, (c) GraphQL as a supplier app with an access token from /oauth2/token, and
// (d) the same app against a second server whose audit writer drops events, to show what audit
// costs. (c) and (d) run first, in short alternating rounds (c d d c ...), so both see the same
// machine. Prints requests/s, p50 and p99 for each, their ratio to the baseline, and the CPU each
// request cost the API process and PostgreSQL. No thresholds here: the figures are for reading, on
// whatever machine runs them. (e) then reads the record through the GP Connect connector against
// a local fake provider (bench/gp-connect.ts, in process, one request at a time).
// --profile <dir> writes a V8 CPU profile of each server process (node --cpu-prof); --verbose
// prints each round as it ends.
import { spawn } from 'node:child_process';
import postgres from 'postgres';
import { openDatabase } from '../server/db/client.js';
import { loadEnv } from '../server/env.js';
import { seedSandbox } from '../server/seed/seed.js';
import { progressReporter } from '../server/seed/progress.js';
import { RECORD_QUERY } from '../test/support/queries.js';
import { cpuMark, cpuSince } from './cpu.js';
import { benchGpConnect, formatGpConnectBench } from './gp-connect.js';
import { drive, figures, type Figures, type Round, type Scenario } from './load.js';
import { supplierAppToken } from './supplier-app.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const seconds = Number(arg('seconds', '10'));
const connections = Number(arg('connections', '16'));
const patients = Number(arg('patients', '2000'));
const only = arg('scenarios', 'abcde');
const warmUpSeconds = Number(arg('warm-up', '3'));
const profileDir = arg('profile', '');
const verbose = process.argv.includes('--verbose');
const ROTATION = 200;
/** (c) and (d) alternate in rounds of about this length. */
const ROUND_SECONDS = 2;
const DATABASE = 'gpoi_bench';

// Supplier apps are metered; the benchmark servers get a budget no run can exhaust, so they measure
// throughput rather than the rate limit. The public URL is fixed so client assertions name the same
// token endpoint on both servers, and the access token outlives the run.
const RATE_LIMIT = {
  RATE_LIMIT_CAPACITY: '1000000000',
  RATE_LIMIT_RESTORE_PER_SECOND: '1000000000',
  PERSON_RATE_LIMIT_CAPACITY: '1000000000',
  PERSON_RATE_LIMIT_RESTORE_PER_SECOND: '1000000000',
};
const PUBLIC_URL = 'http://bench.localhost';

const env = loadEnv();
const adminUrl = env.TEST_DATABASE_URL;
const benchUrl = new URL(adminUrl);
benchUrl.pathname = `/${DATABASE}`;

interface DataSet {
  numbers: string[];
  practices: Array<{ odsCode: string; systemId: string }>;
}

async function prepareDatabase(): Promise<DataSet> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${DATABASE}`;
  if (!exists) await admin.unsafe(`create database ${DATABASE}`);
  await admin.end();
  const database = await openDatabase({ url: benchUrl.toString() });
  const seeded = await seedSandbox(database.db, { seed: env.SEED, patients, onProgress: progressReporter(patients) });
  console.log(`data set: ${seeded.patients} patients in ${seeded.practices} practices${seeded.skipped ? ' (kept from an earlier run)' : ''}`);
  const sql = postgres(benchUrl.toString(), { max: 1, onnotice: () => {} });
  const rows = await sql`
    select r.nhs_number, p.ods_code, p.system_id from patient_registrations r join practices p on p.ods_code = r.practice_ods
    where p.is_sandbox order by r.nhs_number limit ${ROTATION}`;
  await sql.end();
  await database.close();
  const practices = new Map(rows.map((r) => [r.ods_code as string, { odsCode: r.ods_code as string, systemId: r.system_id as string }]));
  return { numbers: rows.map((r) => r.nhs_number as string), practices: [...practices.values()] };
}

interface BenchServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

async function startServer(options: { discardAudit: boolean }): Promise<BenchServer> {
  const nodeArgs = ['--import', 'tsx', ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), 'bench/server.ts'];
  const child = spawn(process.execPath, [...nodeArgs, ...(options.discardAudit ? ['--discard-audit'] : [])], {
    env: {
      DATABASE_URL: benchUrl.toString(),
      SEED_ON_START: 'false',
      LOG_LEVEL: 'error',
      NODE_ENV: 'test',
      PUBLIC_URL,
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      ...RATE_LIMIT,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`benchmark server exited (${code})`)));
  });
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface Target {
  key: string;
  server: BenchServer;
  scenario: Scenario;
  audited: boolean;
}

/** Every patient once before the load: a refusal would still be HTTP 200, so look at the answers. */
async function check({ server, scenario }: Target): Promise<void> {
  const count = scenario.method === 'POST' ? data.numbers.length : 1;
  for (let n = 0; n < count; n++) {
    const { path, body, headers } = scenario.request(n);
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      method: scenario.method,
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
    const json = (await response.json()) as { data?: { patient?: { nhsNumber?: string } }; errors?: unknown };
    if (!response.ok || json.errors || !json.data?.patient?.nhsNumber) {
      throw new Error(`${scenario.name}: request ${n} did not return a record: ${response.status} ${JSON.stringify(json).slice(0, 400)}`);
    }
  }
}

/** What a scenario's rounds cost: CPU of the API process and of PostgreSQL, and audit appends. */
interface Costs {
  apiMs: number;
  databaseMs: number;
  cpuKnown: boolean;
  auditEvents: number;
  auditCommits: number;
  seconds: number;
}

const rounds = new Map<string, Round[]>();
const costs = new Map<string, Costs>();

/** One measured round, with the CPU and the audit appends it caused. */
async function round(target: Target, roundSeconds: number): Promise<void> {
  const [head] = await sql`select coalesce(max(seq), 0)::int as seq from audit_events`;
  const cpu = await cpuMark(sql, DATABASE, target.server.pid);
  const result = await drive(target.server.port, target.scenario, roundSeconds, connections);
  const used = cpu && (await cpuSince(sql, DATABASE, target.server.pid, cpu));
  // Events committed in one append transaction share its timestamp.
  const [appended] = await sql`select count(*)::int as events, count(distinct at)::int as commits from audit_events where seq > ${head!.seq as number}`;
  rounds.set(target.key, [...(rounds.get(target.key) ?? []), result]);
  if (verbose) console.log(`round ${target.key}: ${(result.latencies.length / roundSeconds).toFixed(0)} req/s, CPU ${used ? `${used.server} + ${used.database} ms` : 'unknown'}`);
  const sum = costs.get(target.key) ?? { apiMs: 0, databaseMs: 0, cpuKnown: true, auditEvents: 0, auditCommits: 0, seconds: 0 };
  costs.set(target.key, {
    apiMs: sum.apiMs + (used?.server ?? 0),
    databaseMs: sum.databaseMs + (used?.database ?? 0),
    cpuKnown: sum.cpuKnown && Boolean(used),
    auditEvents: sum.auditEvents + (appended!.events as number),
    auditCommits: sum.auditCommits + (appended!.commits as number),
    seconds: sum.seconds + roundSeconds,
  });
}

function report(targets: readonly Target[]): Map<string, Figures> {
  const results = new Map(targets.filter((t) => rounds.has(t.key)).map((t) => [t.key, figures(t.scenario.name, rounds.get(t.key)!)]));
  const baseline = results.get('a');
  console.log(`\n${seconds} s per scenario ((c) and (d) alternating in rounds of ~${ROUND_SECONDS} s), ${connections} connections, loopback HTTP, ${ROTATION} patients in rotation`);
  console.log(`the rate limits of apps and people are ${RATE_LIMIT.RATE_LIMIT_CAPACITY} on the benchmark servers, so throughput is measured, not the budgets\n`);
  console.log(`${'scenario'.padEnd(46)}  req/s   p50 ms   p99 ms   to baseline   CPU ms/request (API + PostgreSQL)`);
  for (const t of targets) {
    const r = results.get(t.key);
    if (!r) continue;
    const c = costs.get(t.key)!;
    const ratio = baseline ? `${(r.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)}x` : '-';
    const cpu = c.cpuKnown ? `${(c.apiMs / r.requests).toFixed(2)} + ${(c.databaseMs / r.requests).toFixed(2)}` : '-';
    const flags = r.non2xx || r.errors ? `   (non-2xx ${r.non2xx}, errors ${r.errors})` : '';
    console.log(`${r.name.padEnd(46)} ${r.requestsPerSecond.toFixed(0).padStart(6)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)}   ${ratio.padStart(11)}   ${cpu}${flags}`);
  }
  for (const t of targets) {
    const r = results.get(t.key);
    const c = costs.get(t.key);
    if (!r || !c || !t.audited) continue;
    const perCommit = c.auditCommits ? `, ${(r.requests / c.auditCommits).toFixed(1)} requests per transaction` : '';
    console.log(`audit ${t.key}: ${c.auditEvents} events in ${c.auditCommits} append transactions (${(c.auditCommits / c.seconds).toFixed(0)}/s${perCommit})`);
  }
  return results;
}

const recordRequest = (token: string) => (n: number) => ({
  path: '/graphql',
  body: JSON.stringify({ query: RECORD_QUERY, variables: { nhsNumber: pick(n) } }),
  headers: { authorization: `Bearer ${token}` },
});

const data = await prepareDatabase();
const pick = (n: number) => data.numbers[n % data.numbers.length] as string;
const sql = postgres(benchUrl.toString(), { max: 1, onnotice: () => {} });
const [audited, unaudited] = await Promise.all([startServer({ discardAudit: false }), startServer({ discardAudit: true })]);
let targets: Target[] = [];
try {
  const base = `http://127.0.0.1:${audited.port}`;
  const developer = ((await (await fetch(`${base}/dev-issuer/token?person=developer`)).json()) as { access_token: string }).access_token;
  const { token: appToken } = await supplierAppToken(base, PUBLIC_URL, data.practices);
  console.log(`supplier app enabled at ${data.practices.map((p) => p.odsCode).join(', ')}; access token from /oauth2/token`);
  const all: Target[] = [
    { key: 'a', server: audited, audited: false, scenario: { name: '(a) baseline: hand-written SQL', method: 'GET', request: (n) => ({ path: `/baseline/record?nhs=${pick(n)}` }) } },
    { key: 'b', server: audited, audited: true, scenario: { name: '(b) GraphQL record, developer (audited)', method: 'POST', request: recordRequest(developer) } },
    { key: 'c', server: audited, audited: true, scenario: { name: '(c) GraphQL record, supplier app (audited)', method: 'POST', request: recordRequest(appToken) } },
    { key: 'd', server: unaudited, audited: false, scenario: { name: '(d) GraphQL record, supplier app (unaudited)', method: 'POST', request: recordRequest(appToken) } },
  ];
  targets = all.filter((t) => only.includes(t.key));
  const byKey = (key: string) => targets.find((t) => t.key === key);
  const prepare = async (target: Target) => {
    await check(target);
    await drive(target.server.port, target.scenario, warmUpSeconds, connections); // JIT, connection pools, caches
  };
  // (c) and (d) first, so both server processes come to them with the same history, then in short
  // alternating rounds, so changes in whatever else the machine is doing fall on both alike.
  const c = byKey('c');
  const d = byKey('d');
  for (const target of [c, d]) if (target) await prepare(target);
  if (c && d) {
    const perScenario = Math.max(1, Math.round(seconds / ROUND_SECONDS));
    const order = Array.from({ length: perScenario * 2 }, (_, i) => ((i + 1) % 4 < 2 ? c : d)); // c d d c c d d c ...
    for (const target of order) await round(target, seconds / perScenario);
  } else {
    for (const target of [c, d]) if (target) await round(target, seconds);
  }
  for (const target of [byKey('a'), byKey('b')]) {
    if (!target) continue;
    await prepare(target);
    await round(target, seconds);
  }
} finally {
  await Promise.all([audited.stop(), unaudited.stop()]);
  await sql.end();
}

const results = report(targets);
const c = results.get('c');
const d = results.get('d');
if (c && d) console.log(`\naudited / unaudited (supplier app): ${(c.requestsPerSecond / d.requestsPerSecond).toFixed(2)}x (target ≥ 0.70)`);
if (profileDir) console.log(`CPU profiles of the servers: ${profileDir}`);
if (only.includes('e')) console.log(`\n(e) ${formatGpConnectBench(await benchGpConnect())}`);
