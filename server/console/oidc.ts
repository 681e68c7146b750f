// Production sign-in: OpenID Connect authorization code with PKCE (S256), state and nonce, through
// openid-client. The provider's access token is the person's bearer token for the API, which
// verifies it against OIDC_ISSUER / OIDC_JWKS_URL like any other client's.
import * as client from 'openid-client';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  scopes: string;
  redirectUri: string;
}

export interface OidcSignIn {
  /** Where to send the browser, and what to keep until it comes back. */
  start(): Promise<{ url: URL; state: string; codeVerifier: string; nonce: string }>;
  /** Exchanges the code (checking state, PKCE and the ID token's nonce); returns the access token and its expiry. */
  finish(callbackUrl: URL, expected: { state: string; codeVerifier: string; nonce: string }): Promise<{ accessToken: string; expiresAt: Date | null }>;
}

const isLoopback = (url: URL) => url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';

export function oidcSignIn(settings: OidcSettings): OidcSignIn {
  let config: Promise<client.Configuration> | null = null;
  const configuration = () => {
    // Discovered on first use and kept; a failed discovery is retried on the next sign-in.
    config ??= (async () => {
      const issuer = new URL(settings.issuer);
      const auth = settings.clientSecret ? client.ClientSecretPost(settings.clientSecret) : client.None();
      // Plain http only for an issuer on this machine (development and tests); anywhere else, https.
      const options = isLoopback(issuer) && issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined;
      return client.discovery(issuer, settings.clientId, undefined, auth, options);
    })().catch((error: unknown) => {
      config = null;
      throw error;
    });
    return config;
  };
  return {
    async start() {
      const cfg = await configuration();
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(cfg, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url, state, codeVerifier, nonce };
    },
    async finish(callbackUrl, expected) {
      const cfg = await configuration();
      const tokens = await client.authorizationCodeGrant(cfg, callbackUrl, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
      const expiresIn = tokens.expiresIn();
      return { accessToken: tokens.access_token, expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null };
    },
  };
}
