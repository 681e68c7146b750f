// Platform signing keys, one per purpose, created on first start and kept in the database so
// every replica and every restart signs and verifies with the same key.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Db } from '../db/client.js';
import { signingKeys } from '../db/schema/governance.js';

export const SIGNING_ALG = 'ES256';
export type KeyPurpose = 'dev-issuer' | 'access-token';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function loadOrCreateSigningKey(db: Db, purpose: KeyPurpose): Promise<SigningKey> {
  const current = async () => (await db.select().from(signingKeys).where(eq(signingKeys.purpose, purpose)).limit(1))[0];
  let row = await current();
  if (!row) {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG };
    await db.insert(signingKeys).values({ kid, purpose, alg: SIGNING_ALG, publicJwk, privateJwk }).onConflictDoNothing();
    // Two replicas starting at once: both end up with whichever key is read back first.
    row = await current();
    if (!row) throw new Error(`could not store the ${purpose} signing key`);
  }
  return { kid: row.kid, privateKey: (await importJWK(row.privateJwk as JWK, SIGNING_ALG)) as CryptoKey, publicJwk: row.publicJwk as JWK };
}
