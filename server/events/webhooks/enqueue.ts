// Dispatcher handler: turns one committed event into one delivery per subscribed endpoint whose app
// may see it. The unique (endpoint, event) key makes a redispatched event enqueue nothing twice,
// so two replicas' dispatchers still deliver each event once per endpoint.
import { and, arrayContains, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { webhookDeliveries, webhookEndpoints } from '../../db/schema/events.js';
import type { DomainEvent } from '../../domain/events/catalogue.js';
import { mayReceiveEvent } from '../../domain/events/visibility.js';
import { sortableId } from '../../domain/ids.js';
import { SCOPES } from '../../domain/scopes.js';
import type { EventHandler } from '../dispatcher.js';

/** The Standard Webhooks payload shape: type, timestamp, data (with the event id inside). */
export function webhookPayload(event: DomainEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: { id: event.id, practiceOdsCode: event.practiceOds, nhsNumber: event.nhsNumber, ...event.data } });
}

// A webhook has no token: the app is treated as holding every scope, so what it sees is decided by
// NHS England's grants and the practice's enablement alone.
const ALL_SCOPES = SCOPES.map((s) => s.scope);

export function webhookEnqueuer(db: Db, wake: () => void): EventHandler {
  return async (event) => {
    const endpoints = await db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.status, 'ACTIVE'), arrayContains(webhookEndpoints.eventTypes, [event.type])));
    const rows = [];
    for (const endpoint of endpoints) {
      const decision = await mayReceiveEvent(db, { kind: 'SUPPLIER_APP', appId: endpoint.appId, supplierId: endpoint.supplierId, scopes: ALL_SCOPES }, event);
      if (decision.allowed) rows.push({ id: sortableId('whd'), endpointId: endpoint.id, eventId: event.id, eventType: event.type, payload: webhookPayload(event) });
    }
    if (rows.length === 0) return;
    await db.insert(webhookDeliveries).values(rows).onConflictDoNothing({ target: [webhookDeliveries.endpointId, webhookDeliveries.eventId] });
    wake();
  };
}
