// Events and writes: the transactional outbox, webhook endpoints and their deliveries, and the
// idempotency keys of writing mutations (governance, public schema).
import { sql } from 'drizzle-orm';
import { bigint, check, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * One row per domain event, inserted in the same transaction as the write it describes. `id` is
 * the stable event id every delivery carries; `seq` orders events. A dispatcher claims undispatched
 * rows with FOR UPDATE SKIP LOCKED, so any number of replicas may run one.
 */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    id: text('id').notNull().unique(),
    type: text('type').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 6 }).notNull(),
    /** What the event is about, for permission filtering: practice, patient, supplier, app. */
    practiceOds: text('practice_ods'),
    nhsNumber: text('nhs_number'),
    supplierId: text('supplier_id'),
    appId: text('app_id'),
    data: jsonb('data').notNull(),
    requestId: text('request_id').notNull(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    /** Failed dispatch attempts (an in-process handler threw); retried after `availableAt`. */
    attempts: integer('attempts').notNull().default(0),
    availableAt: timestamp('available_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
  },
  (t) => [index('outbox_pending_idx').on(t.dispatchedAt, t.seq)],
);

/** A supplier app's webhook endpoint (Standard Webhooks). */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    appId: text('app_id').notNull(),
    supplierId: text('supplier_id').notNull(),
    url: text('url').notNull(),
    /** `whsec_` + base64; during a rotation the previous one also signs until it expires. */
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true }),
    eventTypes: text('event_types').array().notNull(),
    status: text('status').notNull().default('ACTIVE'),
    disabledReason: text('disabled_reason'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhook_endpoints_app_idx').on(t.appId)],
);

/** One event to one endpoint; unique so two dispatchers can never enqueue it twice. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    endpointId: text('endpoint_id').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The exact body sent (and signed) on every attempt, so a retry is byte-identical. */
    payload: text('payload').notNull(),
    status: text('status').notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** A sender holds the delivery until then; a crashed sender's lease simply runs out. */
    leasedUntil: timestamp('leased_until', { withTimezone: true }),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_endpoint_event_idx').on(t.endpointId, t.eventId),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
  ],
);

/** Each attempt of a delivery: the endpoint's delivery log. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    deliveryId: text('delivery_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.id)],
);

/** Idempotency-Key: the first result of a writing mutation, per caller and key, for 24 h. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    callerId: text('caller_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    /** Null while the first request runs. */
    response: jsonb('response'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.callerId, t.key] }), index('idempotency_keys_expiry_idx').on(t.expiresAt)],
);

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

/** Documents sent into a patient's record: they wait here for a practice clinician's review. */
export const documents = pgTable(
  'documents',
  {
    id: text('id').primaryKey(),
    practiceOds: text('practice_ods').notNull(),
    nhsNumber: text('nhs_number').notNull(),
    senderAppId: text('sender_app_id'),
    supplierId: text('supplier_id'),
    sentBy: text('sent_by').notNull(),
    title: text('title').notNull(),
    /** Decided from the bytes (magic numbers), never from a name or a claimed type. */
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    status: text('status').notNull(),
    reviewReason: text('review_reason'),
    /** The practice user who filed or rejected it (id and display name at the time), and when. */
    reviewedBy: text('reviewed_by'),
    reviewedByName: text('reviewed_by_name'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('documents_practice_status_idx').on(t.practiceOds, t.status, t.id),
    index('documents_patient_idx').on(t.nhsNumber, t.id),
    check('documents_status_check', sql`${t.status} in ('AWAITING_REVIEW', 'FILED', 'REJECTED')`),
    // A reviewed document always says who reviewed it and when; a rejection always says why.
    check('documents_review_check', sql`(${t.status} = 'AWAITING_REVIEW') = (${t.reviewedBy} is null) and (${t.status} = 'AWAITING_REVIEW') = (${t.reviewedAt} is null) and (${t.status} = 'REJECTED') = (${t.reviewReason} is not null)`),
  ],
);
