// npm run bench:plugins [-- --runs 400 --threads 2]
// Plugin runs through the production sandbox pool: cold runs (a fresh worker: WebAssembly compiled
// and instantiated, then a new QuickJS runtime and context), warm runs (a new runtime and context in
// a ready worker, as every run gets), the sandbox's own overhead against calling the same plugin
// function directly in Node, runs/s across the pool, and the API's p99 for a record read while
// plugins run at full tilt against idle. No thresholds: the figures are for reading.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from '@gp-open-integration/sdk';
import { createPluginRunner, type RunRequest } from '@gp-open-integration/sdk/runner';
import { ANCHOR, SEED } from '../test/support/test-app.js';
import { startTestApp } from '../test/support/test-app.js';
import { RECORD_QUERY } from './queries.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback);
};
const RUNS = arg('runs', '400');
const THREADS = arg('threads', '2');
const COLD = arg('cold', '5');

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (v: number) => `${v.toFixed(2)} ms`;
const line = (label: string, values: number[]) => console.log(`${label.padEnd(46)} p50 ${ms(pct(values, 50)).padStart(10)}   p99 ${ms(pct(values, 99)).padStart(10)}   (n=${values.length})`);

const dir = resolve(import.meta.dirname, '../plugins/medication-review');
const bundle = readFileSync(resolve(dir, 'plugin.js'), 'utf8');
const input = JSON.parse(readFileSync(resolve(dir, 'input.json'), 'utf8')) as unknown;
const context = { now: '2026-12-01T06:00:00.000Z', practice: { odsCode: 'Z91001' }, trigger: { kind: 'manual' as const } };
const request: RunRequest = { bundle, input, context, allowedEffects: ['practice-task.create'], limits: { timeoutMs: 2000 } };

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await fn();
  return [performance.now() - start, result];
}

console.log(`plugin bench: medication-review, small input (${JSON.stringify(input).length} bytes), node ${process.version}\n`);

// Cold: a fresh pool (one worker) for each run.
const coldWall: number[] = [];
const coldSandbox: number[] = [];
for (let i = 0; i < COLD; i++) {
  const runner = createPluginRunner({ threads: 1 });
  const [wall, result] = await timed(() => runner.run(request));
  coldWall.push(wall);
  coldSandbox.push(result.durationMs);
  await runner.close();
}
line('cold run, wall (fresh worker)', coldWall);
line('cold run, inside the sandbox', coldSandbox);

// Warm: one ready worker, runs one after another; and the same function called directly.
const runner = createPluginRunner({ threads: 1 });
for (let i = 0; i < 20; i++) await runner.run(request);
const warmWall: number[] = [];
const warmSandbox: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const [wall, result] = await timed(() => runner.run(request));
  if (result.outcome !== 'OK') throw new Error(`run ${i}: ${result.outcome} ${result.error}`);
  warmWall.push(wall);
  warmSandbox.push(result.durationMs);
}
await runner.close();
const plugin = ((await import(pathToFileURL(resolve(dir, 'plugin.js')).href)) as { default: Plugin }).default;
const direct: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const [wall] = await timed(async () => plugin.run(JSON.parse(JSON.stringify(input)), { ...context, log: () => undefined }));
  direct.push(wall);
}
line('warm run, wall (pool round trip)', warmWall);
line('warm run, inside the sandbox', warmSandbox);
line('same plugin called directly in Node', direct);
console.log(`${'sandbox overhead per run (p50, wall - direct)'.padEnd(46)} ${ms(pct(warmWall, 50) - pct(direct, 50))}`);
console.log(`${'  of which new QuickJS runtime+context+run'.padEnd(46)} ${ms(pct(warmSandbox, 50) - pct(direct, 50))}\n`);

// Throughput across the pool.
const pool = createPluginRunner({ threads: THREADS });
await Promise.all(Array.from({ length: THREADS * 4 }, () => pool.run(request)));
const started = performance.now();
let done = 0;
await Promise.all(
  Array.from({ length: THREADS * 4 }, async () => {
    while (done < RUNS * 2) {
      done += 1;
      await pool.run(request);
    }
  }),
);
console.log(`${`runs/s across the pool (${THREADS} threads)`.padEnd(46)} ${((done / (performance.now() - started)) * 1000).toFixed(0)}\n`);

// The API while plugins run at full tilt: sequential record reads, idle and then with the pool busy.
const app = await startTestApp('pglite', { patients: 200 });
const token = await app.tokenFor('clinician.Z91001');
const listed = await app.gql<{ practice: { patients: { edges: Array<{ node: { nhsNumber: string } }> } } }>(
  '{ practice(odsCode: "Z91001") { ... on Practice { patients(first: 20) { edges { node { nhsNumber } } } } } }',
  {},
  token,
);
const patients = listed.data!.practice.patients.edges.map((e) => e.node.nhsNumber);
async function apiLatencies(count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const [wall, answer] = await timed(() => app.gql(RECORD_QUERY, { nhsNumber: patients[i % patients.length] }, token));
    if (!answer.data) throw new Error(JSON.stringify(answer.errors));
    out.push(wall);
  }
  return out;
}
await apiLatencies(50);
const idle = await apiLatencies(RUNS);
let busy = true;
const load = Promise.all(
  Array.from({ length: THREADS * 2 }, async () => {
    while (busy) await pool.run(request);
  }),
);
const underLoad = await apiLatencies(RUNS);
busy = false;
await load;
line('API record read, idle', idle);
line(`API record read, plugins at full tilt`, underLoad);
console.log(`${'API p99 ratio (full tilt / idle)'.padEnd(46)} ${(pct(underLoad, 99) / pct(idle, 99)).toFixed(2)}`);
console.log(`\n(seed ${SEED}, anchor ${ANCHOR.toISOString().slice(0, 10)}, PGlite in process)`);
await pool.close();
await app.close();
