// The sandbox pool leaves the API a core and, on Linux, runs its threads at a lower priority, so
// plugins at full tilt wait for the API rather than the other way round.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createPluginRunner, defaultPluginThreads } from '@gp-open-integration/sdk/runner';
import { describe, expect, it } from 'vitest';

const context = { now: '2026-12-01T09:30:00.000Z', practice: { odsCode: 'Z91001' }, trigger: { kind: 'manual' as const } };
const request = { bundle: 'export default { run() { return []; } };', input: {}, context, allowedEffects: [] };

/** Nice value of one thread of this process (field 19 of its stat). */
function niceOf(tid: string | number): number {
  const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}
const niceValues = () => readdirSync(`/proc/${process.pid}/task`).map(niceOf);

describe('the sandbox pool yields the CPU to the API', () => {
  it('leaves one core to the API by default, and always has at least one thread', () => {
    expect(defaultPluginThreads()).toBe(Math.min(4, Math.max(1, availableParallelism() - 1)));
  });

  it.skipIf(process.platform !== 'linux')('runs its worker threads at the nice value asked for, and only those', async () => {
    const before = niceValues().filter((nice) => nice === 7).length;
    const mainThread = niceOf(process.pid);
    const runner = createPluginRunner({ threads: 2, niceness: 7 });
    try {
      const results = await Promise.all(Array.from({ length: 4 }, () => runner.run(request)));
      expect(results.map((r) => r.outcome)).toEqual(['OK', 'OK', 'OK', 'OK']);
      expect(niceValues().filter((nice) => nice === 7).length - before).toBe(2);
      expect(niceOf(process.pid)).toBe(mainThread);
    } finally {
      await runner.close();
    }
  });
});
