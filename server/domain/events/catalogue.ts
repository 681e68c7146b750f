// The domain events the platform publishes, and which read each one stands for: a subscriber sees
// an event only if it could read the thing the event is about.
import { APPOINTMENT_READ_SCOPE, DOCUMENT_READ_SCOPE, DOCUMENT_SEND_SCOPE } from '../scopes.js';

export const EVENT_TYPES = [
  'appointment.booked',
  'appointment.amended',
  'appointment.cancelled',
  'document.received',
  'document.filed',
  'document.rejected',
  'enablement.changed',
  'pipeline.stage_changed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);

/**
 * PATIENT: about one patient's record at a practice, visible as a read with `scope` would be.
 * ENABLEMENT: a practice's choice about one app: that practice's users and that app's supplier.
 * PIPELINE: NHS England's decision about a supplier: reviewers and that supplier.
 * DOCUMENT: a document sent to a practice's review queue: that practice's users, and the app that
 * sent it while it may still send or read documents there (never another app: a queue entry is not
 * yet part of the record, and other apps' documents are none of its business).
 */
export type EventAudience =
  | { kind: 'PATIENT'; scope: string }
  | { kind: 'DOCUMENT'; scopes: readonly string[] }
  | { kind: 'ENABLEMENT' }
  | { kind: 'PIPELINE' };

export function audienceOf(type: EventType): EventAudience {
  if (type.startsWith('appointment.')) return { kind: 'PATIENT', scope: APPOINTMENT_READ_SCOPE };
  if (type.startsWith('document.')) return { kind: 'DOCUMENT', scopes: [DOCUMENT_SEND_SCOPE, DOCUMENT_READ_SCOPE] };
  return type === 'enablement.changed' ? { kind: 'ENABLEMENT' } : { kind: 'PIPELINE' };
}

/** What a write says happened; the outbox gives it an id and a time. */
export interface DomainEventInput {
  type: EventType;
  practiceOds?: string | null;
  nhsNumber?: string | null;
  supplierId?: string | null;
  appId?: string | null;
  /** JSON-serialisable facts of the change, as subscribers receive them. */
  data: Record<string, unknown>;
  requestId: string;
}

/** A committed event as every delivery carries it (times as ISO strings, so it crosses Redis intact). */
export interface DomainEvent {
  id: string;
  seq: number;
  type: EventType;
  occurredAt: string;
  practiceOds: string | null;
  nhsNumber: string | null;
  supplierId: string | null;
  appId: string | null;
  data: Record<string, unknown>;
  requestId: string;
}
