// Console sign-in sessions: kept in the database so any replica can serve any request. The cookie
// holds a random id; only its SHA-256 is stored, so a copy of this table cannot sign anyone in.
import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const consoleSessions = pgTable(
  'console_sessions',
  {
    /** sha256(cookie value), hex. */
    idHash: text('id_hash').primaryKey(),
    personId: text('person_id').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    practiceOds: text('practice_ods'),
    /** The person's bearer token for the API (development issuer or OpenID provider). */
    accessToken: text('access_token').notNull(),
    /** Per-session CSRF token, put in every form and checked on every POST. */
    csrfToken: text('csrf_token').notNull(),
    /** A one-off message for the next page (after a redirect), JSON {kind, message}. */
    flash: text('flash'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('console_sessions_expires_idx').on(t.expiresAt)],
);

/** Sign-ins in progress with the OpenID provider (state, PKCE verifier, nonce), for one redirect. */
export const consoleSignIns = pgTable('console_sign_ins', {
  /** sha256(state), hex. */
  stateHash: text('state_hash').primaryKey(),
  codeVerifier: text('code_verifier').notNull(),
  nonce: text('nonce').notNull(),
  /** Console path to return to after sign-in. */
  returnTo: text('return_to').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
