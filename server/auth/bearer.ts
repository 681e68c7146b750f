// Bearer token -> Actor. Any token that is present but not valid is refused outright: a caller
// with a broken token must not silently become anonymous.
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { ANONYMOUS, PERSON_ROLES, type Actor, type PersonName } from '../domain/actors.js';
import { normaliseOdsCode } from '../domain/identifiers.js';
import { PLATFORM_ISSUER, verifyAccessToken, type AppGrant } from './access-tokens.js';

const PersonClaims = z.object({
  sub: z.string().min(1),
  name: z.string().default(''),
  role: z.enum(PERSON_ROLES),
  ods: z.string().optional(),
  // OpenID Connect profile claims, and a title (prefix) where the identity provider sends one.
  // Anything malformed is ignored rather than refused: the display name still names the person.
  family_name: z.string().trim().min(1).max(100).optional().catch(undefined),
  given_name: z.string().trim().min(1).max(100).optional().catch(undefined),
  middle_name: z.string().trim().min(1).max(100).optional().catch(undefined),
  title: z.string().trim().min(1).max(40).optional().catch(undefined),
});

/** The name in parts when the token gives a family name; given names split on spaces, in order. */
function namePartsOf(claims: z.infer<typeof PersonClaims>): PersonName | null {
  if (!claims.family_name) return null;
  const words = (value: string | undefined) => (value ? value.split(/\s+/) : []);
  return { family: claims.family_name, given: [...words(claims.given_name), ...words(claims.middle_name)], prefix: words(claims.title) };
}

export class AuthenticationError extends Error {}

export interface BearerVerifier {
  actorFor(authorization: string | null): Promise<Actor>;
}

/** Supplier apps' access tokens, issued by the platform's own token endpoint. */
export interface AppTokenOptions {
  jwks: JSONWebKeySet;
  /** Asked on every request, so a revoked app's unexpired tokens stop working at once. */
  isActive(appId: string): Promise<boolean>;
}

/** Maps jose's refusals to a message the caller can act on; anything else is a real fault. */
async function verified<T>(verify: Promise<T>): Promise<T> {
  try {
    return await verify;
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new AuthenticationError('Token has expired.');
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'exp') throw new AuthenticationError('Token must carry an expiry (exp).');
    if (error instanceof errors.JOSEError) throw new AuthenticationError('Token is not valid.');
    throw error;
  }
}

/** Unverified claims, only to choose which keys verify the token (and how long a verification lasts). */
function unverifiedClaims(token: string): { iss?: string; exp?: number } {
  try {
    return decodeJwt(token);
  } catch {
    return {};
  }
}

/** How many verified tokens of each kind are remembered (under a kilobyte each). */
const VERIFIED_TOKENS = 1000;

/**
 * Callers send the same token on every request until it expires. Its signature and claims are
 * verified once and what they grant reused while the token is unexpired; after that the full check
 * runs again and gives its usual answer. For apps, whether the app is still active is asked on
 * every request regardless. (The keys that sign platform tokens are fixed for the process; a
 * person's token stays valid until it expires whatever happens to the issuer's key set, as a
 * stateless bearer token does.)
 */
function verifiedTokens<T>() {
  const verified = new Map<string, { value: T; exp: number }>();
  return {
    get(token: string): T | undefined {
      const entry = verified.get(token);
      if (!entry) return undefined;
      if (Date.now() / 1000 < entry.exp) return entry.value;
      verified.delete(token);
      return undefined;
    },
    set(token: string, value: T, exp: number | undefined): void {
      if (typeof exp !== 'number') return;
      if (verified.size >= VERIFIED_TOKENS) verified.delete(verified.keys().next().value!);
      verified.set(token, { value, exp });
    },
  };
}

export function bearerVerifier(options: { issuer: string; audience: string; jwks: JSONWebKeySet | URL; appTokens?: AppTokenOptions }): BearerVerifier {
  const keys: JWTVerifyGetKey =
    options.jwks instanceof URL ? createRemoteJWKSet(options.jwks) : createLocalJWKSet(options.jwks);
  const apps = options.appTokens
    ? { isActive: options.appTokens.isActive, keys: createLocalJWKSet(options.appTokens.jwks), verified: verifiedTokens<AppGrant>() }
    : null;
  const people = verifiedTokens<Actor>();
  return {
    async actorFor(authorization) {
      if (!authorization) return ANONYMOUS;
      const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization.trim());
      if (!match?.[1]) throw new AuthenticationError('Authorization header must be "Bearer <token>".');
      const token = match[1];
      // A token verified before needs no decoding to know which kind it is: the same string carries the same claims.
      const knownGrant = apps?.verified.get(token);
      const knownPerson = knownGrant ? undefined : people.get(token);
      if (knownPerson) return { ...knownPerson };
      const unverified = knownGrant ? { iss: PLATFORM_ISSUER } : unverifiedClaims(token);
      if (apps && unverified.iss === PLATFORM_ISSUER) {
        let grant = knownGrant;
        if (!grant) {
          const checked = await verified(verifyAccessToken(token, apps.keys, options.audience));
          if (!checked) throw new AuthenticationError('Token does not identify a supplier app.');
          apps.verified.set(token, checked, unverified.exp);
          grant = checked;
        }
        if (!(await apps.isActive(grant.appId))) throw new AuthenticationError('This app has been revoked.');
        return { kind: 'SUPPLIER_APP', appId: grant.appId, supplierId: grant.supplierId, scopes: [...grant.scopes] };
      }
      const { payload } = await verified(
        jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ['ES256', 'RS256', 'RS512', 'ES384'],
          // A token without exp would be good forever: a leaked one could never be contained.
          requiredClaims: ['exp'],
          clockTolerance: 5,
        }),
      );
      const claims = PersonClaims.safeParse(payload);
      if (!claims.success) throw new AuthenticationError('Token does not carry a recognised role.');
      const practiceOds = claims.data.ods ? normaliseOdsCode(claims.data.ods) : null;
      const person: Actor = { kind: 'PERSON', id: claims.data.sub, name: claims.data.name, role: claims.data.role, practiceOds, nameParts: namePartsOf(claims.data) };
      people.set(token, person, payload.exp);
      return person;
    },
  };
}
