// npm run bench [-- --rounds 5 --round-seconds 2 --tail-round-seconds 6 --connections 16 --patients 2000 --scenarios apcdblLqijxfskv --database gpoi_bench
//                  --warm-up 2 --plugin-threads <cores - 1> --plugin-niceness 10 --profile <dir> --verbose --write-rounds 3 --write-seconds 2 --workers 8 --events 30 --burst 200]
//                  (add e for the GP Connect scenario)
// Seeds a data set into its own database on the local PostgreSQL, starts the API, the same API with
// audit discarded, and PostGraphile v5 over the same sandbox tables, each in its own process, and
// drives them over loopback HTTP with autocannon:
//   a  baseline: the record by one hand-written SQL statement, through the API's HTTP stack
//   p  PostGraphile: the closest equivalent record query (no auth, permissions, audit or statuses)
//   c  the record query as a supplier app (real access token from /oauth2/token), audited
//   d  the same, on the server whose audit writer drops events (what audit costs)
//   b  the record query as a person (the developer), audited
//   l  the supplier app's page of 10 patients with every section;  L  the same with 100  (2 connections)
//   q  PostGraphile's page of 100 patients with every section  (2 connections)
//   i  the baseline on one connection (idle-server latency);  j  the supplier app's record, likewise
//   e  the record through the GP Connect connector against a local fake provider (in process)
//   x  plugin runs in the production sandbox (in the bench process): cold, warm, the sandbox's own
//      overhead against the same function called directly, runs/s across the pool (bench/plugin-sandbox.ts)
//   f  the supplier app's record on one connection while a plugin pool runs at full tilt on the same
//      machine (against j: the API's p99 with plugins busy versus idle)
//   s  the same with threads that only spin in place of the pool (the control: what any busy thread on
//      the other cores costs the API here, so f against s is what the plugin platform itself adds)
// j, f and s compare tails, so their rounds are longer (--tail-round-seconds): a p99 over one
// connection's 2 seconds rests on its two or three slowest responses.
//   k  booking workload (search + book + cancel) through the API and by hand-written SQL (bench/writes.ts)
//   v  event latency, commit -> SSE subscriber and -> webhook receiver; webhook deliveries/s (bench/writes.ts)
// Every scenario runs once per round, rounds interleaved (a p c d ... a p c d ...), so each round's
// ratios compare scenarios that saw the same machine; figures are min/median/max over rounds. CPU
// per request of the serving process and of PostgreSQL comes from /proc, SQL statements per request
// from the API's own count. No thresholds: the figures are for reading, on whatever machine runs them.
import { availableParallelism } from 'node:os';
import postgres from 'postgres';
import { openDatabase } from '../server/db/client.js';
import { loadEnv } from '../server/env.js';
import { progressReporter } from '../server/seed/progress.js';
import { seedSandbox } from '../server/seed/seed.js';
import { cpuMark, cpuSince } from './cpu.js';
import { benchGpConnect, formatGpConnectBench } from './gp-connect.js';
import { drive, figures, formatSpread, p50Of, p99Of, spread, type Round, type Scenario } from './load.js';
import { DEFAULT_NICENESS, defaultPluginThreads } from '@gp-open-integration/sdk/runner';
import { formatPluginBench, pluginBench, type PluginBench } from './plugin-sandbox.js';
import { startProcess, type BenchServer } from './processes.js';
import { PAGE_QUERY, PG_PAGE_QUERY, PG_RECORD_QUERY, RECORD_QUERY } from './queries.js';
import { supplierAppToken } from './supplier-app.js';
import { benchWrites } from './writes.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const rounds = Number(arg('rounds', '5'));
const roundSeconds = Number(arg('round-seconds', '2'));
const connections = Number(arg('connections', '16'));
const patients = Number(arg('patients', '2000'));
const tailRoundSeconds = Number(arg('tail-round-seconds', '6'));
const only = arg('scenarios', 'apcdblLqijxfskv');
// The platform's defaults: a pool one thread short of the cores, its threads at a lower priority.
const pluginThreads = Number(arg('plugin-threads', String(defaultPluginThreads())));
const pluginNiceness = Number(arg('plugin-niceness', String(DEFAULT_NICENESS)));
const warmUpSeconds = Number(arg('warm-up', '2'));
const profileDir = arg('profile', '');
const verbose = process.argv.includes('--verbose');
/** Its own database, so runs on a shared PostgreSQL can be kept apart. */
const DATABASE = arg('database', 'gpoi_bench');
const ROTATION = 200;

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
const benchUrl = new URL(env.TEST_DATABASE_URL);
benchUrl.pathname = `/${DATABASE}`;

