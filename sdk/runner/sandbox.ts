// One plugin run inside QuickJS (WebAssembly), synchronous build. This file runs inside a pool
// worker; the limits QuickJS cannot hold on its own (work inside one native call, the WebAssembly
// heap, the V8 stack) are held from outside too: the worker's stack is far larger than QuickJS's,
// the WebAssembly memory has a hard maximum, and the pool's watchdog terminates a worker that
// overruns its deadline. Nothing here hands the guest a host object: it sees two strings (input
// and context), one logging function taking only a checked string, and gives back one string.
// The guest's only clock is the WebAssembly build's, which reads this thread's `Date.now`; while a
// run executes, that answers the run's time (see withRunClock), so no way round `Date` inside the
// guest reaches the machine's clock. The host's own deadlines read `machineNow`.
import releaseSyncModule from '@jitl/quickjs-wasmfile-release-sync';
import {
  type QuickJSSyncVariant,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import { PLATFORM_LIMITS, type RunLimits } from '../manifest.js';
import { PLUGIN_MODULE_SANDBOX_SOURCE, PLUGIN_MODULE_SPECIFIER } from '../plugin.js';
import { parseWithoutPrototypeKeys } from './safe-json.js';

export interface SandboxTask {
  /** The plugin: one JavaScript module. */
  bundle: string;
  /** The input as JSON text (already size-checked by the host). */
  inputJson: string;
  /** The context as JSON text: now, practice, trigger. */
  contextJson: string;
  /** Milliseconds since the epoch that every clock inside the run reads (`new Date()`, `Date.now()`). */
  nowMs: number;
  limits: RunLimits;
  /** Only compile the bundle (a syntax check at publish); nothing of it runs. */
  compileOnly?: boolean;
}

export type SandboxOutcome = 'OK' | 'TIMEOUT' | 'OUT_OF_MEMORY' | 'OUTPUT_TOO_LARGE' | 'ERROR';

export interface SandboxResult {
  outcome: SandboxOutcome;
  /** What `run` returned, parsed from JSON without prototype keys (OK only). */
  output: unknown;
  error: string | null;
  logs: string[];
  logsDropped: number;
  durationMs: number;
  /** QuickJS heap in use at the end of the run (bytes). */
  memoryBytes: number;
  /** The WebAssembly instance may be in a bad state: the worker must be replaced. */
  recycle: boolean;
}

/** Hard cap on the WebAssembly memory: the largest QuickJS heap a manifest may ask for plus room for the runtime. */
export const WASM_MEMORY_MAX_BYTES = PLATFORM_LIMITS.memoryBytes + 32 * 1024 * 1024;
const WASM_PAGE = 64 * 1024;
/** Promise jobs drained per run, whatever the deadline says: a loop of caught interrupts cannot spin forever. */
const MAX_PROMISE_JOBS = 100_000;
/** Log calls accepted per run, counted even when the lines are dropped. */
const MAX_LOG_CALLS = 1_000;
const MAX_ERROR_CHARS = 1_000;
/** This thread's clock, kept before any run can stand in for it. */
const machineNow = Date.now;

// The variant's types describe its CommonJS face; under ESM the variant is the default export.
const releaseSyncVariant = ((releaseSyncModule as { default?: QuickJSSyncVariant }).default ?? releaseSyncModule) as QuickJSSyncVariant;
// Node has WebAssembly; the project's lib settings do not describe it.
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number }) => object } }).WebAssembly;

export async function loadSandboxModule(): Promise<QuickJSWASMModule> {
  const variant = newVariant(releaseSyncVariant, {
    // 16 MiB is the size the build starts at; growth past the maximum fails inside malloc.
    wasmMemory: new Memory({ initial: 256, maximum: WASM_MEMORY_MAX_BYTES / WASM_PAGE }) as never,
    // QuickJS's own aborts are reported as run outcomes, not printed.
    emscriptenModule: { print: () => undefined, printErr: () => undefined } as never,
  });
  return newQuickJSWASMModuleFromVariant(variant);
}

const PLUGIN_SPECIFIER = 'gpoi:plugin';
/** The bundle under a syntax check, followed by an import that never loads (see syntaxErrorOf). */
const CHECKED_SPECIFIER = 'gpoi:syntax-check';
const NEVER_LOADED_SPECIFIER = 'gpoi:never-loaded';

