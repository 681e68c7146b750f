// Scenario s, the control for f: threads in the API's process that do nothing but spin, at the
// plugin pool's priority. They take the cores a plugin pool would take and touch nothing of the
// platform, so j against s shows what any busy thread costs the API on this machine, and f against
// s what the plugin platform adds on top of that.
import { Worker } from 'node:worker_threads';

// Runs in each thread: lower its own priority as the pool's workers do, then spin until terminated.
const SPIN = `
const { workerData } = require('node:worker_threads');
import(workerData.priority).then(({ lowerThreadPriority }) => {
  lowerThreadPriority(workerData.niceness);
  for (;;) {}
});
`;

/** Stopping answers an empty object: the loops do no runs to count. */
export function busyLoop(threads: number, niceness: number): { stop(): Promise<object> } {
  const priority = import.meta.resolve('@gp-open-integration/sdk/runner');
  const workers = Array.from({ length: threads }, () => new Worker(SPIN, { eval: true, workerData: { priority, niceness } }));
  return {
    async stop() {
      await Promise.all(workers.map((worker) => worker.terminate()));
      return {};
    },
  };
}
