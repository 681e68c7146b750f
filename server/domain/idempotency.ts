// Idempotency keys (IETF draft "The Idempotency-Key HTTP Header Field"): per caller and key, the
// first request's fingerprint and, once it finished, its result, kept for 24 hours.
import { createHash } from 'node:crypto';
import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { idempotencyKeys } from '../db/schema/events.js';
import { canonicalJson } from './audit/event.js';

export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** A first request still unfinished after this is taken to have died; a retry may run again. */
export const ABANDONED_AFTER_MS = 5 * 60_000;
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export type Claim =
  | { kind: 'FIRST' }
  | { kind: 'REPLAY'; response: unknown }
  | { kind: 'IN_PROGRESS' }
  | { kind: 'REUSED' };

export function requestFingerprint(request: { query: string; variables: unknown; operationName: string | null | undefined }): string {
  return createHash('sha256').update(canonicalJson({ query: request.query, variables: request.variables ?? null, operationName: request.operationName ?? null })).digest('hex');
}

/** Takes the key for this request, or says why not. An expired or abandoned key is taken afresh. */
export async function claimIdempotencyKey(db: DbOrTx, callerId: string, key: string, requestHash: string, now = new Date()): Promise<Claim> {
  const expiresAt = new Date(now.getTime() + IDEMPOTENCY_TTL_MS);
  const taken = await db
    .insert(idempotencyKeys)
    .values({ callerId, key, requestHash, createdAt: now, expiresAt })
    .onConflictDoUpdate({
      target: [idempotencyKeys.callerId, idempotencyKeys.key],
      set: { requestHash, response: null, createdAt: now, expiresAt },
      setWhere: or(
        lt(idempotencyKeys.expiresAt, now),
        and(sql`${idempotencyKeys.response} is null`, lt(idempotencyKeys.createdAt, new Date(now.getTime() - ABANDONED_AFTER_MS))),
      ),
    })
    .returning({ key: idempotencyKeys.key });
  if (taken.length > 0) return { kind: 'FIRST' };
  const [existing] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.callerId, callerId), eq(idempotencyKeys.key, key)));
  if (!existing) return { kind: 'IN_PROGRESS' }; // released in between: the caller may simply retry
  if (existing.requestHash !== requestHash) return { kind: 'REUSED' };
  return existing.response === null ? { kind: 'IN_PROGRESS' } : { kind: 'REPLAY', response: existing.response };
}

export async function storeIdempotentResponse(db: DbOrTx, callerId: string, key: string, response: unknown): Promise<void> {
  await db.update(idempotencyKeys).set({ response }).where(and(eq(idempotencyKeys.callerId, callerId), eq(idempotencyKeys.key, key)));
}

/** A request that changed nothing (refused before any resolver ran) gives its key back. */
export async function releaseIdempotencyKey(db: DbOrTx, callerId: string, key: string): Promise<void> {
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.callerId, callerId), eq(idempotencyKeys.key, key), sql`${idempotencyKeys.response} is null`));
}