/**
 * A QuickJS runtime kept warm in its worker: each run gets a fresh context in it (its own globals,
 * intrinsics and module map), so a run pays neither for a runtime nor for its memory-usage context.
 * The runtime is replaced after any run that did not end cleanly, that left promise jobs behind, or
 * that left more than RETIRE_ABOVE_BYTES of heap once its context was gone, and every MAX_RUNS runs.
 * The next run's context is made while the worker is idle (prepareNextRun): created, bootstrapped
 * and given the SDK module, with no guest code run in it, so a run starts straight at the plugin.
 * A clean run's own context is disposed then too (tidyAfterRun), once its answer has been sent.
 */
interface WarmRuntime {
  runtime: QuickJSRuntime;
  runs: number;
  /** What the runtime-wide hooks (interrupt handler, module loader) serve: the run in progress. */
  current: { bundle: string; deadline: number; interrupted: boolean };
  /** Heap the runtime held once the last run's context was gone (garbage not yet collected). */
  leftover: number;
  next: PreparedContext | null;
  /** The context of a run that ended cleanly, disposed once its answer is on its way (tidyAfterRun). */
  finished: PreparedContext | null;
}
interface PreparedContext {
  context: QuickJSContext;
  /** The run's driver (made by BOOTSTRAP): (inputJson, contextJson) => Promise<string>. */
  driver: QuickJSHandle;
  /** Where the context's log function sends each call: the run in progress. */
  log: (message: QuickJSHandle) => void;
}
const warmRuntimes = new WeakMap<QuickJSWASMModule, WarmRuntime>();
const MAX_RUNS_PER_RUNTIME = 1_000;
const RETIRE_ABOVE_BYTES = 8 * 1024 * 1024;
/** Time allowed to our own bootstrap while a context is prepared (no guest code runs then). */
const PREPARE_DEADLINE_MS = 1_000;

function warmRuntime(module: QuickJSWASMModule): WarmRuntime {
  const existing = warmRuntimes.get(module);
  if (existing?.runtime.alive) return existing;
  const runtime = module.newRuntime();
  const current = { bundle: '', deadline: 0, interrupted: false };
  // Once past the deadline every check interrupts again, so a guest that catches one cannot go on.
  runtime.setInterruptHandler(() => (current.interrupted ||= machineNow() > current.deadline));
  runtime.setModuleLoader(
    (name) => {
      if (name === PLUGIN_SPECIFIER) return current.bundle;
      if (name === CHECKED_SPECIFIER) return `${current.bundle}\nimport '${NEVER_LOADED_SPECIFIER}';\n`;
      if (name === NEVER_LOADED_SPECIFIER) return { error: new Error('syntax check only') };
      if (name === PLUGIN_MODULE_SPECIFIER) return PLUGIN_MODULE_SANDBOX_SOURCE;
      return { error: new Error(`import of '${name.slice(0, 100)}' is not allowed in a plugin`) };
    },
    (_base, requested) => requested,
  );
  const warm: WarmRuntime = { runtime, runs: 0, current, leftover: heapInUse(runtime), next: null, finished: null };
  warmRuntimes.set(module, warm);
  return warm;
}

/** Disposes the warm runtime; false if it could not be freed cleanly (the worker must then go). */
function retireRuntime(module: QuickJSWASMModule, warm: WarmRuntime): boolean {
  warmRuntimes.delete(module);
  try {
    if (warm.next?.context.alive) disposePrepared(warm.next);
    if (warm.finished?.context.alive) disposePrepared(warm.finished);
    warm.runtime.dispose();
    return true;
  } catch {
    return false;
  }
}

/** A fresh context for the next run: bootstrapped, holding the SDK module, not yet seen by any guest. */
function prepareContext(warm: WarmRuntime): PreparedContext {
  const { runtime, current } = warm;
  current.bundle = '';
  current.deadline = machineNow() + PREPARE_DEADLINE_MS;
  current.interrupted = false;
  // The run sets its own limits; what is made here is the platform's code only.
  runtime.setMemoryLimit(-1);
  const context = runtime.newContext();
  const prepared: PreparedContext = { context, driver: context.undefined, log: () => undefined };
  try {
    setGlobal(context, '__gpoiLog', context.newFunction('log', (message) => prepared.log(message)));
    prepared.driver = context.evalCode(BOOTSTRAP, 'bootstrap.js').unwrap();
    const imported = context.evalCode(`import('${PLUGIN_MODULE_SPECIFIER}')`, 'prepare.js').unwrap();
    try {
      runtime.executePendingJobs().unwrap();
      const state = context.getPromiseState(imported);
      if (state.type === 'fulfilled') state.value.dispose();
      else if (state.type === 'rejected') state.error.dispose();
      if (state.type !== 'fulfilled' || runtime.hasPendingJob()) throw new Error('the SDK module did not load');
    } finally {
      imported.dispose();
    }
    return prepared;
  } catch (error) {
    disposePrepared(prepared);
    throw error;
  }
}

