// Attacks on the plugin sandbox, through the real worker pool: each is contained with a clear run
// outcome, nothing of the host is reachable or changed, the pool keeps serving, and the API keeps
// answering while a plugin spins.
import { createPluginRunner, type PluginRunner, type RunResult } from '@gp-open-integration/sdk/runner';
import type { RunLimits } from '@gp-open-integration/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/backends.js';
import { startTestApp } from '../support/test-app.js';

const context = { now: '2026-12-01T09:30:00.000Z', practice: { odsCode: 'Z91001' }, trigger: { kind: 'manual' as const } };
/** A plugin that reports what it found as the title of one task. */
const report = (expression: string) => `[{ kind: 'practice-task.create', nhsNumber: '9990000018', title: String(${expression}).slice(0, 200) }]`;

let runner: PluginRunner;
const hostPrototypes = () => ({
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
  func: Object.getOwnPropertyNames(Function.prototype).sort(),
  promise: Object.getOwnPropertyNames(Promise.prototype).sort(),
  globals: Object.getOwnPropertyNames(globalThis).sort(),
});
let before: ReturnType<typeof hostPrototypes>;

beforeAll(() => {
  before = hostPrototypes();
  runner = createPluginRunner({ threads: 2 });
});
afterAll(async () => {
  await runner.close();
});

function attack(body: string, limits: Partial<RunLimits> = {}, input: unknown = {}): Promise<RunResult> {
  return runner.run({ bundle: `export default { ${body} }`, input, context, limits: { timeoutMs: 2_000, ...limits }, allowedEffects: ['practice-task.create'] });
}

/** Runs that should succeed get a generous deadline: the machine running the tests may be busy. */
async function reported(body: string): Promise<string> {
  const result = await attack(body, { timeoutMs: 2_000 });
  expect(result.outcome, result.error ?? '').toBe('OK');
  const [effect] = result.effects;
  return effect?.kind === 'practice-task.create' ? effect.title : '';
}

