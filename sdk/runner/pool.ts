// The plugin runner: a worker-thread pool (tinypool) around the QuickJS sandbox, so a plugin never
// blocks the caller's event loop. The same runner serves the platform and `gpoi plugin run`.
// Every run is watched from here: past its deadline (plus a grace) the worker is terminated, as is
// any worker whose run left its WebAssembly instance suspect, and the pool starts a fresh one.
// A run costs two messages, the task and its answer: when a run reaches a worker is read from the
// run board (shared memory), and only a worker about to be replaced speaks on the recycle channel.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { BroadcastChannel } from 'node:worker_threads';
import { Tinypool } from 'tinypool';
import { z } from 'zod';
import { effectiveLimits, effectSchema, type Effect, type EffectKind, type RunLimits } from '../manifest.js';
import type { PluginContext } from '../plugin.js';
import { RunBoard } from './run-board.js';
import type { SandboxResult } from './sandbox.js';
import type { RecycleMessage, WorkerOptions, WorkerTask } from './worker.js';

export type RunOutcome = 'OK' | 'EFFECTS_REFUSED' | 'TIMEOUT' | 'OUT_OF_MEMORY' | 'ERROR';

export interface RunRequest {
  bundle: string;
  /** The input query's result (any JSON value). */
  input: unknown;
  context: Omit<PluginContext, 'log'>;
  /** The manifest's limits (missing ones take the defaults). */
  limits?: Partial<RunLimits>;
  /** Effect kinds the manifest declares; others are refused. Default: none allowed. */
  allowedEffects: readonly EffectKind[];
}

export interface RunResult {
  outcome: RunOutcome;
  /** Checked effects (OK only); the host still checks scope and practice before applying. */
  effects: Effect[];
  /** How many effects the plugin proposed, when its answer could be read. */
  proposedCount: number;
  /** Why the run failed or its effects were refused. */
  error: string | null;
  logs: string[];
  logsDropped: number;
  /** Time inside the sandbox (ms). */
  durationMs: number;
  /** QuickJS heap in use at the end (bytes; 0 when the run did not finish). */
  memoryBytes: number;
}

export interface RunnerOptions {
  /** Worker threads; default one fewer than the machine's parallelism (at least 1, at most 4). */
  threads?: number;
  /**
   * Nice value of the worker threads (Linux: per thread; elsewhere ignored): plugin runs are
   * background work, so the API's own threads win the CPU whenever both want it. 0 leaves them as
   * they are. Default 10.
   */
  niceness?: number;
  /** Extra time past a run's deadline before its worker is terminated (ms). */
  watchdogGraceMs?: number;
}

export interface PluginRunner {
  run(request: RunRequest): Promise<RunResult>;
  /** Compiles a bundle in the sandbox without running it: the syntax error, or null. */
  checkSyntax(bundle: string): Promise<string | null>;
  /** Workers terminated because a run overran or left its instance suspect. */
  readonly recycledWorkers: number;
  close(): Promise<void>;
}

/** V8 stack of each worker: far above QuickJS's own limit, so deep guest recursion trips QuickJS first. */
const WORKER_STACK_MB = 64;

/** One core is left to the API itself; a one-core machine still gets a worker. */
export const defaultPluginThreads = () => Math.min(4, Math.max(1, availableParallelism() - 1));
export const DEFAULT_NICENESS = 10;

