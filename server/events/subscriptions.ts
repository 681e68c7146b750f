// One subscriber's stream: every committed event from the bus (any replica's), kept only if this
// subscriber could read what it is about (decided per event), and each delivery audited.
import type { Db } from '../db/client.js';
import type { Actor } from '../domain/actors.js';
import type { AuditWriter } from '../domain/audit/writer.js';
import type { DomainEvent, EventType } from '../domain/events/catalogue.js';
import { auditWho } from '../domain/events/actor-audit.js';
import { mayReceiveEvent } from '../domain/events/visibility.js';
import type { EventBus } from './pubsub.js';

export interface Subscriber {
  db: Db;
  actor: Actor;
  requestId: string;
  bus: EventBus;
  audit: AuditWriter;
}

export async function* visibleEvents(s: Subscriber, types: readonly EventType[] | null): AsyncGenerator<DomainEvent> {
  const source = s.bus.subscribe();
  const who = auditWho(s.actor);
  await s.audit.record([{ ...who, operation: 'SUBSCRIBE_EVENTS', detail: { types, channel: 'SSE' }, outcome: 'ALLOWED', requestId: s.requestId }]);
  try {
    for await (const event of source) {
      if (types && !types.includes(event.type)) continue;
      const decision = await mayReceiveEvent(s.db, s.actor, event);
      if (!decision.allowed) continue;
      // Written before the event leaves, as for a read: no unaudited delivery.
      await s.audit.record([
        {
          ...who,
          practiceOds: event.practiceOds,
          nhsNumber: event.nhsNumber,
          operation: 'RECEIVE_EVENT',
          detail: { eventId: event.id, type: event.type, channel: 'SSE' },
          outcome: 'ALLOWED',
          requestId: s.requestId,
        },
      ]);
      yield event;
    }
  } finally {
    await source.return?.();
  }
}