describe('escape techniques behind the vm2 advisories find nothing of the host', () => {
  it('Error.prepareStackTrace and stack-frame getThis are never called with host frames', async () => {
    const found = await reported(`run() {
      let frames = 'never called';
      Error.prepareStackTrace = (error, callSites) => { frames = typeof callSites[0]?.getThis; return 'x'; };
      try { null.f(); } catch (e) { String(e.stack); }
      return ${report("frames + ' ' + typeof process + ' ' + typeof require")};
    }`);
    expect(found).toBe('never called undefined undefined');
  });

  it('an exception thrown by a host function arrives as a guest error whose constructors are the guest\'s', async () => {
    const found = await reported(`run(input, context) {
      let seen = 'no exception';
      try { for (let i = 0; i < 2000; i++) context.log('x'); }
      catch (e) { seen = e.constructor.constructor('return typeof process + typeof require + typeof globalThis.Buffer')() + ' ' + e.message; }
      return ${report('seen')};
    }`);
    expect(found).toBe('undefinedundefinedundefined too many log calls');
  });

  it('constructor chains reach only the guest global: no process, require, Buffer, timers, fetch', async () => {
    const found = await reported(`run() {
      const g = (function () {}).constructor('return this')();
      const names = ['process', 'require', 'module', 'Buffer', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'fetch', 'WebAssembly', 'XMLHttpRequest', 'importScripts'];
      return ${report("names.filter((n) => typeof g[n] !== 'undefined').join(',') || 'none'")};
    }`);
    expect(found).toBe('none');
  });

  it('a Proxy returned as the result is read only inside the guest: its traps cannot run past the deadline', async () => {
    const result = await attack(`run() { return new Proxy([], { get(t, k) { if (k === 'length') return 1e9; return { kind: 'practice-task.create', nhsNumber: '9990000018', title: 'p' }; } }); }`);
    expect(['TIMEOUT', 'OUT_OF_MEMORY', 'EFFECTS_REFUSED']).toContain(result.outcome);
    expect(result.effects).toEqual([]);
  });

  it('nodejs.util.inspect.custom and getters on the result are never run by the host', async () => {
    const result = await attack(`run() {
      return [{ kind: 'practice-task.create', nhsNumber: '9990000018', title: 't', get nhsNumber() { return '9990000018'; }, [Symbol.for('nodejs.util.inspect.custom')]() { throw new Error('host ran me'); } }];
    }`);
    expect(result.outcome).toBe('OK');
    expect(result.effects).toEqual([{ kind: 'practice-task.create', nhsNumber: '9990000018', title: 't' }]);
    expect(Object.getOwnPropertySymbols(result.effects[0])).toEqual([]);
  });

  it('Promise @@species tricks stay in the guest and end at the deadline', async () => {
    const result = await attack(`run() {
      class Evil extends Promise { static get [Symbol.species]() { return function (executor) { for (;;) {} }; } }
      return Evil.resolve([]).then((x) => x);
    }`);
    expect(result.outcome).toBe('TIMEOUT');
    expect(Promise.prototype.then.name).toBe('then');
  });

  it('__proto__, constructor and prototype keys in the result are dropped; the host prototypes are untouched', async () => {
    const result = await attack(`run() {
      return JSON.parse('[{"kind":"practice-task.create","nhsNumber":"9990000018","title":"t","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}]');
    }`);
    expect(result.outcome).toBe('OK');
    expect(result.effects[0]).toEqual({ kind: 'practice-task.create', nhsNumber: '9990000018', title: 't' });
    expect(Object.keys(result.effects[0]!)).toEqual(['kind', 'nhsNumber', 'title']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(result.effects[0])).toBe(Object.prototype);
  });

  it('imports other than the SDK plugin module are refused, static or dynamic', async () => {
    const staticImport = await runner.run({ bundle: `import fs from 'node:fs'; export default { run() { return []; } }`, input: {}, context, allowedEffects: [] });
    expect(staticImport).toMatchObject({ outcome: 'ERROR', error: expect.stringContaining("import of 'node:fs' is not allowed") });
    const dynamicImport = await attack(`async run() { await import('child_process'); return []; }`);
    expect(dynamicImport).toMatchObject({ outcome: 'ERROR', error: expect.stringContaining("import of 'child_process' is not allowed") });
  });

  it('the clock is the host\'s and one run leaves nothing for the next', async () => {
    expect(await reported(`run() { globalThis.leftOver = 'secret'; return ${report("new Date().toISOString() + ' ' + Date.now()")}; }`)).toBe(
      `2026-12-01T09:30:00.000Z ${Date.parse(context.now)}`,
    );
    expect(await reported(`run() { return ${report('typeof globalThis.leftOver')}; }`)).toBe('undefined');
  });

  it('the machine\'s clock stays out of reach: no way round Date leads to the real constructor', async () => {
    const host = Date.parse(context.now);
    // Each route gives the host's time or is no constructor at all.
    const routes: [string, number | string][] = [
      ['new (Object.getPrototypeOf(Date))().getTime()', 'TypeError'],
      ['Reflect.construct(Object.getPrototypeOf(Date), []).getTime()', 'TypeError'],
      ['new (new Date().constructor)().getTime()', host],
      ['new (Date.prototype.constructor)().getTime()', host],
      ['new (class Later extends Date {})().getTime()', host],
      ['new (Object.getPrototypeOf(class Later extends Date {}))().getTime()', host],
      ['Date.now.call(Object.getPrototypeOf(Date))', host],
    ];
    const tried = routes.map(([route]) => `(() => { try { return ${route}; } catch (e) { return e.name; } })()`);
    expect(await reported(`run() { return ${report(`[${tried.join(', ')}].join()`)}; }`)).toBe(routes.map(([, seen]) => seen).join());
    // The rest of Date behaves as the standard says.
    expect(await reported(`run() { return ${report(`[
      Date() === new Date().toString(), new Date() instanceof Date, new Date(0).toISOString(), Date.UTC(2020, 0, 2), Date.parse('2020-01-02T00:00:00Z'),
      new (class Later extends Date {})() instanceof Date, Date.name, Date.length, Object.keys(Date).length,
    ].join()`)}; }`)).toBe(`true,true,1970-01-01T00:00:00.000Z,1577923200000,1577923200000,true,Date,7,0`);
  });
});

