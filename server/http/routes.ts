// Non-GraphQL routes, served through Yoga's request hook so in-process tests (yoga.fetch) and the
// HTTP server see exactly the same behaviour.
import type { Plugin } from 'graphql-yoga';
import type { DevIssuer } from '../auth/dev-issuer.js';
import { isLoopbackAddress } from './client-address.js';

export interface RouteDeps {
  ping(): Promise<void>;
  devIssuer: DevIssuer | null;
  issuer: string;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

/** A loopback name in the Host header: a page that rebinds its own DNS name to 127.0.0.1 is refused. */
function namesLoopback(url: URL): boolean {
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Sent by a browser: fetches from a page carry Origin (or at least Sec-Fetch-Site other than
 * 'none', which only a typed-in address gets). Scripts and curl send neither. Any web page open on
 * a developer's machine could otherwise mint a reviewer's token from the loopback issuer.
 */
function fromBrowser(request: Request): boolean {
  if (request.headers.has('origin')) return true;
  const site = request.headers.get('sec-fetch-site');
  return site !== null && site !== 'none';
}

/** Seeded people's ids: short, plain. Anything else is not one, and never reaches the database. */
const PERSON_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function routesPlugin(deps: RouteDeps): Plugin {
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      switch (url.pathname) {
        case '/healthz':
          return endResponse(json({ status: 'ok' }));
        case '/readyz':
          try {
            await deps.ping();
            return endResponse(json({ status: 'ready' }));
          } catch {
            return endResponse(json({ status: 'database unavailable' }, 503));
          }
        case '/dev-issuer/jwks.json':
          if (deps.devIssuer) return endResponse(json(deps.devIssuer.jwks));
          return;
        case '/dev-issuer/token': {
          if (!deps.devIssuer) return;
          if (!isLoopbackAddress(serverContext) || !namesLoopback(url)) {
            return endResponse(json({ error: 'development tokens are issued to loopback callers only' }, 403));
          }
          if (fromBrowser(request)) return endResponse(json({ error: 'development tokens are not issued to browsers; use npm run token' }, 403));
          const person = url.searchParams.get('person') ?? '';
          if (!PERSON_ID.test(person)) return endResponse(json({ error: 'person must be a seeded person id, e.g. developer or clinician.Z91001' }, 400));
          const token = await deps.devIssuer.mintFor(person);
          return endResponse(token ? json({ access_token: token, token_type: 'Bearer', issuer: deps.issuer }) : json({ error: `no seeded person "${person}"` }, 404));
        }
        default:
          return;
      }
    },
  };
}
