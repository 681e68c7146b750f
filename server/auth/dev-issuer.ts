// Development issuer for the embedded default: signs tokens for seeded people with a key kept in
// the database. Production trusts a configured OIDC issuer instead (AUTH_MODE=oidc).
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SignJWT, type JSONWebKeySet } from 'jose';
import type { Db } from '../db/client.js';
import { people } from '../db/schema/governance.js';
import { SIGNING_ALG, loadOrCreateSigningKey } from './signing-keys.js';

const TOKEN_LIFETIME_SECONDS = 8 * 60 * 60;

export interface DevIssuer {
  jwks: JSONWebKeySet;
  /** Signs a token for a seeded person; null when no such person exists. */
  mintFor(personId: string): Promise<string | null>;
}

export async function openDevIssuer(db: Db, issuer: string, audience: string): Promise<DevIssuer> {
  const key = await loadOrCreateSigningKey(db, 'dev-issuer');
  return {
    jwks: { keys: [key.publicJwk] },
    async mintFor(personId) {
      const [person] = await db.select().from(people).where(eq(people.id, personId));
      if (!person) return null;
      return new SignJWT({ name: person.displayName, role: person.role, ods: person.practiceOds ?? undefined })
        .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(person.id)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime(`${TOKEN_LIFETIME_SECONDS}s`)
        .sign(key.privateKey);
    },
  };
}
