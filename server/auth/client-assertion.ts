// Verifies a private_key_jwt client assertion (RFC 7523 section 3) against the app's registered
// JWKS. Every failure is invalid_client, as RFC 7523 section 3.2 requires; the description says
// which check failed so a supplier can fix their client.
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWK } from 'jose';
import { z } from 'zod';
import { hasUnsafeText } from '../domain/input-text.js';
import type { ClientAppRecord, ClientAppStore } from './client-apps.js';
import { OAuthFailure } from './oauth-failure.js';

/** NHS England's platform signs with RS512; ES384 is the elliptic-curve alternative. Nothing else. */
export const ASSERTION_ALGS = ['RS512', 'ES384'] as const;
/** An assertion may be valid for at most this long from now. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** Tolerated difference between the client's clock and ours, on exp and iat. */
export const CLOCK_SKEW_SECONDS = 30;
const MAX_JTI_LENGTH = 256;
/** client_ids and kids are printable ASCII; anything else names no app and never reaches the database. */
const CLIENT_ID = /^[\x21-\x7E]{1,200}$/;

const RegisteredJwks = z.object({ keys: z.array(z.looseObject({ kid: z.string().optional() })) });

export interface VerifiedAssertion {
  app: ClientAppRecord;
  jti: string;
  /** Seconds since the epoch. */
  exp: number;
}

const refuse = (description: string) => new OAuthFailure('invalid_client', description);

export async function verifyClientAssertion(
  apps: Pick<ClientAppStore, 'findClientApp'>,
  assertion: string,
  options: { tokenUrl: string; nowSeconds: number; clientId: string | null },
): Promise<VerifiedAssertion> {
  // Decoding without verifying only routes the request: which client, which key, which alg.
  let header, unverified;
  try {
    header = decodeProtectedHeader(assertion);
    unverified = decodeJwt(assertion);
  } catch {
    throw refuse('client_assertion is not a signed JWT in compact form.');
  }
  if (!ASSERTION_ALGS.includes(header.alg as (typeof ASSERTION_ALGS)[number])) {
    throw refuse(`client_assertion must be signed with ${ASSERTION_ALGS.join(' or ')}.`);
  }
  if (typeof header.kid !== 'string' || !CLIENT_ID.test(header.kid)) throw refuse('client_assertion header must carry the kid of a registered key.');
  const clientId = unverified.iss;
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) throw refuse('client_assertion must carry iss = client_id.');
  if (options.clientId !== null && options.clientId !== clientId) throw refuse('client_id does not match the assertion iss.');

  const app = await apps.findClientApp(clientId);
  if (!app) throw refuse('Unknown client.');
  if (app.status !== 'ACTIVE') throw refuse('This client has been revoked.');
  const registered = RegisteredJwks.safeParse(app.jwks);
  const key = registered.success ? registered.data.keys.find((k) => k.kid === header.kid) : undefined;
  if (!key) throw refuse('The assertion kid does not name a key registered for this client.');

  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet({ keys: [key as JWK] }), {
      algorithms: [...ASSERTION_ALGS],
      // iss needs no check of its own: the key was chosen by the iss of this same payload.
      subject: clientId,
      audience: options.tokenUrl,
      requiredClaims: ['exp', 'jti'],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: new Date(options.nowSeconds * 1000),
    }));
  } catch (error) {
    throw refuse(describe(error, options.tokenUrl));
  }
  // RFC 7523 lets aud be an array that contains the token URL; we ask for exactly the URL, as a
  // single string, so an assertion minted for several audiences cannot be replayed here.
  if (payload.aud !== options.tokenUrl) throw refuse(`client_assertion aud must be exactly the token endpoint URL ${options.tokenUrl} (a string, not an array).`);
  const { iat, jti } = payload;
  const exp = payload.exp as number; // required, and checked to be a number, by jwtVerify
  if (exp > options.nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) {
    throw refuse(`client_assertion exp must be at most ${MAX_ASSERTION_LIFETIME_SECONDS} seconds from now.`);
  }
  // Stryker disable next-line ConditionalExpression: an absent iat compares false anyway; the test narrows its type
  if (iat !== undefined && iat > options.nowSeconds + CLOCK_SKEW_SECONDS) throw refuse('client_assertion iat is in the future.');
  if (typeof jti !== 'string' || !jti || jti.length > MAX_JTI_LENGTH || hasUnsafeText(jti)) {
    throw refuse(`client_assertion jti must be a non-empty string of at most ${MAX_JTI_LENGTH} characters.`);
  }
  return { app, jti, exp };
}

function describe(error: unknown, tokenUrl: string): string {
  if (error instanceof errors.JWTExpired) return 'client_assertion has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return `client_assertion aud must be the token endpoint URL ${tokenUrl}.`;
    if (error.claim === 'sub') return 'client_assertion iss and sub must both be the client_id.';
    return `client_assertion ${error.claim} claim is missing or not valid.`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'client_assertion signature does not verify with the registered key.';
  // The alg was checked against ASSERTION_ALGS before, so a disallowed alg cannot reach here.
  if (error instanceof errors.JWKSNoMatchingKey) return 'The registered key with this kid does not suit the assertion alg.';
  if (error instanceof errors.JOSEError) return 'client_assertion is not valid.';
  throw error;
}
