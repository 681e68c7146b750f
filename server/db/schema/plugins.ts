// Plugins (governance, public schema): immutable submitted versions, their review, practice
// enablements, run records, trigger claims (one run per scheduled fire or event across replicas)
// and the practice tasks that plugin runs create.
import { date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { suppliers } from './access.js';
import { practices } from './governance.js';

export const pluginVersions = pgTable(
  'plugin_versions',
  {
    id: text('id').primaryKey(),
    supplierId: text('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    name: text('name').notNull(),
    version: text('version').notNull(),
    /** The validated manifest (limits filled in), as submitted. */
    manifest: jsonb('manifest').notNull(),
    bundle: text('bundle').notNull(),
    bundleSha256: text('bundle_sha256').notNull(),
    bundleBytes: integer('bundle_bytes').notNull(),
    /** SUBMITTED -> APPROVED | REJECTED. */
    status: text('status').notNull(),
    reviewReason: text('review_reason'),
    reviewedBy: text('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('plugin_versions_name_version_idx').on(t.name, t.version), index('plugin_versions_supplier_idx').on(t.supplierId)],
);

/** One row per practice and plugin: which version runs there, with which of its scopes. */
export const pluginEnablements = pgTable(
  'plugin_enablements',
  {
    id: text('id').primaryKey(),
    practiceOds: text('practice_ods')
      .notNull()
      .references(() => practices.odsCode),
    pluginName: text('plugin_name').notNull(),
    versionId: text('version_id')
      .notNull()
      .references(() => pluginVersions.id),
    scopes: text('scopes').array().notNull(),
    status: text('status').notNull(),
    changedBy: text('changed_by').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('plugin_enablements_practice_plugin_idx').on(t.practiceOds, t.pluginName), index('plugin_enablements_version_idx').on(t.versionId)],
);

export const pluginRuns = pgTable(
  'plugin_runs',
  {
    id: text('id').primaryKey(),
    versionId: text('version_id')
      .notNull()
      .references(() => pluginVersions.id),
    supplierId: text('supplier_id').notNull(),
    practiceOds: text('practice_ods').notNull(),
    /** {kind: manual | schedule | event, ...}. */
    trigger: jsonb('trigger').notNull(),
    outcome: text('outcome').notNull(),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    memoryBytes: integer('memory_bytes').notNull(),
    effectsProposed: jsonb('effects_proposed').notNull(),
    effectsApplied: integer('effects_applied').notNull(),
    /** Capped by the manifest's limits; shown to the supplier only for sandbox practices. */
    logs: jsonb('logs').notNull(),
    logsDropped: integer('logs_dropped').notNull(),
    input: jsonb('input'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('plugin_runs_practice_idx').on(t.practiceOds, t.id), index('plugin_runs_supplier_idx').on(t.supplierId, t.id)],
);

/** Claimed before a scheduled or event-triggered run: the first replica to insert runs it. */
export const pluginTriggerClaims = pgTable(
  'plugin_trigger_claims',
  {
    enablementId: text('enablement_id').notNull(),
    /** 'schedule:<ISO minute>' or 'event:<event id>'. */
    triggerKey: text('trigger_key').notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.enablementId, t.triggerKey] })],
);

/** The practice worklist: tasks for practice staff, here created by plugin runs. */
export const practiceTasks = pgTable(
  'practice_tasks',
  {
    id: text('id').primaryKey(),
    practiceOds: text('practice_ods')
      .notNull()
      .references(() => practices.odsCode),
    nhsNumber: text('nhs_number').notNull(),
    title: text('title').notNull(),
    detail: text('detail'),
    dueDate: date('due_date'),
    /** OPEN -> DONE. */
    status: text('status').notNull(),
    createdByRun: text('created_by_run'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    closedBy: text('closed_by'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('practice_tasks_practice_idx').on(t.practiceOds, t.status, t.id)],
);
