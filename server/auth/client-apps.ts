// The database facts the token endpoint and the bearer check need about a supplier's client app.
import { eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { clientApps, usedJtis } from '../db/schema/access.js';

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

/** Scopes NHS England has granted the supplier (requested ones not yet granted are left out). */
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
