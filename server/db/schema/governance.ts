// Governance tables: ours, in the public schema.
import { boolean, date, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const practices = pgTable(
  'practices',
  {
    odsCode: text('ods_code').primaryKey(),
    name: text('name').notNull(),
    systemId: text('system_id').notNull(),
    /** Which connector serves this practice's clinical data: 'sandbox' or 'gp-connect'. */
    connector: text('connector').notNull().default('sandbox'),
    /** Synthetic practice with synthetic patients (usable before a supplier goes live). */
    isSandbox: boolean('is_sandbox').notNull().default(true),
    /** Connector settings, e.g. a GP Connect endpoint (base URL, ASIDs). */
    endpoint: jsonb('endpoint'),
  },
  (t) => [index('practices_system_idx').on(t.systemId)],
);

/** Where a patient is registered: the platform's stand-in for a PDS lookup. */
export const patientRegistrations = pgTable(
  'patient_registrations',
  {
    nhsNumber: text('nhs_number').primaryKey(),
    practiceOds: text('practice_ods')
      .notNull()
      .references(() => practices.odsCode),
  },
  (t) => [index('patient_registrations_practice_idx').on(t.practiceOds, t.nhsNumber)],
);

export const people = pgTable('people', {
  id: text('id').primaryKey(),
  displayName: text('display_name').notNull(),
  role: text('role').notNull(),
  practiceOds: text('practice_ods').references(() => practices.odsCode),
});

/** Signing keys created on first start: 'dev-issuer' (people, embedded default) and 'access-token' (apps). */
export const signingKeys = pgTable('signing_keys', {
  kid: text('kid').primaryKey(),
  purpose: text('purpose').notNull().default('dev-issuer'),
  alg: text('alg').notNull(),
  publicJwk: jsonb('public_jwk').notNull(),
  privateJwk: jsonb('private_jwk').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const seedRuns = pgTable('seed_runs', {
  key: text('key').primaryKey(),
  seed: integer('seed').notNull(),
  patients: integer('patients').notNull(),
  /** Slots and record dates are laid out around this day; kept so a re-run adds the same rows. */
  anchorDate: date('anchor_date').notNull(),
  completedAt: timestamp('completed_at', { withTimezone: true }),
});
