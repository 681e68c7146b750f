// A run's clock: the WebAssembly build reads the time through its thread's `Date.now`, which the
// sandbox sets to the run's time while the run executes and gives back afterwards, however the run
// ends. Run here in the test's own thread, so the thread's clock can be looked at after each run.
import { effectiveLimits } from '@gp-open-integration/sdk/manifest';
import { loadSandboxModule, runInSandbox, type SandboxTask } from '@gp-open-integration/sdk/runner';
import { describe, expect, it } from 'vitest';

const RUN_TIME = Date.parse('2031-05-06T07:08:09.010Z');

function task(body: string, timeoutMs = 1_000): SandboxTask {
  return {
    bundle: `export default { ${body} };`,
    inputJson: '{}',
    contextJson: JSON.stringify({ now: new Date(RUN_TIME).toISOString(), practice: { odsCode: 'Z91001' }, trigger: { kind: 'manual' } }),
    nowMs: RUN_TIME,
    limits: effectiveLimits({ limits: { timeoutMs } }),
  };
}

describe("a run's clock", () => {
  it('is the run time for every way the guest reads it, and the thread has its own clock back after the run', async () => {
    const module = await loadSandboxModule();
    const threadClock = Date.now;
    const result = runInSandbox(
      module,
      task(`run() {
        const Real = Object.getPrototypeOf(new Date()).constructor;
        return [{ kind: 'log', message: [Date.now(), new Date().getTime(), Date.parse(Date()), new Real().getTime(), Reflect.construct(Date, []).getTime()].join() }];
      }`),
    );
    expect(result.outcome, result.error ?? '').toBe('OK');
    expect(result.output).toEqual([{ kind: 'log', message: [RUN_TIME, RUN_TIME, RUN_TIME - 10, RUN_TIME, RUN_TIME].join() }]);
    expect(Date.now).toBe(threadClock);
  });

  it('is given back when a run times out or fails', async () => {
    const module = await loadSandboxModule();
    const threadClock = Date.now;
    expect(runInSandbox(module, task('run() { for (;;) {} }', 50)).outcome).toBe('TIMEOUT');
    expect(Date.now).toBe(threadClock);
    expect(runInSandbox(module, task("run() { throw new Error('no'); }")).outcome).toBe('ERROR');
    expect(Date.now).toBe(threadClock);
    expect(runInSandbox(module, task('run() { return [new Array(1e9).fill(1)]; }')).outcome).toBe('OUT_OF_MEMORY');
    expect(Date.now).toBe(threadClock);
  });
});
