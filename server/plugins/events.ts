// Event triggers: the outbox dispatcher calls handleDomainEvent for each committed domain event.
// Delivery is at-least-once, so each (enablement, event id) is claimed before it runs: a redelivered
// event starts no second run.
import type { Db } from '../db/client.js';
import type { DomainEvent as OutboxEvent } from '../domain/events/catalogue.js';
import { claimTrigger, enablementsWithTrigger, isRunId, type PluginRunRow } from '../domain/plugins/runs.js';
import type { PluginHost } from './host.js';

export interface DomainEvent {
  /** Stable event id (the outbox row's). */
  id: string;
  /** e.g. appointment.booked */
  type: string;
  /** The practice the event is about; plugins enabled there may run. */
  practiceOds: string;
  /** Identifiers bound to the input query's variables of the same names (e.g. nhsNumber, appointmentId). */
  subject: Record<string, string>;
}

export type DomainEventHandler = (event: DomainEvent) => Promise<PluginRunRow[]>;

export function pluginEventHandler(db: Db, host: PluginHost): DomainEventHandler {
  return async function handleDomainEvent(event) {
    const runs: PluginRunRow[] = [];
    for (const { enablement, manifest } of await enablementsWithTrigger(db, 'event', event.practiceOds)) {
      if (!manifest.triggers.some((t) => t.kind === 'event' && t.type === event.type)) continue;
      if (!(await claimTrigger(db, enablement.id, `event:${event.id}`))) continue;
      const run = await host.run(event.practiceOds, enablement.pluginName, { kind: 'event', type: event.type, eventId: event.id, subject: event.subject });
      if ('id' in run) runs.push(run);
    }
    return runs;
  };
}

/**
 * An outbox event as a plugin trigger: events about a practice only; the NHS number and the event's
 * string facts (e.g. appointmentId) become the subject the input query's variables are bound from.
 */
export function triggerFromOutbox(event: OutboxEvent): DomainEvent | null {
  if (!event.practiceOds) return null;
  // A plugin run's own effects (e.g. a booking) start no runs: plugins cannot trigger each other in a loop.
  if (isRunId(event.requestId)) return null;
  const subject: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.data)) if (typeof value === 'string') subject[key] = value;
  if (event.nhsNumber) subject.nhsNumber = event.nhsNumber;
  return { id: event.id, type: event.type, practiceOds: event.practiceOds, subject };
}