function disposePrepared(prepared: PreparedContext) {
  if (prepared.driver.alive) prepared.driver.dispose();
  prepared.context.dispose();
}

/**
 * Makes the next run's context ahead of time, while the worker has nothing else to do. A failure
 * here is left for the next run, which then makes its context itself and reports what happened.
 */
export function prepareNextRun(module: QuickJSWASMModule): void {
  try {
    if (!tidyAfterRun(module)) return;
    const warm = warmRuntime(module);
    if (!warm.next) warm.next = prepareContext(warm);
  } catch {
    // The next run starts without a prepared context.
  }
}

/**
 * Disposes the context of the last run that ended cleanly and measures what the runtime still holds
 * (the next run's memory limit comes on top of it), retiring the runtime when it is due. A run
 * leaves this for after its answer has been sent; the next run does it first if the worker had no
 * idle moment. False when the runtime could not be freed: the WebAssembly instance is then suspect
 * and no further run may use it.
 */
export function tidyAfterRun(module: QuickJSWASMModule): boolean {
  const warm = warmRuntimes.get(module);
  if (!warm?.finished) return true;
  let keep = true;
  try {
    disposePrepared(warm.finished);
    warm.finished = null;
    warm.leftover = heapInUse(warm.runtime);
    if (warm.runs >= MAX_RUNS_PER_RUNTIME || warm.leftover > RETIRE_ABOVE_BYTES) keep = false;
  } catch {
    keep = false;
  }
  return keep || retireRuntime(module, warm);
}

// Runs in the guest as a context is prepared: routes console to the capped log and evaluates to
// the run's driver, which the host calls with the run's input and context (as JSON text) before any
// plugin code is loaded. Nothing of it stays reachable from globalThis.
const BOOTSTRAP = `(() => {
  const hostLog = globalThis.__gpoiLog;
  delete globalThis.__gpoiLog;
  const text = (part) => { try { return typeof part === 'string' ? part : JSON.stringify(part) ?? String(part); } catch { return '[unprintable]'; } };
  const log = (...parts) => { hostLog(parts.map(text).join(' ')); };
  globalThis.console = { log, info: log, warn: log, error: log, debug: log };
  // Their callbacks could run after the run's own context is gone, inside a later run's job queue.
  delete globalThis.FinalizationRegistry;
  delete globalThis.WeakRef;
  const describe = (e) => { try { return String(e && e.name) + ': ' + String(e && e.message); } catch { return 'Error: unprintable'; } };
  // The run itself: import the plugin, call run(input, context), hand back one JSON string.
  return (inputJson, contextJson) => {
    const input = JSON.parse(inputJson);
    const context = JSON.parse(contextJson);
    context.log = log;
    return import('${PLUGIN_SPECIFIER}')
      .then((ns) => {
        const plugin = ns.default ?? ns;
        if (!plugin || typeof plugin.run !== 'function') throw new TypeError('the module must export default { run(input, context) }');
        return plugin.run(input, context);
      })
      .then((output) => JSON.stringify({ ok: output === undefined ? [] : output }))
      .catch((e) => JSON.stringify({ error: describe(e).slice(0, ${MAX_ERROR_CHARS}) }));
  };
})()`;

export function runInSandbox(module: QuickJSWASMModule, task: SandboxTask): SandboxResult {
  return withRunClock(task.nowMs, () => runWithClockSet(module, task));
}

/**
 * Sets this thread's `Date.now`, the WebAssembly build's only clock, to the run's time for as long
 * as `body` runs. A run is synchronous from start to end (its promise jobs are drained here too), so
 * no other code of this thread runs meanwhile and sees the run's time.
 */
function withRunClock<T>(nowMs: number, body: () => T): T {
  Date.now = () => nowMs;
  try {
    return body();
  } finally {
    Date.now = machineNow;
  }
}