describe('runs sharing a warm worker are isolated from each other', () => {
  // What a plugin sees of its realm: globals, intrinsics, the SDK module, the clock.
  const probe = `import { definePlugin } from '@gp-open-integration/sdk/plugin';
    export default { run() {
      const seen = [typeof globalThis.leftOver, ({}).polluted, [1, 2].map((x) => x * 2).join(), JSON.stringify({ a: 1 }), String(Promise.prototype.then).includes('[native code]'),
        typeof Error.prepareStackTrace, String(definePlugin.marked), typeof FinalizationRegistry, typeof WeakRef, String(globalThis.count), Date.now(), Object.keys(globalThis).join()];
      return ${report("seen.map(String).join('|')")};
    } };`;
  const hostile = [
    // Pollutes every shared-looking thing it can reach, then ends cleanly (so its runtime is kept warm).
    `import { definePlugin } from '@gp-open-integration/sdk/plugin';
     export default { run() {
       globalThis.leftOver = 'secret'; Object.prototype.polluted = 'yes'; Array.prototype.map = () => ['hijacked'];
       JSON.parse = () => ({}); Error.prepareStackTrace = () => 'hijacked'; definePlugin.marked = true; Date.now = () => 0;
       const then = Promise.prototype.then; Promise.prototype.then = function (a, b) { return then.call(this, a, b); };
       Symbol.for('gpoi.secret');
       return [];
     } };`,
    // Leaves promise jobs queued for ever after its answer.
    `export default { run() { const spin = () => Promise.resolve().then(() => { globalThis.count = (globalThis.count || 0) + 1; spin(); }); spin(); return []; } };`,
  ];

  it('globals, intrinsics, module state and queued jobs of a hostile run are gone for the next run on the same worker', async () => {
    const single = createPluginRunner({ threads: 1 });
    try {
      const look = async () => {
        const result = await single.run({ bundle: probe, input: {}, context, limits: { timeoutMs: 2_000 }, allowedEffects: ['practice-task.create'] });
        expect(result.outcome, result.error ?? '').toBe('OK');
        const [effect] = result.effects;
        return effect?.kind === 'practice-task.create' ? effect.title : '';
      };
      const fresh = await look();
      expect(fresh).toMatch(/^undefined\|undefined\|2,4\|\{"a":1\}\|true\|undefined\|undefined\|undefined\|undefined\|undefined\|\d+\|/);
      for (const bundle of hostile) {
        expect(await single.run({ bundle, input: {}, context, limits: { timeoutMs: 2_000 }, allowedEffects: [] })).toMatchObject({ outcome: 'OK' });
        expect(await look()).toBe(fresh);
      }
      // Nothing above needed a new worker: the isolation is per run, not per worker.
      expect(single.recycledWorkers).toBe(0);
    } finally {
      await single.close();
    }
  });

  it('a run reaching an idle worker, whose context was made in advance, has its own clock and a clean realm', async () => {
    const single = createPluginRunner({ threads: 1 });
    try {
      const later = { ...context, now: '2027-03-04T05:06:07.000Z' };
      expect(await single.run({ bundle: hostile[0]!, input: {}, context, limits: { timeoutMs: 2_000 }, allowedEffects: [] })).toMatchObject({ outcome: 'OK' });
      // The worker is idle meanwhile, so it makes the next run's context before the run arrives.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const result = await single.run({ bundle: probe, input: {}, context: later, limits: { timeoutMs: 2_000 }, allowedEffects: ['practice-task.create'] });
      expect(result.outcome, result.error ?? '').toBe('OK');
      const [effect] = result.effects;
      expect(effect?.kind === 'practice-task.create' ? effect.title : '').toMatch(
        new RegExp(`^undefined\\|undefined\\|2,4\\|\\{"a":1\\}\\|true\\|undefined\\|undefined\\|undefined\\|undefined\\|undefined\\|${Date.parse(later.now)}\\|`),
      );
    } finally {
      await single.close();
    }
  });
});

