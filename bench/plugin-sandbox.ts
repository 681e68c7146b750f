// Plugin runs for `npm run bench` (scenario x), one round at a time so they interleave with the
// HTTP scenarios: a cold run (a fresh worker: WebAssembly compiled and instantiated first), warm
// runs on one ready worker (a fresh QuickJS context in its warm runtime, as every run gets), back to
// back and reaching an idle worker (which has made the next run's context meanwhile), the
// same plugin function called directly in Node for the sandbox's own overhead, and runs/s across
// the pool. Two plugins: a trivial one (returns no effect) and medication-review on its sample input.
// Scenario f keeps a pool busy with `pluginLoad` while the API is measured. The figures of x are the
// sandbox's own, so its pools run at normal priority; f's pool runs as the platform's does.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from '@gp-open-integration/sdk';
import { createPluginRunner, type PluginRunner, type RunRequest } from '@gp-open-integration/sdk/runner';
import { formatSpread, spread } from './load.js';

const context = { now: '2026-12-01T06:00:00.000Z', practice: { odsCode: 'Z91001' }, trigger: { kind: 'manual' as const } };
const dir = resolve(import.meta.dirname, '../plugins/medication-review');
const TRIVIAL = 'export default { run() { return []; } };';

interface BenchPlugin {
  name: string;
  request: RunRequest;
  direct: Plugin;
}

async function plugins(): Promise<BenchPlugin[]> {
  const input = JSON.parse(readFileSync(resolve(dir, 'input.json'), 'utf8')) as unknown;
  const medication = ((await import(pathToFileURL(resolve(dir, 'plugin.js')).href)) as { default: Plugin }).default;
  const limits = { timeoutMs: 2_000 };
  return [
    { name: 'trivial', request: { bundle: TRIVIAL, input: {}, context, limits, allowedEffects: [] }, direct: { run: () => [] } },
    {
      name: 'medication-review',
      request: { bundle: readFileSync(resolve(dir, 'plugin.js'), 'utf8'), input, context, limits, allowedEffects: ['practice-task.create'] },
      direct: medication,
    },
  ];
}

/** One round's figures for one plugin (ms unless named otherwise). */
export interface PluginRound {
  coldWall: number;
  warmP50: number;
  warmP99: number;
  insideP50: number;
  /** Runs that reach an idle worker (2 ms apart), as event and scheduled runs mostly do. */
  idleP50: number;
  idleP99: number;
  directP50: number;
  /** Warm wall p50 minus direct p50: what the sandbox adds to a run, back to back and from idle. */
  overheadP50: number;
  idleOverheadP50: number;
  runsPerSecond: number;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
};

async function timed<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now();
  const result = await fn();
  return [performance.now() - start, result];
}

export interface PluginBench {
  /** Runs one round of every plugin, spending about `seconds` on each. */
  round(seconds: number): Promise<void>;
  results: Map<string, PluginRound[]>;
  close(): Promise<void>;
}