function runWithClockSet(module: QuickJSWASMModule, task: SandboxTask): SandboxResult {
  const started = performance.now();
  const deadline = machineNow() + task.limits.timeoutMs;
  const logs: string[] = [];
  let logBytes = 0;
  let logsDropped = 0;
  let logCalls = 0;
  const last: { result: SandboxResult | null } = { result: null };
  const finish = (outcome: SandboxOutcome, fields: Partial<SandboxResult> = {}): SandboxResult => (last.result = {
    outcome,
    output: null,
    error: null,
    logs,
    logsDropped,
    durationMs: performance.now() - started,
    memoryBytes: 0,
    recycle: outcome !== 'OK' && outcome !== 'ERROR' && outcome !== 'OUTPUT_TOO_LARGE',
    ...fields,
  });

  let warm: WarmRuntime | undefined;
  let prepared: PreparedContext | undefined;
  try {
    if (!tidyAfterRun(module)) return finish('ERROR', { error: 'the sandbox could not be reset', recycle: true });
    warm = warmRuntime(module);
    const ready = warm.next ?? prepareContext(warm);
    warm.next = null;
    prepared = ready;
    const ctx = ready.context;
    const { runtime, current } = warm;
    warm.runs += 1;
    current.bundle = task.bundle;
    current.deadline = deadline;
    current.interrupted = false;
    const interruptedNow = () => current.interrupted;
    // Heap the runtime already holds (garbage of earlier runs not yet collected): the run's limit comes on top.
    const leftover = warm.leftover;
    runtime.setMemoryLimit(task.limits.memoryBytes + leftover);
    runtime.setMaxStackSize(task.limits.stackBytes);
    if (task.compileOnly) {
      const error = syntaxErrorOf(ctx, runtime);
      return error === null ? finish('OK') : finish('ERROR', { error: error.slice(0, MAX_ERROR_CHARS) });
    }

    ready.log = (message) => {
      logCalls += 1;
      if (logCalls > MAX_LOG_CALLS) throw new Error('too many log calls');
      // Only a string primitive is read: converting anything else would run guest code from here.
      if (ctx.typeof(message) !== 'string') return;
      const length = withHandle(ctx.getProp(message, 'length'), (h) => ctx.getNumber(h));
      if (logs.length >= task.limits.logLines || logBytes + length > task.limits.logBytes) {
        logsDropped += 1;
        return;
      }
      const line = ctx.getString(message);
      logBytes += line.length;
      logs.push(line);
    };
    const started = withHandle(ctx.newString(task.inputJson), (input) =>
      withHandle(ctx.newString(task.contextJson), (contextJson) => ctx.callFunction(ready.driver, ctx.undefined, input, contextJson)),
    );
    if (started.error) {
      started.error.dispose();
      return finish(interruptedNow() ? 'TIMEOUT' : 'ERROR', { error: interruptedNow() ? 'deadline passed' : 'the plugin could not start' });
    }
    const promise = started.value;
    try {
      let jobs = 0;
      for (;;) {
        const state = ctx.getPromiseState(promise);
        if (state.type === 'fulfilled') {
          const read = readResult(ctx, state.value, task.limits.outputBytes);
          state.value.dispose();
          if (read.tooLarge) return finish('OUTPUT_TOO_LARGE', { error: `the result is over ${task.limits.outputBytes} bytes` });
          const memoryBytes = Math.max(0, heapInUse(runtime) - leftover);
          const parsed = read.json === null ? null : (parseWithoutPrototypeKeys(read.json) as { ok?: unknown; error?: string } | null);
          if (!parsed || typeof parsed !== 'object') return finish('ERROR', { error: 'the result could not be read', memoryBytes });
          if (typeof parsed.error === 'string') {
            const outcome = interruptedNow() ? 'TIMEOUT' : /out of memory/i.test(parsed.error) ? 'OUT_OF_MEMORY' : 'ERROR';
            return finish(outcome, { error: parsed.error, memoryBytes });
          }
          return finish('OK', { output: parsed.ok, memoryBytes });
        }
        if (state.type === 'rejected') {
          state.error.dispose();
          return finish(interruptedNow() ? 'TIMEOUT' : 'ERROR', { error: interruptedNow() ? 'deadline passed' : 'the plugin failed', recycle: true });
        }
        if (interruptedNow() || machineNow() > deadline || jobs >= MAX_PROMISE_JOBS) return finish('TIMEOUT', { error: 'deadline passed' });
        if (!runtime.hasPendingJob()) return finish('ERROR', { error: 'run() returned a promise that never settles' });
        const drained = runtime.executePendingJobs(64);
        if (drained.error) {
          drained.error.dispose();
          jobs += 64;
        } else {
          jobs += Math.max(1, drained.value);
        }
      }
    } finally {
      if (promise.alive) promise.dispose();
    }
  } catch (error) {
    // A failure of the host side of the boundary (WebAssembly trap, V8 stack, allocation failure).
    const message = error instanceof Error ? `${error.name}: ${error.message}` : 'sandbox failure';
    const outcome = warm?.current.interrupted ? 'TIMEOUT' : /memory|OOM|Aborted/i.test(message) ? 'OUT_OF_MEMORY' : 'ERROR';
    return finish(outcome, { error: message.slice(0, MAX_ERROR_CHARS), recycle: true });
  } finally {
    if (warm) {
      let keep = last.result?.outcome === 'OK';
      try {
        // Jobs still queued would run in the next run's time: only a runtime with none is kept.
        if (warm.runtime.hasPendingJob()) keep = false;
        // A clean run's context is disposed after its answer is sent (tidyAfterRun); any other now.
        if (keep && prepared) warm.finished = prepared;
        else if (prepared) disposePrepared(prepared);
      } catch {
        keep = false;
      }
      // A runtime that cannot be freed cleanly (a leak, an abort) is left to the worker's replacement.
      if (!keep && !retireRuntime(module, warm) && last.result) last.result.recycle = true;
    }
  }
}

