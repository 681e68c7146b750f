// A web page open on a developer's machine must not be able to use the API with the developer's
// standing, nor mint tokens from the loopback development issuer. Tried over real HTTP on loopback
// with the headers a browser sends.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from './support/backends.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const EVIL = 'https://evil.example';
const CONSOLE = 'https://console.example';

/** node:http, because fetch may not set Host (a DNS-rebinding page's requests carry its own name). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on('error', fail);
    req.end();
  });
}

describe.each(await availableBackends())('browser origins (%s)', (backend) => {
  let app: TestApp;
  let server: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    app = await startTestApp(backend, { env: { CORS_ORIGINS: CONSOLE } });
    server = await app.listen();
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
  });

  const devToken = (headers: Record<string, string> = {}) => fetch(`${server.url}/dev-issuer/token?person=reviewer`, { headers });

  it('mints development tokens for scripts on loopback, and refuses anything a browser sends', async () => {
    expect((await devToken()).status).toBe(200);
    expect((await devToken({ 'sec-fetch-site': 'none' })).status).toBe(200); // an address typed into the browser bar
    const browserHeaders: Array<Record<string, string>> = [
      { origin: EVIL },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-origin' },
      { origin: CONSOLE },
    ];
    for (const headers of browserHeaders) {
      const response = await devToken(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(await response.text()).not.toContain('access_token');
    }
    const { port } = new URL(server.url);
    expect(await getWithHost(`${server.url}/dev-issuer/token?person=reviewer`, `rebound.evil.example:${port}`)).toBe(403);
  });

  it('gives an unlisted origin no CORS grant, and never allows credentials', async () => {
    const preflight = await fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const post = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { origin: EVIL, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ clinicalSystems { id } }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
    expect(post.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('grants exactly the configured origin, without credentials', async () => {
    const preflight = await fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: CONSOLE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('browser origins by default', () => {
  it('grants no origin at all when CORS_ORIGINS is unset', async () => {
    const app = await startTestApp('pglite');
    try {
      const response = await app.fetch('/graphql', {
        method: 'POST',
        headers: { origin: 'http://localhost:3000', 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ clinicalSystems { id } }' }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    } finally {
      await app.close();
    }
  });
});
