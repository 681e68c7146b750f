// Append-only, hash-chained audit trail. `seq` is assigned by the appender under a lock, so it has
// no gaps; a trigger refuses UPDATE and DELETE (see the migration), and `audit_head` remembers the
// last link so a truncated tail is detected too.
import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const auditEvents = pgTable(
  'audit_events',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    id: text('id').notNull(),
    at: timestamp('at', { withTimezone: true, precision: 6 }).notNull(),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id').notNull(),
    supplierId: text('supplier_id'),
    appId: text('app_id'),
    pluginId: text('plugin_id'),
    practiceOds: text('practice_ods'),
    nhsNumber: text('nhs_number'),
    operation: text('operation').notNull(),
    /** Sections, fields or other details of what was done. */
    detail: jsonb('detail').notNull(),
    outcome: text('outcome').notNull(),
    reason: text('reason'),
    requestId: text('request_id').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_practice_idx').on(t.practiceOds, t.seq),
    index('audit_patient_idx').on(t.nhsNumber, t.seq),
    index('audit_supplier_idx').on(t.supplierId, t.seq),
    index('audit_at_idx').on(t.at),
  ],
);

export const auditHead = pgTable('audit_head', {
  id: text('id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});
