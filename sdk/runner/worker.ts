// Pool worker: keeps one QuickJS WebAssembly instance and runs one plugin at a time in it. As a run
// reaches it, the worker writes that on the pool's run board (the watchdog's clock starts there).
// A run that leaves the instance suspect answers on the pool's recycle channel and then waits, so
// the pool's host side terminates this worker and a fresh one (fresh WebAssembly memory) takes the
// next run. A clean run's answer goes back first; its context is disposed and the next run's made
// right after.
import { BroadcastChannel, workerData } from 'node:worker_threads';
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import { lowerThreadPriority } from './priority.js';
import { RunBoard } from './run-board.js';
import { loadSandboxModule, prepareNextRun, runInSandbox, tidyAfterRun, type SandboxResult, type SandboxTask } from './sandbox.js';

/** What the pool tells each worker as it starts. */
export interface WorkerOptions {
  niceness: number;
  /** The pool's run board (see run-board.ts). */
  board: SharedArrayBuffer;
  /** Name of the pool's recycle channel. */
  channel: string;
}

export interface WorkerTask extends SandboxTask {
  /** The pool's id of this run (a positive int32), written on the run board as the run starts. */
  runId: number;
}

/** Posted on the recycle channel: the run's result, or `retry` when it never started here. */
export type RecycleMessage = { runId: number; result: SandboxResult } | { runId: number; retry: true };

// tinypool's workerData is [its own data (with this worker's id), the pool's options].
const [privateData, options] = workerData as [{ workerId: number }, WorkerOptions];
const workerId = privateData.workerId;
const board = new RunBoard(options.board);
if (!board.hasSlot(workerId)) throw new Error(`worker id ${workerId} has no slot on the run board`);
const recycle = new BroadcastChannel(options.channel);
recycle.unref();
lowerThreadPriority(options.niceness);

// Compiled and instantiated as the worker starts, so a run's deadline never pays for it; the first
// run's context is made then too.
const module: Promise<QuickJSWASMModule> = loadSandboxModule().then((ready) => {
  prepareNextRun(ready);
  return ready;
});
/** False once the instance could not be reset between runs: this worker then takes no further run. */
let sound = true;

export default async function runTask(task: WorkerTask): Promise<SandboxResult> {
  const { runId, ...sandboxTask } = task;
  let result: SandboxResult;
  let ready: QuickJSWASMModule;
  try {
    ready = await module;
    // The host's watchdog counts from now.
    board.markStarted(workerId, runId);
    // Left over from the last run if its tidying has not happened (it normally has).
    sound &&= tidyAfterRun(ready);
    if (!sound) return answerAndWait({ runId, retry: true });
    result = runInSandbox(ready, sandboxTask);
  } catch (error) {
    result = {
      outcome: 'ERROR', output: null, error: error instanceof Error ? error.message : 'sandbox failure',
      logs: [], logsDropped: 0, durationMs: 0, memoryBytes: 0, recycle: true,
    };
  }
  if (result.recycle) return answerAndWait({ runId, result });
  // The pool library posts this answer from the promise jobs that follow this return; a tick runs
  // once they are all done, so the run's context is disposed and the next one made just after the
  // answer has left and before the worker takes its next task, while the host is busy with the answer.
  const tidied = ready!;
  process.nextTick(() => {
    sound &&= tidyAfterRun(tidied);
    if (sound) prepareNextRun(tidied);
  });
  return result;
}

function answerAndWait(message: RecycleMessage): Promise<SandboxResult> {
  recycle.postMessage(message);
  // Never settles: the host terminates this worker once it has the message.
  return new Promise<SandboxResult>(() => undefined);
}
