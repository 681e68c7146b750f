// OAuth2 client_credentials grant with private_key_jwt client authentication (RFC 6749 section
// 4.4, RFC 7523): a supplier's app trades a signed assertion for a short-lived access token.
import { isKnownScope, parseScopeParameter } from '../domain/scopes.js';
import type { AccessTokens } from './access-tokens.js';
import { CLOCK_SKEW_SECONDS, verifyClientAssertion } from './client-assertion.js';
import type { ClientAppStore } from './client-apps.js';
import { OAuthFailure } from './oauth-failure.js';

export const GRANT_TYPE = 'client_credentials';
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Used jtis are swept at most this often per process: a replay check never needs the sweep. */
const PURGE_INTERVAL_MS = 60_000;

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export type TokenResult = { ok: true; body: TokenResponse; appId: string; supplierId: string } | { ok: false; failure: OAuthFailure };

export interface ClientCredentialsDeps {
  store: ClientAppStore;
  accessTokens: AccessTokens;
  /** The audience every assertion must name: exactly the configured token URL. */
  tokenUrl: string;
  now?: () => number;
}

export function tokenEndpointUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/oauth2/token`;
}

/** Returns the handler for one form-encoded token request. */
export function clientCredentialsExchange(deps: ClientCredentialsDeps): (form: URLSearchParams) => Promise<TokenResult> {
  const now = deps.now ?? Date.now;
  let lastPurge = 0;
  return async (form) => {
    try {
      const nowMs = now();
      if (nowMs - lastPurge > PURGE_INTERVAL_MS) {
        lastPurge = nowMs;
        // Kept until exp plus the skew we tolerate: until then the assertion could still be accepted.
        await deps.store.purgeExpiredJtis(new Date(nowMs - CLOCK_SKEW_SECONDS * 1000));
      }
      return { ok: true, ...(await exchange(deps, form, Math.floor(nowMs / 1000))) };
    } catch (error) {
      if (error instanceof OAuthFailure) return { ok: false, failure: error };
      throw error;
    }
  };
}

async function exchange(deps: ClientCredentialsDeps, form: URLSearchParams, nowSeconds: number): Promise<{ body: TokenResponse; appId: string; supplierId: string }> {
  const param = (name: string): string | null => {
    const values = form.getAll(name);
    if (values.length > 1) throw new OAuthFailure('invalid_request', `${name} must not be repeated.`);
    return values[0] ?? null;
  };
  const grantType = param('grant_type');
  if (!grantType) throw new OAuthFailure('invalid_request', 'grant_type is required.');
  if (grantType !== GRANT_TYPE) throw new OAuthFailure('unsupported_grant_type', `Only grant_type=${GRANT_TYPE} is supported.`);
  // Missing or other client authentication is invalid_client (RFC 6749 section 5.2).
  const assertionType = param('client_assertion_type');
  const assertion = param('client_assertion');
  if (assertionType !== ASSERTION_TYPE || !assertion) {
    throw new OAuthFailure('invalid_client', `Authenticate with client_assertion_type=${ASSERTION_TYPE} and a client_assertion.`);
  }
  const requested = parseScopeParameter(param('scope'));
  const verified = await verifyClientAssertion(deps.store, assertion, { tokenUrl: deps.tokenUrl, nowSeconds, clientId: param('client_id') });
  if (!(await deps.store.consumeJti(verified.app.id, verified.jti, new Date(verified.exp * 1000)))) {
    throw new OAuthFailure('invalid_client', 'client_assertion jti has already been used.');
  }
  const scopes = await scopesFor(deps.store, verified.app.supplierId, requested);
  const { token, expiresIn } = await deps.accessTokens.mint({ appId: verified.app.id, supplierId: verified.app.supplierId, scopes }, nowSeconds);
  return {
    body: { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') },
    appId: verified.app.id,
    supplierId: verified.app.supplierId,
  };
}

/** All granted scopes, or the requested ones when every one of them is granted. */
async function scopesFor(store: ClientAppStore, supplierId: string, requested: string[]): Promise<string[]> {
  const granted = await store.grantedScopes(supplierId);
  const unknown = requested.filter((s) => !isKnownScope(s));
  if (unknown.length) throw new OAuthFailure('invalid_scope', `Unknown scope: ${unknown.join(' ')}.`);
  const notGranted = requested.filter((s) => !granted.includes(s));
  if (notGranted.length) throw new OAuthFailure('invalid_scope', `Scope not granted to this supplier: ${notGranted.join(' ')}.`);
  const scopes = requested.length ? requested : granted;
  if (!scopes.length) throw new OAuthFailure('invalid_scope', 'NHS England has not granted this supplier any scopes yet.');
  return scopes;
}