/**
 * The bundle's syntax error, or null when it compiles as a module. It is imported with one more
 * import appended that never loads, so the module is parsed and then fails to link: none of its code
 * runs. (quickjs-emscripten 0.32's compile-only evaluation of a module corrupts the WebAssembly
 * instance after some hundreds of checks, so it is not used.) Only errors QuickJS itself made are
 * read: no guest code has run in this context.
 */
function syntaxErrorOf(ctx: QuickJSContext, runtime: QuickJSRuntime): string | null {
  const imported = ctx.evalCode(`import('${CHECKED_SPECIFIER}')`, 'check.js').unwrap();
  try {
    runtime.executePendingJobs(16).unwrap();
    const state = ctx.getPromiseState(imported);
    if (state.type === 'fulfilled') {
      state.value.dispose();
      throw new Error('the syntax check evaluated the module');
    }
    if (state.type === 'pending') throw new Error('the syntax check did not finish');
    return withHandle(state.error, (error) => {
      const read = (key: string) => withHandle(ctx.getProp(error, key), (h) => (ctx.typeof(h) === 'string' ? ctx.getString(h) : ''));
      return read('name') === 'SyntaxError' ? read('message') || 'does not compile' : null;
    });
  } finally {
    imported.dispose();
  }
}

function setGlobal(ctx: QuickJSContext, name: string, value: QuickJSHandle) {
  ctx.setProp(ctx.global, name, value);
  value.dispose();
}

function withHandle<T>(handle: QuickJSHandle, read: (h: QuickJSHandle) => T): T {
  try {
    return read(handle);
  } finally {
    handle.dispose();
  }
}

/** The run's result string, if it is one and not over the cap; its length is checked before it is copied out. */
function readResult(ctx: QuickJSContext, handle: QuickJSHandle, maxBytes: number): { json: string | null; tooLarge: boolean } {
  if (ctx.typeof(handle) !== 'string') return { json: null, tooLarge: false };
  const length = withHandle(ctx.getProp(handle, 'length'), (h) => ctx.getNumber(h));
  if (length > maxBytes) return { json: null, tooLarge: true };
  const json = ctx.getString(handle);
  return Buffer.byteLength(json) > maxBytes ? { json: null, tooLarge: true } : { json, tooLarge: false };
}

function heapInUse(runtime: QuickJSRuntime): number {
  // Read in the runtime's own system context, which no guest code ever sees.
  const usage = runtime.computeMemoryUsage();
  const system = runtime.context;
  try {
    if (!system) return 0;
    return withHandle(system.getProp(usage, 'memory_used_size'), (h) => (system.typeof(h) === 'number' ? system.getNumber(h) : 0));
  } finally {
    usage.dispose();
  }
}