interface DataSet {
  numbers: string[];
  practices: Array<{ odsCode: string; systemId: string }>;
}

async function prepareDatabase(): Promise<DataSet> {
  const admin = postgres(env.TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${DATABASE}`;
  if (!exists) await admin.unsafe(`create database ${DATABASE}`);
  await admin.end();
  const database = await openDatabase({ url: benchUrl.toString() });
  const seeded = await seedSandbox(database.db, { seed: env.SEED, patients, onProgress: progressReporter(patients) });
  console.log(`data set: ${seeded.patients} patients in ${seeded.practices} practices${seeded.skipped ? ' (kept from an earlier run)' : ''}`);
  const sql = postgres(benchUrl.toString(), { max: 1, onnotice: () => {} });
  // Statistics before any scenario runs: a database seeded moments ago has none, and autovacuum's
  // own analyze would land somewhere in the run and change the plans under one scenario only.
  await sql`analyze`;
  const rows = await sql`
    select r.nhs_number, p.ods_code, p.system_id from patient_registrations r join practices p on p.ods_code = r.practice_ods
    where p.is_sandbox order by r.nhs_number limit ${ROTATION}`;
  await sql.end();
  await database.close();
  const practices = new Map(rows.map((r) => [r.ods_code as string, { odsCode: r.ods_code as string, systemId: r.system_id as string }]));
  return { numbers: rows.map((r) => r.nhs_number as string), practices: [...practices.values()] };
}

const apiEnv = {
  DATABASE_URL: benchUrl.toString(), SEED_ON_START: 'false', LOG_LEVEL: 'error', NODE_ENV: 'test', PUBLIC_URL, ACCESS_TOKEN_TTL_SECONDS: '3600', ...RATE_LIMIT,
};
const startApi = (discardAudit: boolean) => startProcess('bench/server.ts', discardAudit ? ['--discard-audit'] : [], apiEnv, profileDir);
const startPostGraphile = () => startProcess('bench/postgraphile-server.ts', [], { DATABASE_URL: benchUrl.toString(), NODE_ENV: 'test', GRAPHILE_ENV: 'production' }, profileDir);

type Json = { data?: unknown; errors?: unknown };
/** A value inside a JSON answer, or undefined. */
const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
const lengthAt = (value: unknown, ...path: string[]) => {
  const list = at(value, ...path);
  return Array.isArray(list) ? list.length : -1;
};

interface Target {
  key: string;
  server: BenchServer;
  scenario: Scenario;
  /** Does a response carry what was asked for? (A refusal is still HTTP 200.) */
  answered(json: Json, n: number): boolean;
  audited: boolean;
  connections: number;
  /** Patients per response, for CPU per patient. */
  patientsPerRequest: number;
  /** The server counts its SQL statements (our API). */
  countsStatements: boolean;
  /** Load kept up beside the scenario while it is driven (f: a plugin pool at full tilt; s: busy loops). */
  beside?: () => Promise<{ stop(): Promise<void> }>;
  /** Seconds per round, when not --round-seconds. */
  seconds?: number;
}

interface RoundResult extends Round {
  apiMs: number | null;
  databaseMs: number | null;
  statements: number | null;
  auditEvents: number;
  auditCommits: number;
}

const results = new Map<string, RoundResult[]>();
const data = await prepareDatabase();
const pick = (n: number) => data.numbers[n % data.numbers.length] as string;
const practiceFor = (n: number) => data.practices[n % data.practices.length]!.odsCode;
const sql = postgres(benchUrl.toString(), { max: 1, onnotice: () => {} });

async function statementsOf(target: Target): Promise<number | null> {
  if (!target.countsStatements) return null;
  const response = await fetch(`http://127.0.0.1:${target.server.port}/bench/statements`);
  return ((await response.json()) as { statements: number }).statements;
}

/** Every request shape once before the load, checking the answers. */
async function check(target: Target): Promise<void> {
  const count = target.scenario.method === 'POST' ? Math.min(ROTATION, 40) : 1;
  for (let n = 0; n < count; n++) {
    const { path, body, headers } = target.scenario.request(n);
    const response = await fetch(`http://127.0.0.1:${target.server.port}${path}`, {
      method: target.scenario.method,
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
    const json = (await response.json()) as Json;
    if (!response.ok || json.errors || !target.answered(json, n)) {
      throw new Error(`${target.scenario.name}: request ${n} was not answered: ${response.status} ${JSON.stringify(json).slice(0, 400)}`);
    }
  }
}

/** Plugin runs per second kept up during each round of f. */
const pluginRunRates: number[] = [];
/**
 * Starts a load inside the API's process (where the platform runs its pool), with the pool's
 * threads and priority: a plugin pool at full tilt, or as many threads that only spin.
 */
async function besideLoadIn(server: BenchServer, kind: 'plugin-load' | 'busy-load'): Promise<{ stop(): Promise<void> }> {
  const url = `http://127.0.0.1:${server.port}/bench/${kind}?threads=${pluginThreads}&niceness=${pluginNiceness}`;
  await fetch(url, { method: 'POST' });
  return {
    async stop() {
      // Only the plugin pool counts runs; the busy loops answer nothing to count.
      const { runs, seconds } = (await (await fetch(url, { method: 'DELETE' })).json()) as { runs?: number; seconds?: number };
      if (runs !== undefined && seconds) pluginRunRates.push(runs / seconds);
    },
  };
}

async function round(target: Target): Promise<void> {
  const [head] = await sql`select coalesce(max(seq), 0)::int as seq from audit_events`;
  const statementsBefore = await statementsOf(target);
  const beside = target.beside ? await target.beside() : null;
  const cpu = await cpuMark(sql, DATABASE, target.server.pid);
  const load = await drive(target.server.port, target.scenario, target.seconds ?? roundSeconds, target.connections).finally(() => beside?.stop());
  const used = cpu && (await cpuSince(sql, DATABASE, target.server.pid, cpu));
  const statementsAfter = await statementsOf(target);
  // Events committed in one append share its timestamp.
  const [appended] = await sql`select count(*)::int as events, count(distinct at)::int as commits from audit_events where seq > ${head!.seq as number}`;
  const result: RoundResult = {
    ...load,
    apiMs: used ? used.server : null,
    databaseMs: used ? used.database : null,
    // The reads of /bench/statements themselves run none.
    statements: statementsBefore !== null && statementsAfter !== null ? statementsAfter - statementsBefore : null,
    auditEvents: appended!.events as number,
    auditCommits: appended!.commits as number,
  };
  results.set(target.key, [...(results.get(target.key) ?? []), result]);
  if (verbose) console.log(`round ${target.key}: ${(load.latencies.length / load.seconds).toFixed(0)} req/s, CPU ${used ? `${used.server} + ${used.database} ms` : 'unknown'}`);
}

const [api, unaudited, peerOrNull] = await Promise.all([startApi(false), only.includes('d') ? startApi(true) : null, /[pq]/.test(only) ? startPostGraphile() : null]);
// Scenarios p and q are left out below when PostGraphile was not started.
const peer = peerOrNull ?? api;
let targets: Target[] = [];
let plugins: PluginBench | null = null;
try {
  const base = `http://127.0.0.1:${api.port}`;
  const developer = ((await (await fetch(`${base}/dev-issuer/token?person=developer`)).json()) as { access_token: string }).access_token;
  const { token: appToken } = await supplierAppToken(base, PUBLIC_URL, data.practices);
  console.log(`supplier app enabled at ${data.practices.map((p) => p.odsCode).join(', ')}; access token from /oauth2/token`);
  const gql = (token: string | null, query: string, variables: (n: number) => Record<string, unknown>) => (n: number) => ({
    path: '/graphql',
    body: JSON.stringify({ query, variables: variables(n) }),
    headers: (token ? { authorization: `Bearer ${token}` } : {}) as Record<string, string>,
  });
  const record = (n: number) => ({ nhsNumber: pick(n) });
  const page = (first: number) => (n: number) => ({ odsCode: practiceFor(n), first });
  const isRecord = (json: Json) => Boolean(at(json.data, 'patient', 'nhsNumber'));
  const isPage = (first: number) => (json: Json) => lengthAt(json.data, 'practice', 'patients', 'edges') === first;
  const base16 = { connections, patientsPerRequest: 1, audited: false, countsStatements: false };
  // Pages take far longer than a round's share of 16 connections allows: on 2 connections few
  // requests are still in flight when a round ends, so CPU per completed request stays honest.
  const pages = { connections: Math.min(connections, 2) };
  const tail = { connections: 1, seconds: tailRoundSeconds };
  const all: Target[] = [
    { ...base16, key: 'a', server: api, answered: (j) => Boolean(at(j.data, 'patient')), scenario: { name: 'a  baseline: hand-written SQL', method: 'GET', request: (n) => ({ path: `/baseline/record?nhs=${pick(n)}` }) } },
    { ...base16, key: 'p', server: peer, answered: (j) => Boolean(at(j.data, 'patientByNhsNumber', 'nhsNumber')), scenario: { name: 'p  PostGraphile v5 record', method: 'POST', request: gql(null, PG_RECORD_QUERY, record) } },
    { ...base16, key: 'c', server: api, audited: true, countsStatements: true, answered: isRecord, scenario: { name: 'c  record, supplier app (audited)', method: 'POST', request: gql(appToken, RECORD_QUERY, record) } },
    ...(unaudited ? [{ ...base16, key: 'd', server: unaudited, countsStatements: true, answered: isRecord, scenario: { name: 'd  record, supplier app (audit discarded)', method: 'POST' as const, request: gql(appToken, RECORD_QUERY, record) } }] : []),
    { ...base16, key: 'b', server: api, audited: true, countsStatements: true, answered: isRecord, scenario: { name: 'b  record, developer (audited)', method: 'POST', request: gql(developer, RECORD_QUERY, record) } },
    { ...base16, ...pages, key: 'l', server: api, audited: true, countsStatements: true, patientsPerRequest: 10, answered: isPage(10), scenario: { name: 'l  page of 10, supplier app (audited)', method: 'POST', request: gql(appToken, PAGE_QUERY, page(10)) } },
    { ...base16, ...pages, key: 'L', server: api, audited: true, countsStatements: true, patientsPerRequest: 100, answered: isPage(100), scenario: { name: 'L  page of 100, supplier app (audited)', method: 'POST', request: gql(appToken, PAGE_QUERY, page(100)) } },
    { ...base16, ...pages, key: 'q', server: peer, patientsPerRequest: 100, answered: (j) => lengthAt(j.data, 'allPatients', 'nodes') === 100, scenario: { name: 'q  PostGraphile v5 page of 100', method: 'POST', request: gql(null, PG_PAGE_QUERY, page(100)) } },
    { ...base16, key: 'i', server: api, connections: 1, answered: (j) => Boolean(at(j.data, 'patient')), scenario: { name: 'i  baseline, one connection (idle)', method: 'GET', request: (n) => ({ path: `/baseline/record?nhs=${pick(n)}` }) } },
    { ...base16, ...tail, key: 'j', server: api, audited: true, countsStatements: true, answered: isRecord, scenario: { name: 'j  record, supplier app, one connection', method: 'POST', request: gql(appToken, RECORD_QUERY, record) } },
    {
      ...base16, ...tail, key: 'f', server: api, audited: true, countsStatements: true, answered: isRecord, beside: () => besideLoadIn(api, 'plugin-load'),
      scenario: { name: 'f  as j, plugins at full tilt', method: 'POST', request: gql(appToken, RECORD_QUERY, record) },
    },
    {
      ...base16, ...tail, key: 's', server: api, audited: true, countsStatements: true, answered: isRecord, beside: () => besideLoadIn(api, 'busy-load'),
      scenario: { name: 's  as j, busy loops in the pool\'s place', method: 'POST', request: gql(appToken, RECORD_QUERY, record) },
    },
  ];
  targets = all.filter((t) => only.includes(t.key) && (peerOrNull !== null || !'pq'.includes(t.key)));
  for (const target of targets) {
    await check(target);
    await drive(target.server.port, target.scenario, warmUpSeconds, target.connections); // JIT, pools, caches
  }
  if (only.includes('x')) plugins = await pluginBench(pluginThreads);
  for (let r = 0; r < rounds; r++) {
    for (const target of targets) await round(target);
    await plugins?.round(roundSeconds);
  }
} finally {
  await plugins?.close();
  await Promise.all([api.stop(), unaudited?.stop(), peerOrNull?.stop()]);
  await sql.end();
}

// Report.
const perRound = (key: string, value: (r: RoundResult) => number | null) => (results.get(key) ?? []).map(value).filter((v): v is number => v !== null && Number.isFinite(v));
const rps = (r: RoundResult) => r.latencies.length / r.seconds;
console.log(`\n${rounds} rounds of ${roundSeconds} s per scenario (j, f, s: ${tailRoundSeconds} s), interleaved; ${connections} connections unless noted; loopback HTTP; ${ROTATION} patients in rotation`);
console.log('figures: median (min–max) over rounds; RATE_LIMIT_* lifted on the API servers, so throughput is measured, not the budget\n');
console.log(`${'scenario'.padEnd(44)} ${'req/s'.padEnd(22)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}   CPU ms/request (server + PostgreSQL)   SQL/request`);
for (const t of targets) {
  const list = results.get(t.key);
  if (!list) continue;
  const f = figures(t.scenario.name, list);
  const requests = (r: RoundResult) => r.latencies.length || NaN;
  const apiCpu = spread(perRound(t.key, (r) => (r.apiMs === null ? null : r.apiMs / requests(r))));
  const dbCpu = spread(perRound(t.key, (r) => (r.databaseMs === null ? null : r.databaseMs / requests(r))));
  const statements = t.countsStatements ? formatSpread(spread(perRound(t.key, (r) => (r.statements === null ? null : r.statements / requests(r))))) : '-';
  const flags = f.non2xx || f.errors ? `   (non-2xx ${f.non2xx}, errors ${f.errors})` : '';
  console.log(
    `${t.scenario.name.padEnd(44)} ${formatSpread(spread(perRound(t.key, rps)), 0).padEnd(22)} ${f.p50.toFixed(1).padStart(7)} ${f.p99.toFixed(1).padStart(7)}   ` +
      `${apiCpu.median.toFixed(2)} + ${dbCpu.median.toFixed(2)}`.padEnd(39) + statements + flags,
  );
}
for (const t of targets) {
  const list = results.get(t.key);
  if (!list || !t.audited) continue;
  const events = list.reduce((s, r) => s + r.auditEvents, 0);
  const commits = list.reduce((s, r) => s + r.auditCommits, 0);
  const requests = list.reduce((s, r) => s + r.latencies.length, 0);
  console.log(`audit ${t.key}: ${events} events in ${commits} appends (${(requests / Math.max(1, commits)).toFixed(1)} requests per append)`);
}

/** Per-round ratio of two scenarios (round k of each ran back to back). */
const ratio = (top: string, bottom: string, value: (r: RoundResult) => number | null) => {
  const a = results.get(top) ?? [];
  const b = results.get(bottom) ?? [];
  const values = a.map((r, k) => {
    const x = value(r);
    const y = b[k] ? value(b[k]) : null;
    return x !== null && y !== null && y !== 0 ? x / y : NaN;
  });
  return spread(values.filter(Number.isFinite));
};
const has = (...keys: string[]) => keys.every((k) => results.has(k));
/** Ratio of one percentile over every round's responses together (a steadier tail than any one round's). */
const pooledRatio = (top: string, bottom: string, which: 'p50' | 'p99') =>
  figures(top, results.get(top) ?? [])[which] / figures(bottom, results.get(bottom) ?? [])[which];
const cpuPerPatient = (t: Target) => (r: RoundResult) => (r.apiMs === null || !r.latencies.length ? null : r.apiMs / r.latencies.length / t.patientsPerRequest);
console.log('\nissue 7 targets (median (min–max) of per-round figures):');
if (has('c', 'p')) console.log(`  2. supplier-app record / PostGraphile record, throughput: ${formatSpread(ratio('c', 'p', rps))}   (target ≥ 1.0)`);
if (has('c', 'a')) console.log(`  2. supplier-app record / baseline, throughput:            ${formatSpread(ratio('c', 'a', rps))}   (target ≥ 0.25)`);
for (const key of ['c', 'b', 'j']) {
  if (!has(key)) continue;
  const list = perRound(key, (r) => (r.statements === null || !r.latencies.length ? null : r.statements / r.latencies.length));
  console.log(`  3. SQL statements per request, ${key} (audit share included):  ${formatSpread(spread(list))}   (target ≤ 3)`);
}
const L = targets.find((t) => t.key === 'L');
const l = targets.find((t) => t.key === 'l');
if (L && l) {
  console.log(`  4. API CPU ms per patient, page of 100 / page of 10:        ${formatSpread(spread(perRound('L', cpuPerPatient(L))), 3)} / ${formatSpread(spread(perRound('l', cpuPerPatient(l))), 3)}   (target: 100 ≤ 10)`);
  const perPatient = (key: string, k: number) => {
    const r = results.get(key)?.[k];
    return r ? cpuPerPatient(key === 'L' ? L : l)(r) : null;
  };
  const rounds100 = (results.get('L') ?? []).map((_, k) => {
    const big = perPatient('L', k);
    const small = perPatient('l', k);
    return big !== null && small ? big / small : NaN;
  });
  console.log(`     per-patient ratio per round (100 / 10):                  ${formatSpread(spread(rounds100.filter(Number.isFinite)))}   (target ≤ 1)`);
}
if (has('L', 'q')) console.log(`  4. page of 100 / PostGraphile page of 100, throughput:     ${formatSpread(ratio('L', 'q', rps))}   (target ≥ 0.5)`);
if (has('j', 'i')) console.log(`  5. idle p50, supplier-app record / baseline:               ${formatSpread(ratio('j', 'i', p50Of))}   (target ≤ 2)`);
if (has('c', 'd')) console.log(`     audited / audit discarded (supplier app), throughput:   ${formatSpread(ratio('c', 'd', rps))}`);
if (has('f', 'j')) {
  console.log(`  issue 10: API p99, plugins at full tilt / idle (f / j):     ${formatSpread(ratio('f', 'j', p99Of))}   (target ≤ 1.5)`);
  console.log(`            over every round's responses together: ${pooledRatio('f', 'j', 'p99').toFixed(2)}`);
  console.log(`            (f: ${pluginThreads} pool threads at nice ${pluginNiceness} in the API's process, ${availableParallelism()} cores; ` +
      `${formatSpread(spread(pluginRunRates), 0)} plugin runs/s meanwhile)`);
}
if (has('s', 'j')) {
  console.log(`  control: API p99, busy loops in the pool's place / idle (s / j): ${formatSpread(ratio('s', 'j', p99Of))}; together ${pooledRatio('s', 'j', 'p99').toFixed(2)}`);
  console.log(`           API p50, likewise:                                     ${formatSpread(ratio('s', 'j', p50Of))}; together ${pooledRatio('s', 'j', 'p50').toFixed(2)}`);
}
if (has('f', 's')) {
  console.log(`  what the plugin platform adds beyond a busy machine (f / s):  p99 ${formatSpread(ratio('f', 's', p99Of))}; together ${pooledRatio('f', 's', 'p99').toFixed(2)}`);
}
if (plugins) console.log(`\n${formatPluginBench(plugins.results, pluginThreads)}`);
console.log('\nPostGraphile serves the tables as they are: no authentication, permission checks or audit, no section statuses');
console.log('(recorded / not supplied / withheld), no mapping to the record model; its record and page read the same rows.');
if (profileDir) console.log(`CPU profiles of the servers: ${profileDir} (summarise with: npx tsx bench/profile-summary.ts <file>)`);
if (only.includes('e')) console.log(`\n(e) ${formatGpConnectBench(await benchGpConnect())}`);
const writes = [...only].filter((k) => k === 'k' || k === 'v').join('');
if (writes) {
  console.log(
    `\nwrites and events (issue 9), in this process against its own database:\n${await benchWrites({
      scenarios: writes,
      rounds: Number(arg('write-rounds', '3')),
      roundSeconds: Number(arg('write-seconds', '2')),
      workers: Number(arg('workers', '8')),
      events: Number(arg('events', '30')),
      burst: Number(arg('burst', '200')),
    })}`,
  );
}