export function createPluginRunner(options: RunnerOptions = {}): PluginRunner {
  const threads = options.threads ?? defaultPluginThreads();
  const board = new RunBoard(threads);
  const channelName = `gpoi-plugin-runner-${randomUUID()}`;
  const workerData: WorkerOptions = { niceness: options.niceness ?? DEFAULT_NICENESS, board: board.buffer, channel: channelName };
  const grace = options.watchdogGraceMs ?? 250;
  const pool = new Tinypool({
    filename: new URL('./worker.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    resourceLimits: { stackSizeMb: WORKER_STACK_MB, maxOldGenerationSizeMb: 256 },
    // Idle workers wait on their event loop rather than blocked in Atomics.wait, so each can make
    // its next run's context between tasks (see worker.ts).
    useAtomics: false,
    workerData,
  });
  // Runs in flight, by id: where a message on the recycle channel is delivered.
  const recycling = new Map<number, (message: RecycleMessage) => void>();
  const channel = new BroadcastChannel(channelName);
  channel.unref();
  channel.onmessage = (event) => {
    const message = (event as { data: RecycleMessage }).data;
    recycling.get(message.runId)?.(message);
  };
  let lastRunId = 0;
  let recycledWorkers = 0;

  async function run(request: RunRequest, compileOnly = false, attempt = 1): Promise<RunResult> {
    const limits = effectiveLimits({ limits: request.limits ?? {} });
    let inputJson: string;
    try {
      inputJson = JSON.stringify(request.input ?? null);
    } catch {
      return failed('ERROR', 'the input could not be serialised as JSON');
    }
    if (Buffer.byteLength(inputJson) > limits.inputBytes) {
      return failed('ERROR', `the input is over ${limits.inputBytes} bytes`);
    }
    lastRunId = lastRunId >= 0x7fffffff ? 1 : lastRunId + 1;
    const runId = lastRunId;
    const controller = new AbortController();
    let timedOut = false;
    // The deadline counts from when the run reaches a worker (on the run board), not from when it
    // was queued: each time the timer fires early it is set again for what is left.
    const allowed = limits.timeoutMs + grace;
    const check = () => {
      const startedAt = board.startedAtOf(runId);
      const left = startedAt === null ? allowed : startedAt + allowed - Date.now();
      if (left > 0) {
        watchdog = setTimeout(check, left);
        return;
      }
      timedOut = true;
      controller.abort();
    };
    let watchdog = setTimeout(check, allowed);
    const recycled = new Promise<RecycleMessage>((resolve) => recycling.set(runId, resolve));
    const task: WorkerTask = {
      bundle: request.bundle,
      inputJson,
      contextJson: JSON.stringify(request.context),
      nowMs: Date.parse(request.context.now),
      limits,
      compileOnly,
      runId,
    };
    try {
      const running = pool.run(task, { signal: controller.signal }) as Promise<SandboxResult>;
      const answer = await Promise.race([running, recycled]);
      const result = 'runId' in answer ? ('retry' in answer ? null : answer.result) : answer;
      if (result === null || result.recycle) {
        recycledWorkers += 1;
        controller.abort();
        running.catch(() => undefined);
      }
      // The worker could not be reset after an earlier run and did not start this one: a fresh
      // worker takes it.
      if (result === null) {
        clearTimeout(watchdog);
        return attempt < 3 ? await run(request, compileOnly, attempt + 1) : failed('ERROR', 'the sandbox failed');
      }
      return checkOutput(result, limits, request.allowedEffects);
    } catch (error) {
      if (timedOut) {
        recycledWorkers += 1;
        return failed('TIMEOUT', 'deadline passed: the worker was terminated');
      }
      const code = (error as { code?: string }).code;
      if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
        recycledWorkers += 1;
        return failed('OUT_OF_MEMORY', 'the worker ran out of memory');
      }
      return failed('ERROR', 'the sandbox failed');
    } finally {
      clearTimeout(watchdog);
      recycling.delete(runId);
    }
  }

  return {
    run: (request) => run(request),
    async checkSyntax(bundle) {
      const context = { now: new Date().toISOString(), practice: { odsCode: 'A00000' }, trigger: { kind: 'manual' as const } };
      const result = await run({ bundle, input: null, context, allowedEffects: [], limits: { timeoutMs: 2_000 } }, true);
      return result.outcome === 'OK' || result.outcome === 'EFFECTS_REFUSED' ? null : (result.error ?? result.outcome);
    },
    get recycledWorkers() {
      return recycledWorkers;
    },
    async close() {
      channel.close();
      await pool.destroy();
    },
  };
}

const effectsSchema = z.array(effectSchema);

function failed(outcome: RunOutcome, error: string): RunResult {
  return { outcome, effects: [], proposedCount: 0, error, logs: [], logsDropped: 0, durationMs: 0, memoryBytes: 0 };
}

function checkOutput(result: SandboxResult, limits: RunLimits, allowed: readonly EffectKind[]): RunResult {
  const base = { logs: result.logs, logsDropped: result.logsDropped, durationMs: result.durationMs, memoryBytes: result.memoryBytes };
  if (result.outcome === 'OUTPUT_TOO_LARGE') return { ...base, outcome: 'EFFECTS_REFUSED', effects: [], proposedCount: 0, error: result.error };
  if (result.outcome !== 'OK') return { ...base, outcome: result.outcome, effects: [], proposedCount: 0, error: result.error };
  const output = result.output;
  if (!Array.isArray(output)) return { ...base, outcome: 'EFFECTS_REFUSED', effects: [], proposedCount: 0, error: 'run() must return an array of effects' };
  const refuse = (error: string) => ({ ...base, outcome: 'EFFECTS_REFUSED' as const, effects: [], proposedCount: output.length, error });
  if (output.length > limits.effects) return refuse(`${output.length} effects proposed; the limit is ${limits.effects}`);
  const parsed = effectsSchema.safeParse(output);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse(`effect ${issue?.path.join('.') ?? ''} is invalid: ${issue?.message ?? 'unknown'}`.slice(0, 500));
  }
  const undeclared = parsed.data.find((effect) => !allowed.includes(effect.kind));
  if (undeclared) return refuse(`effect kind ${undeclared.kind} is not declared in the manifest`);
  return { ...base, outcome: 'OK', effects: parsed.data, proposedCount: output.length, error: null };
}
