// Production sign-in: OpenID Connect authorization code with PKCE against a provider started on
// loopback for the test; the provider's access token is what the console then uses on the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/backends.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ConsoleClient, textOf } from './support/console-client.js';
import { startTestIssuer, type TestIssuer } from './support/oidc-issuer.js';

for (const backend of await availableBackends()) {
  describe(`console sign-in with OpenID Connect (${backend})`, () => {
    let app: TestApp;
    let issuer: TestIssuer;
    beforeAll(async () => {
      issuer = await startTestIssuer({ audience: 'gp-open-integration' });
      app = await startTestApp(backend, {
        patients: 10,
        env: { AUTH_MODE: 'oidc', OIDC_ISSUER: issuer.url, OIDC_JWKS_URL: issuer.jwksUrl, OIDC_CLIENT_ID: issuer.clientId, PUBLIC_URL: 'https://console.example.test' },
      });
    });
    afterAll(async () => {
      await app?.close();
      await issuer?.close();
    });

    /** The browser's trip: console → provider → back to the console's callback (a path on this app). */
    async function throughProvider(browser: ConsoleClient, page: string): Promise<{ callback: string; authorize: URL }> {
      const start = await browser.get(`/console/sign-in?returnTo=${encodeURIComponent(page)}`);
      expect(start.status).toBe(303);
      const authorize = new URL(start.location!);
      const atProvider = await fetch(authorize, { redirect: 'manual' });
      const back = new URL(atProvider.headers.get('location')!);
      expect(back.origin).toBe('https://console.example.test');
      return { callback: `${back.pathname}${back.search}`, authorize };
    }

    it('signs a person in with authorization code and PKCE, and calls the API with the provider\'s token', async () => {
      issuer.signInAs({ sub: 'admin.Z91001', name: 'Ada Admin', role: 'PRACTICE_ADMIN', ods: 'Z91001' });
      const browser = new ConsoleClient(app);
      const { callback, authorize } = await throughProvider(browser, '/console/anything');
      expect(authorize.origin).toBe(issuer.url);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(authorize.searchParams.get('nonce')).toBeTruthy();
      expect(authorize.searchParams.get('redirect_uri')).toBe('https://console.example.test/console/oidc/callback');
      const landed = await browser.get(callback);
      expect(landed.status).toBe(303);
      expect(landed.location).toBe('/console/anything');
      const cookie = landed.headers.getSetCookie().find((c) => c.startsWith('__Host-gpoi_console='))!;
      expect(cookie).toMatch(/Secure/);
      expect(cookie).toMatch(/HttpOnly/);
      const home = await browser.get('/console');
      expect(home.status).toBe(200);
      expect(textOf(home.html)).toContain('Signed in as Ada Admin at practice Z91001');
    });

    it('refuses a callback replayed, or arriving in a browser that did not start the sign-in', async () => {
      issuer.signInAs({ sub: 'reviewer', name: 'Rhiannon Reviewer', role: 'REVIEWER' });
      const browser = new ConsoleClient(app);
      const { callback } = await throughProvider(browser, '/console');
      const stranger = new ConsoleClient(app);
      const injected = await stranger.get(callback);
      expect(injected.status).toBe(400);
      expect(textOf(injected.html)).toContain('SIGN_IN_EXPIRED');
      expect((await browser.get(callback)).status).toBe(303);
      const replayed = await browser.get(callback);
      expect(replayed.status).toBe(400);
    });

    it('does not offer the development sign-in', async () => {
      const page = await new ConsoleClient(app).get('/console/sign-in');
      expect(page.status).toBe(303);
      expect(page.location!.startsWith(issuer.url)).toBe(true);
      const post = await new ConsoleClient(app).post('/console/sign-in', { person: 'reviewer', _csrf: 'x' });
      expect(post.status).toBe(403);
    });
  });
}
