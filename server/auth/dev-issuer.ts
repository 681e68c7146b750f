// Development issuer for the embedded default: an ES256 key pair created on first start and kept
// in the database, so tokens survive restarts. Production trusts a configured OIDC issuer instead.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK, type JSONWebKeySet, type CryptoKey } from 'jose';
import type { Db } from '../db/client.js';
import { people, signingKeys } from '../db/schema/governance.js';

const ALG = 'ES256';
const TOKEN_LIFETIME_SECONDS = 8 * 60 * 60;

export interface DevIssuer {
  jwks: JSONWebKeySet;
  /** Signs a token for a seeded person; null when no such person exists. */
  mintFor(personId: string): Promise<string | null>;
}

async function loadOrCreateKey(db: Db): Promise<{ kid: string; privateJwk: JWK; publicJwk: JWK }> {
  const [existing] = await db.select().from(signingKeys).limit(1);
  if (existing) return { kid: existing.kid, privateJwk: existing.privateJwk as JWK, publicJwk: existing.publicJwk as JWK };
  const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALG };
  await db.insert(signingKeys).values({ kid, alg: ALG, publicJwk, privateJwk }).onConflictDoNothing();
  // Two replicas starting at once: whichever key landed first wins.
  const [winner] = await db.select().from(signingKeys).limit(1);
  if (!winner) throw new Error('could not store the development signing key');
  return { kid: winner.kid, privateJwk: winner.privateJwk as JWK, publicJwk: winner.publicJwk as JWK };
}

export async function openDevIssuer(db: Db, issuer: string, audience: string): Promise<DevIssuer> {
  const key = await loadOrCreateKey(db);
  const signingKey = (await importJWK(key.privateJwk, ALG)) as CryptoKey;
  return {
    jwks: { keys: [key.publicJwk] },
    async mintFor(personId) {
      const [person] = await db.select().from(people).where(eq(people.id, personId));
      if (!person) return null;
      return new SignJWT({ name: person.displayName, role: person.role, ods: person.practiceOds ?? undefined })
        .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(person.id)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime(`${TOKEN_LIFETIME_SECONDS}s`)
        .sign(signingKey);
    },
  };
}
