// Bearer token -> Actor. Any token that is present but not valid is refused outright: a caller
// with a broken token must not silently become anonymous.
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { ANONYMOUS, PERSON_ROLES, type Actor } from '../domain/actors.js';
import { normaliseOdsCode } from '../domain/identifiers.js';

const PersonClaims = z.object({
  sub: z.string().min(1),
  name: z.string().default(''),
  role: z.enum(PERSON_ROLES),
  ods: z.string().optional(),
});

export class AuthenticationError extends Error {}

export interface BearerVerifier {
  actorFor(authorization: string | null): Promise<Actor>;
}

export function bearerVerifier(options: { issuer: string; audience: string; jwks: JSONWebKeySet | URL }): BearerVerifier {
  const keys: JWTVerifyGetKey =
    options.jwks instanceof URL ? createRemoteJWKSet(options.jwks) : createLocalJWKSet(options.jwks);
  return {
    async actorFor(authorization) {
      if (!authorization) return ANONYMOUS;
      const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization.trim());
      if (!match?.[1]) throw new AuthenticationError('Authorization header must be "Bearer <token>".');
      let payload;
      try {
        ({ payload } = await jwtVerify(match[1], keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ['ES256', 'RS256', 'RS512', 'ES384'],
          clockTolerance: 5,
        }));
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw new AuthenticationError('Token has expired.');
        if (error instanceof errors.JOSEError) throw new AuthenticationError('Token is not valid.');
        throw error;
      }
      const claims = PersonClaims.safeParse(payload);
      if (!claims.success) throw new AuthenticationError('Token does not carry a recognised role.');
      const practiceOds = claims.data.ods ? normaliseOdsCode(claims.data.ods) : null;
      return { kind: 'PERSON', id: claims.data.sub, name: claims.data.name, role: claims.data.role, practiceOds };
    },
  };
}