export async function pluginBench(threads: number): Promise<PluginBench> {
  const list = await plugins();
  const warm = createPluginRunner({ threads: 1, niceness: 0 });
  const pool = createPluginRunner({ threads, niceness: 0 });
  const results = new Map<string, PluginRound[]>();
  // Warm-up: workers started, WebAssembly compiled, JIT warm on both sides.
  for (const p of list) {
    for (let i = 0; i < 50; i++) await warm.run(p.request);
    await Promise.all(Array.from({ length: threads * 4 }, () => pool.run(p.request)));
  }

  async function roundOf(p: BenchPlugin, seconds: number): Promise<PluginRound> {
    const cold = createPluginRunner({ threads: 1, niceness: 0 });
    const [coldWall] = await timed(() => cold.run(p.request));
    await cold.close();

    const wall: number[] = [];
    const inside: number[] = [];
    const until = performance.now() + (seconds * 1000) / 4;
    while (performance.now() < until) {
      const [ms, result] = await timed(() => warm.run(p.request));
      if (result.outcome !== 'OK') throw new Error(`${p.name}: ${result.outcome} ${result.error}`);
      wall.push(ms);
      inside.push(result.durationMs);
    }
    // A worker makes its next run's context while idle; back to back, the next run waits for it.
    const idle: number[] = [];
    const idleUntil = performance.now() + (seconds * 1000) / 4;
    while (performance.now() < idleUntil) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      const [ms, result] = await timed(() => warm.run(p.request));
      if (result.outcome !== 'OK') throw new Error(`${p.name}: ${result.outcome} ${result.error}`);
      idle.push(ms);
    }
    const direct: number[] = [];
    for (let i = 0; i < wall.length; i++) {
      // The input crosses into the sandbox as JSON; the direct call gets its own copy too.
      const [ms] = await timed(() => p.direct.run(JSON.parse(JSON.stringify(p.request.input)), { ...context, log: () => undefined }));
      direct.push(ms);
    }

    let done = 0;
    const started = performance.now();
    const stopAt = started + (seconds * 1000) / 2;
    await Promise.all(
      Array.from({ length: threads * 4 }, async () => {
        while (performance.now() < stopAt) {
          await pool.run(p.request);
          done += 1;
        }
      }),
    );
    const runsPerSecond = (done / (performance.now() - started)) * 1000;
    const warmP50 = percentile(wall, 0.5);
    const directP50 = percentile(direct, 0.5);
    const idleP50 = percentile(idle, 0.5);
    return {
      coldWall, warmP50, warmP99: percentile(wall, 0.99), insideP50: percentile(inside, 0.5), idleP50, idleP99: percentile(idle, 0.99),
      directP50, overheadP50: warmP50 - directP50, idleOverheadP50: idleP50 - directP50, runsPerSecond,
    };
  }

  return {
    results,
    async round(seconds) {
      for (const p of list) results.set(p.name, [...(results.get(p.name) ?? []), await roundOf(p, seconds)]);
    },
    async close() {
      await Promise.all([warm.close(), pool.close()]);
    },
  };
}

/** The figures as median (min–max) over rounds. */
export function formatPluginBench(results: Map<string, PluginRound[]>, threads: number): string {
  const lines = [`plugin runs (x), ${threads} pool threads; ms unless noted; median (min–max) over rounds:`];
  const row = (label: string, values: number[], digits = 2) => lines.push(`  ${label.padEnd(52)} ${formatSpread(spread(values), digits)}`);
  for (const [name, rounds] of results) {
    lines.push(` ${name}:`);
    row('cold run, wall (fresh worker)', rounds.map((r) => r.coldWall));
    row('warm run back to back, wall p50 (pool round trip)', rounds.map((r) => r.warmP50), 3);
    row('warm run back to back, wall p99', rounds.map((r) => r.warmP99), 3);
    row('warm run back to back, inside the sandbox p50', rounds.map((r) => r.insideP50), 3);
    row('warm run reaching an idle worker, wall p50', rounds.map((r) => r.idleP50), 3);
    row('warm run reaching an idle worker, wall p99', rounds.map((r) => r.idleP99), 3);
    row('same function called directly in Node, p50', rounds.map((r) => r.directP50), 4);
    row('sandbox overhead p50, back to back (target ≤ 1 ms)', rounds.map((r) => r.overheadP50), 3);
    row('sandbox overhead p50, idle worker (target ≤ 1 ms)', rounds.map((r) => r.idleOverheadP50), 3);
    row('warm wall / direct, p50 (ratio)', rounds.map((r) => r.warmP50 / Math.max(r.directP50, 0.001)), 0);
    row(`runs/s across the pool (${threads} threads)`, rounds.map((r) => r.runsPerSecond), 0);
  }
  return lines.join('\n');
}

/**
 * Keeps a pool at full tilt (medication-review) until stopped: the load of scenario f. It runs
 * inside the API's server process (bench/server.ts), where the platform's pool lives, so the
 * host side of each run shares the API's event loop as it does in production.
 */
export async function pluginLoad(threads: number, niceness: number): Promise<{ stop(): Promise<{ runs: number; seconds: number }> }> {
  const [, medication] = await plugins();
  const pool: PluginRunner = createPluginRunner({ threads, niceness });
  // Workers started and WebAssembly compiled before the load counts.
  await Promise.all(Array.from({ length: threads * 2 }, () => pool.run(medication!.request)));
  let running = true;
  let runs = 0;
  const started = performance.now();
  const loops = Array.from({ length: threads * 2 }, async () => {
    while (running) {
      await pool.run(medication!.request);
      runs += 1;
    }
  });
  return {
    async stop() {
      running = false;
      const seconds = (performance.now() - started) / 1000;
      await Promise.all(loops);
      await pool.close();
      return { runs, seconds };
    },
  };
}