describe('resource attacks end with a clear outcome and a fresh worker', () => {
  it('an infinite loop, and one that catches its interrupts, time out', async () => {
    expect((await attack('run() { for (;;) {} }')).outcome).toBe('TIMEOUT');
    expect((await attack('run() { for (;;) { try { for (;;) {} } catch {} } }')).outcome).toBe('TIMEOUT');
  });

  it('caught interrupts inside promise jobs cannot keep the job queue draining', async () => {
    expect((await attack('async run() { for (;;) { try { await null; for (;;) {} } catch {} } }')).outcome).toBe('TIMEOUT');
  });

  it('long work inside single native calls (sort, BigInt, join, indexOf, JSON) is stopped by the watchdog', async () => {
    const recycled = runner.recycledWorkers;
    const natives = [
      'const a = []; for (let i = 0; i < 3e5; i++) a.push((i * 7919) % 1000); for (;;) a.sort((x, y) => x - y);',
      'for (;;) (7n ** 300000n).toString();',
      "const a = new Array(1e6).fill('ab'); for (;;) a.join('').indexOf('c');",
      'let x = {}; for (let i = 0; i < 40; i++) x = { a: x, b: x }; JSON.stringify(x);',
    ];
    for (const body of natives) {
      const result = await attack(`run() { ${body} return []; }`);
      expect(['TIMEOUT', 'OUT_OF_MEMORY'], body).toContain(result.outcome);
    }
    expect(runner.recycledWorkers).toBeGreaterThanOrEqual(recycled + natives.length);
  });

  it('a run queued behind a runaway one gets its whole deadline once it reaches the fresh worker', async () => {
    const single = createPluginRunner({ threads: 1 });
    try {
      const runaway = single.run({ bundle: 'export default { run() { for (;;) (7n ** 300000n).toString(); } }', input: {}, context, limits: { timeoutMs: 2_000 }, allowedEffects: [] });
      // Waits in the queue for longer than its own deadline; only its time on a worker counts.
      const queued = single.run({ bundle: 'export default { run() { return []; } }', input: {}, context, limits: { timeoutMs: 1_500 }, allowedEffects: [] });
      expect((await runaway).outcome).toBe('TIMEOUT');
      const result = await queued;
      expect(result.outcome, result.error ?? '').toBe('OK');
      expect(single.recycledWorkers).toBe(1);
    } finally {
      await single.close();
    }
  });

  it('memory bombs end OUT_OF_MEMORY (QuickJS limit or the capped WebAssembly memory)', async () => {
    const limits = { memoryBytes: 8 * 1024 * 1024, timeoutMs: 2_000 };
    expect((await attack('run() { new ArrayBuffer(1024 * 1024 * 1024); return []; }', limits)).outcome).toBe('OUT_OF_MEMORY');
    expect((await attack("run() { 'x'.repeat(200 * 1024 * 1024); return []; }", limits)).outcome).toBe('OUT_OF_MEMORY');
    // One allocation at a time, past QuickJS's own accounting (typed arrays, ropes): the capped
    // WebAssembly memory or the deadline ends it, whichever comes first on a busy machine.
    for (const body of ['const a = []; for (;;) a.push(new Uint8Array(1024 * 1024));', "const a = []; for (let i = 0; ; i++) a.push('x'.repeat(1e6) + i);"]) {
      expect(['OUT_OF_MEMORY', 'TIMEOUT'], body).toContain((await attack(`run() { ${body} }`, limits)).outcome);
    }
  });

  it('deep recursion and deeply nested source overflow QuickJS\'s stack, not the worker\'s', async () => {
    // The deadline is long because what is tested is where the stack ends, not how soon: on a busy
    // machine (and at the pool's lower priority) reaching QuickJS's stack limit can take seconds.
    const slow = { timeoutMs: 20_000 };
    expect(await attack('run() { const f = (n) => f(n + 1) + 1; return f(0); }', slow)).toMatchObject({ outcome: 'ERROR', error: expect.stringContaining('stack overflow') });
    const nested = await runner.run({ bundle: `export default { run() { return ${'['.repeat(30_000)}${']'.repeat(30_000)}; } }`, input: {}, context, limits: slow, allowedEffects: [] });
    expect(nested).toMatchObject({ outcome: 'ERROR', error: expect.stringContaining('stack overflow') });
  });

  it('huge outputs and floods of effects are refused, nothing applied', async () => {
    const huge = await attack("run() { return [{ kind: 'practice-task.create', nhsNumber: '9990000018', title: 'x'.repeat(300 * 1024) }]; }");
    expect(huge).toMatchObject({ outcome: 'EFFECTS_REFUSED', effects: [], error: expect.stringContaining('over') });
    const flood = await attack(`run() { return Array.from({ length: 10000 }, () => (${report("'t'")})[0]); }`, { outputBytes: 256 * 1024 });
    expect(flood).toMatchObject({ outcome: 'EFFECTS_REFUSED', effects: [] });
    const overCount = await attack(`run() { return Array.from({ length: 51 }, () => (${report("'t'")})[0]); }`);
    expect(overCount).toMatchObject({ outcome: 'EFFECTS_REFUSED', proposedCount: 51, error: '51 effects proposed; the limit is 50' });
  });

  it('log floods are capped and counted', async () => {
    const result = await attack("run(input, context) { for (let i = 0; i < 500; i++) context.log('line ' + i); return []; }", { logLines: 10 });
    expect(result.outcome).toBe('OK');
    expect(result.logs).toHaveLength(10);
    expect(result.logsDropped).toBe(490);
  });

  it('after every attack the pool still runs plugins and the host is unchanged', async () => {
    expect(await reported(`run() { return ${report("'still here'")}; }`)).toBe('still here');
    expect(hostPrototypes()).toEqual(before);
  });
});

describe.each(await availableBackends())('the API while plugins spin (%s)', (backend) => {
  it('answers a query while both workers are busy with infinite loops', async () => {
    const app = await startTestApp(backend, { patients: 5 });
    try {
      const token = await app.tokenFor('reviewer');
      let runsFinished = false;
      const spinning = Promise.all([attack('run() { for (;;) {} }', { timeoutMs: 2_000 }), attack('run() { for (;;) {} }', { timeoutMs: 2_000 })]).then((results) => {
        runsFinished = true;
        return results;
      });
      const answer = await app.gql<{ clinicalSystems: { id: string }[] }>('{ clinicalSystems { id } }', {}, token);
      expect(runsFinished).toBe(false);
      expect(answer.data?.clinicalSystems.length).toBeGreaterThan(0);
      expect((await spinning).map((r) => r.outcome)).toEqual(['TIMEOUT', 'TIMEOUT']);
    } finally {
      await app.close();
    }
  }, 300_000);
});
