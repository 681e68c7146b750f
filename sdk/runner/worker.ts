// Pool worker: keeps one QuickJS WebAssembly instance and runs one plugin at a time in it. A run
// that leaves the instance suspect answers through its own port and then waits, so the pool's host
// side terminates this worker and a fresh one (fresh WebAssembly memory) takes the next run.
import { type MessagePort, workerData } from 'node:worker_threads';
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import { lowerThreadPriority } from './priority.js';
import { loadSandboxModule, prepareNextRun, runInSandbox, type SandboxResult, type SandboxTask } from './sandbox.js';

/** What the pool tells each worker as it starts. */
export interface WorkerOptions {
  niceness: number;
}

export interface WorkerTask extends SandboxTask {
  /** Where a result that requires this worker's replacement is posted. */
  port: MessagePort;
}

// The pool's own data comes second in tinypool's workerData.
const options = (Array.isArray(workerData) ? workerData[1] : undefined) as WorkerOptions | undefined;
lowerThreadPriority(options?.niceness ?? 0);

// Compiled and instantiated as the worker starts, so a run's deadline never pays for it; the first
// run's context is made then too.
const module: Promise<QuickJSWASMModule> = loadSandboxModule().then((ready) => {
  prepareNextRun(ready);
  return ready;
});

export default async function runTask(task: WorkerTask): Promise<SandboxResult> {
  const { port, ...sandboxTask } = task;
  let result: SandboxResult;
  try {
    const ready = await module;
    // The host's watchdog starts now.
    port.postMessage('started');
    result = runInSandbox(ready, sandboxTask);
  } catch (error) {
    result = {
      outcome: 'ERROR', output: null, error: error instanceof Error ? error.message : 'sandbox failure',
      logs: [], logsDropped: 0, durationMs: 0, memoryBytes: 0, recycle: true,
    };
  }
  if (!result.recycle) {
    port.close();
    // The next run's context is made once this answer is on its way (the pool's workers wait on
    // their event loop between tasks, so this runs while the worker is idle).
    void module.then((ready) => setImmediate(() => prepareNextRun(ready)));
    return result;
  }
  port.postMessage(result);
  port.close();
  // Never settles: the host terminates this worker once it has the result.
  return new Promise<SandboxResult>(() => undefined);
}
