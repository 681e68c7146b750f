// The database facts the token endpoint and the bearer check need about a supplier's client app.
import { eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { clientApps, usedJtis } from '../db/schema/access.js';
import { grantedScopes } from '../domain/governance/suppliers.js';

export interface ClientAppRecord {
  id: string;
  supplierId: string;
  status: string;
  /** As registered: expected to be {keys: [JWK with kid]}, checked by the caller. */
  jwks: unknown;
}

export async function findClientApp(db: Db, appId: string): Promise<ClientAppRecord | null> {
  const [row] = await db
    .select({ id: clientApps.id, supplierId: clientApps.supplierId, status: clientApps.status, jwks: clientApps.jwks })
    .from(clientApps)
    .where(eq(clientApps.id, appId));
  return row ?? null;
}

/**
 * Records a client assertion's jti; false when it was already used. The primary key makes this
 * atomic: of two simultaneous identical assertions exactly one inserts the row.
 */
export async function consumeJti(db: Db, clientId: string, jti: string, expiresAt: Date): Promise<boolean> {
  const inserted = await db.insert(usedJtis).values({ clientId, jti, expiresAt }).onConflictDoNothing().returning({ jti: usedJtis.jti });
  return inserted.length === 1;
}

export async function purgeExpiredJtis(db: Db, before: Date): Promise<void> {
  await db.delete(usedJtis).where(lt(usedJtis.expiresAt, before));
}

/** What the token endpoint reads and writes, so its checks can be exercised without a database. */
export interface ClientAppStore {
  findClientApp(appId: string): Promise<ClientAppRecord | null>;
  consumeJti(clientId: string, jti: string, expiresAt: Date): Promise<boolean>;
  purgeExpiredJtis(before: Date): Promise<void>;
  /** Scopes NHS England has granted the supplier (requested ones not yet granted are left out). */
  grantedScopes(supplierId: string): Promise<string[]>;
}

export function clientAppStore(db: Db): ClientAppStore {
  return {
    findClientApp: (appId) => findClientApp(db, appId),
    consumeJti: (clientId, jti, expiresAt) => consumeJti(db, clientId, jti, expiresAt),
    purgeExpiredJtis: (before) => purgeExpiredJtis(db, before),
    grantedScopes: (supplierId) => grantedScopes(db, supplierId),
  };
}
