// Access tokens the platform issues to supplier apps at /oauth2/token, and their verification at
// the API. JWT access tokens per RFC 9068: `typ: at+jwt`, so no other JWT we sign or accept (a
// person's token, a client assertion) can stand in for one.
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { parseScopeParameter } from '../domain/scopes.js';
import { SIGNING_ALG, loadOrCreateSigningKey } from './signing-keys.js';

/** Issuer of supplier apps' access tokens; stable so tokens survive a change of public URL. */
export const PLATFORM_ISSUER = 'urn:gp-open-integration:platform';
const TOKEN_TYPE = 'at+jwt';

export interface AppGrant {
  appId: string;
  supplierId: string;
  scopes: string[];
}

export interface AccessTokens {
  /** Public half of the signing key, served at /.well-known/jwks.json. */
  jwks: JSONWebKeySet;
  mint(grant: AppGrant, nowSeconds: number): Promise<{ token: string; expiresIn: number }>;
}

export async function openAccessTokens(db: Db, options: { audience: string; ttlSeconds: number }): Promise<AccessTokens> {
  const key = await loadOrCreateSigningKey(db, 'access-token');
  return {
    jwks: { keys: [key.publicJwk] },
    async mint(grant, nowSeconds) {
      const token = await new SignJWT({ client_id: grant.appId, supplier_id: grant.supplierId, scope: grant.scopes.join(' ') })
        .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: TOKEN_TYPE })
        .setIssuer(PLATFORM_ISSUER)
        .setAudience(options.audience)
        .setSubject(grant.appId)
        .setJti(randomUUID())
        .setIssuedAt(nowSeconds)
        .setExpirationTime(nowSeconds + options.ttlSeconds)
        .sign(key.privateKey);
      return { token, expiresIn: options.ttlSeconds };
    },
  };
}

const AppClaims = z.object({ sub: z.string().min(1), supplier_id: z.string().min(1), scope: z.string() });

/** Verifies an access token's signature, type, issuer, audience and lifetime; jose errors propagate. */
export async function verifyAccessToken(token: string, keys: JWTVerifyGetKey, audience: string): Promise<AppGrant | null> {
  const { payload } = await jwtVerify(token, keys, {
    issuer: PLATFORM_ISSUER,
    audience,
    typ: TOKEN_TYPE,
    algorithms: [SIGNING_ALG],
    requiredClaims: ['exp', 'sub'],
    clockTolerance: 5,
  });
  const claims = AppClaims.safeParse(payload);
  if (!claims.success) return null;
  return { appId: claims.data.sub, supplierId: claims.data.supplier_id, scopes: parseScopeParameter(claims.data.scope) };
}
