// Scheduled plugin triggers. Every replica ticks once a minute (croner); for each active enablement
// whose manifest schedule fires in that minute, the replica that first inserts the claim row
// (enablement, minute) runs it, so each fire runs exactly once however many replicas tick.
import { Cron } from 'croner';
import type { Db } from '../db/client.js';
import { claimTrigger, enablementsWithTrigger } from '../domain/plugins/runs.js';
import type { PluginHost } from './host.js';

export interface PluginScheduler {
  /** Runs what is due in the minute of `at`; returns how many runs this replica started. */
  tick(at: Date): Promise<number>;
  stop(): void;
}

/** Does this five-field cron expression (UTC) fire in the minute starting at `minute`? */
export function firesAt(cron: string, minute: Date): boolean {
  const next = new Cron(cron, { timezone: 'UTC', paused: true }).nextRun(new Date(minute.getTime() - 1));
  return next?.getTime() === minute.getTime();
}

export function createPluginScheduler(db: Db, host: PluginHost, options: { start: boolean }): PluginScheduler {
  async function tick(at: Date): Promise<number> {
    const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
    let started = 0;
    for (const { enablement, manifest } of await enablementsWithTrigger(db, 'schedule', null)) {
      for (const trigger of manifest.triggers) {
        if (trigger.kind !== 'schedule' || !firesAt(trigger.cron, minute)) continue;
        if (!(await claimTrigger(db, enablement.id, `schedule:${minute.toISOString()}`))) continue;
        started += 1;
        await host.run(enablement.practiceOds, enablement.pluginName, { kind: 'schedule', cron: trigger.cron, at: minute.toISOString() });
        break;
      }
    }
    return started;
  }
  // protect: a slow tick is not overlapped by the next one.
  const job = options.start ? new Cron('* * * * *', { timezone: 'UTC', protect: true, catch: true }, async () => void (await tick(new Date()))) : null;
  return { tick, stop: () => job?.stop() };
}
