// OAuth2 client credentials with private_key_jwt, as the platform's token endpoint expects: each
// token request carries a freshly signed, single-use assertion. Tokens are cached and renewed
// shortly before they expire, and concurrent callers share one request.
import { SignJWT, importJWK, type CryptoKey, type JWK, type KeyObject } from 'jose';

export interface ClientCredentialsOptions {
  /** The platform's token endpoint, e.g. https://api.example/oauth2/token (also the assertion's aud). */
  tokenUrl: string;
  /** Your app's client_id. */
  clientId: string;
  /** The private half of a key registered for the app. */
  privateKey: CryptoKey | KeyObject | JWK;
  /** kid of that key as registered. */
  kid: string;
  alg: 'RS512' | 'ES384';
  /** Ask for fewer scopes than NHS England granted; default all granted. */
  scope?: string | readonly string[];
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** Renew this many seconds before expiry (at most half the token's lifetime). Default 30. */
  refreshEarlySeconds?: number;
}

export interface TokenSource {
  /** A valid access token; safe to pass unbound, e.g. createClient({ url, token: auth.getToken }). */
  getToken(): Promise<string>;
}

/** The token endpoint refused: `error` is the RFC 6749 code, e.g. invalid_client or invalid_scope. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string | undefined,
    readonly status: number,
  ) {
    super(description ? `${error}: ${description}` : error);
    this.name = 'OAuthError';
  }
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ASSERTION_LIFETIME_SECONDS = 300;

export function clientCredentials(options: ClientCredentialsOptions): TokenSource {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const early = options.refreshEarlySeconds ?? 30;
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');
  let key: Promise<CryptoKey | KeyObject | Uint8Array> | null = null;
  let cached: { token: string; renewAt: number } | null = null;
  let inFlight: Promise<string> | null = null;

  const signingKey = () => {
    const given = options.privateKey;
    key ??= 'kty' in given && typeof given.kty === 'string' ? importJWK(given as JWK, options.alg) : Promise.resolve(given as CryptoKey | KeyObject);
    return key;
  };

  async function assertion(): Promise<string> {
    const iat = Math.floor(now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: options.alg, kid: options.kid, typ: 'JWT' })
      .setIssuer(options.clientId)
      .setSubject(options.clientId)
      .setAudience(options.tokenUrl)
      .setJti(globalThis.crypto.randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_LIFETIME_SECONDS)
      .sign(await signingKey());
  }

  async function requestToken(): Promise<string> {
    const startedAt = now();
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await assertion(),
    });
    if (scope) form.set('scope', scope);
    const response = await doFetch(options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (!response.ok) {
      const error = typeof body?.error === 'string' ? body.error : 'invalid_response';
      const description = typeof body?.error_description === 'string' ? body.error_description : `HTTP ${response.status}`;
      throw new OAuthError(error, description, response.status);
    }
    const token = body?.access_token;
    const expiresIn = body?.expires_in;
    if (typeof token !== 'string' || typeof expiresIn !== 'number' || expiresIn <= 0) {
      throw new OAuthError('invalid_response', 'The token endpoint answered without access_token and expires_in.', response.status);
    }
    // Counted from when we asked, so time spent in transit only makes the renewal earlier.
    cached = { token, renewAt: startedAt + (expiresIn - Math.min(early, expiresIn / 2)) * 1000 };
    return token;
  }

  return {
    getToken() {
      if (cached && now() < cached.renewAt) return Promise.resolve(cached.token);
      inFlight ??= requestToken().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}
