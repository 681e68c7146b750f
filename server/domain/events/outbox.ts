// Writing domain events into the outbox, inside the caller's transaction: the event commits with
// the change it describes or not at all.
import { randomUUID } from 'node:crypto';
import type { DbOrTx } from '../../db/client.js';
import { outboxEvents } from '../../db/schema/events.js';
import type { DomainEvent, DomainEventInput, EventType } from './catalogue.js';

export async function recordEvents(tx: DbOrTx, inputs: readonly DomainEventInput[]): Promise<DomainEvent[]> {
  if (inputs.length === 0) return [];
  const occurredAt = new Date();
  const rows = await tx
    .insert(outboxEvents)
    .values(
      inputs.map((e) => ({
        // Standard Webhooks asks for a unique id per message; a prefixed UUID is readable in logs.
        id: `evt_${randomUUID().replaceAll('-', '')}`,
        type: e.type,
        occurredAt,
        practiceOds: e.practiceOds ?? null,
        nhsNumber: e.nhsNumber ?? null,
        supplierId: e.supplierId ?? null,
        appId: e.appId ?? null,
        data: e.data,
        requestId: e.requestId,
      })),
    )
    .returning();
  return rows.map(toDomainEvent);
}

export const recordEvent = async (tx: DbOrTx, input: DomainEventInput): Promise<DomainEvent> => (await recordEvents(tx, [input]))[0]!;

export function toDomainEvent(row: typeof outboxEvents.$inferSelect): DomainEvent {
  return {
    id: row.id,
    seq: row.seq,
    type: row.type as EventType,
    occurredAt: row.occurredAt.toISOString(),
    practiceOds: row.practiceOds,
    nhsNumber: row.nhsNumber,
    supplierId: row.supplierId,
    appId: row.appId,
    data: row.data as Record<string, unknown>,
    requestId: row.requestId,
  };
}
