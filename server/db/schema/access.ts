// Supplier pipeline, credentials and practice enablements (governance, public schema).
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { practices } from './governance.js';

export const suppliers = pgTable('suppliers', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  contactName: text('contact_name').notNull(),
  contactEmail: text('contact_email').notNull(),
  useCase: text('use_case').notNull(),
  /** {dsptStatus, clinicalSafetyOfficer, dcb0129Reference, recordedBy, recordedAt} once met. */
  prerequisites: jsonb('prerequisites'),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Which people (developers) act for which supplier. */
export const supplierMembers = pgTable('supplier_members', {
  personId: text('person_id').primaryKey(),
  supplierId: text('supplier_id')
    .notNull()
    .references(() => suppliers.id),
});

export const pairings = pgTable(
  'pairings',
  {
    id: text('id').primaryKey(),
    supplierId: text('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    systemId: text('system_id').notNull(),
    stage: text('stage').notNull(),
    /** Stage held before a suspension, to return to it. */
    suspendedFrom: text('suspended_from'),
    /** Bumped on every transition: a concurrent transition on a stale version loses. */
    version: integer('version').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('pairings_supplier_system_idx').on(t.supplierId, t.systemId), index('pairings_stage_idx').on(t.stage)],
);

export const pairingEvents = pgTable(
  'pairing_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    pairingId: text('pairing_id')
      .notNull()
      .references(() => pairings.id),
    fromStage: text('from_stage'),
    toStage: text('to_stage').notNull(),
    reason: text('reason').notNull(),
    evidence: jsonb('evidence'),
    actorId: text('actor_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('pairing_events_pairing_idx').on(t.pairingId, t.id)],
);

/** Requested scopes per supplier; granted when NHS England grants them (granted is a subset). */
export const supplierScopes = pgTable(
  'supplier_scopes',
  {
    supplierId: text('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    scope: text('scope').notNull(),
    grantedBy: text('granted_by'),
    grantedAt: timestamp('granted_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.supplierId, t.scope] })],
);

export const clientApps = pgTable(
  'client_apps',
  {
    /** OAuth2 client_id. */
    id: text('id').primaryKey(),
    supplierId: text('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    name: text('name').notNull(),
    status: text('status').notNull().default('ACTIVE'),
    /** Registered public keys: {keys: [JWK with kid]}. Several at once allow rotation. */
    jwks: jsonb('jwks').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('client_apps_supplier_idx').on(t.supplierId)],
);

/** Client assertion ids already used: a replay is refused, also after a restart. */
export const usedJtis = pgTable(
  'used_jtis',
  {
    clientId: text('client_id').notNull(),
    jti: text('jti').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.jti] }), index('used_jtis_expiry_idx').on(t.expiresAt)],
);

/** A practice switches an approved app on for its patients, with a subset of the granted scopes. */
export const enablements = pgTable(
  'enablements',
  {
    id: text('id').primaryKey(),
    practiceOds: text('practice_ods')
      .notNull()
      .references(() => practices.odsCode),
    appId: text('app_id')
      .notNull()
      .references(() => clientApps.id),
    scopes: text('scopes').array().notNull(),
    status: text('status').notNull(),
    changedBy: text('changed_by').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('enablements_practice_app_idx').on(t.practiceOds, t.appId), index('enablements_app_idx').on(t.appId)],
);
