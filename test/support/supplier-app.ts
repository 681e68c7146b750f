// A supplier with an app registered directly in the database, holding real RS512 and ES384 keys,
// and helpers to sign client assertions with them.
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { Db } from '../../server/db/client.js';
import { clientApps, supplierScopes, suppliers } from '../../server/db/schema/access.js';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface AppKey {
  kid: string;
  alg: 'RS512' | 'ES384';
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export interface SupplierApp {
  supplierId: string;
  appId: string;
  rsa: AppKey;
  ec: AppKey;
}

export async function appKey(alg: 'RS512' | 'ES384'): Promise<AppKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS512' ? { modulusLength: 2048 } : {}) });
  const kid = `${alg.toLowerCase()}-${randomUUID()}`;
  return { kid, alg, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** Granted scopes get granted_at; requested-only scopes stay pending. */
export async function createSupplierApp(db: Db, scopes: { granted: string[]; pending?: string[] }): Promise<SupplierApp> {
  const supplierId = `supplier-${randomUUID()}`;
  const appId = `app-${randomUUID()}`;
  const [rsa, ec] = await Promise.all([appKey('RS512'), appKey('ES384')]);
  await db.insert(suppliers).values({
    id: supplierId,
    name: 'Test Health Ltd',
    contactName: 'Ada Test',
    contactEmail: 'ada@test-health.example',
    useCase: 'Appointment reminders',
    createdBy: 'developer',
  });
  const rows = [
    ...scopes.granted.map((scope) => ({ supplierId, scope, grantedBy: 'reviewer', grantedAt: new Date() })),
    ...(scopes.pending ?? []).map((scope) => ({ supplierId, scope })),
  ];
  if (rows.length) await db.insert(supplierScopes).values(rows);
  await db.insert(clientApps).values({ id: appId, supplierId, name: 'Reminders', jwks: { keys: [rsa.publicJwk, ec.publicJwk] } });
  return { supplierId, appId, rsa, ec };
}

export interface AssertionOverrides {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  /** Seconds relative to now; null leaves the claim out. */
  exp?: number | null;
  iat?: number | null;
  jti?: string | null;
  kid?: string;
}

/** A client assertion signed with `key`; each override shows one fault. */
export async function signAssertion(appId: string, key: AppKey, tokenUrl: string, overrides: AssertionOverrides = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: overrides.iss ?? appId,
    sub: overrides.sub ?? appId,
    aud: overrides.aud ?? tokenUrl,
  };
  const exp = overrides.exp === undefined ? 240 : overrides.exp;
  const iat = overrides.iat === undefined ? 0 : overrides.iat;
  const jti = overrides.jti === undefined ? randomUUID() : overrides.jti;
  if (exp !== null) claims.exp = now + exp;
  if (iat !== null) claims.iat = now + iat;
  if (jti !== null) claims.jti = jti;
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: overrides.kid ?? key.kid, typ: 'JWT' }).sign(key.privateKey);
}

export function tokenForm(assertion: string, extra: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, ...extra });
}
