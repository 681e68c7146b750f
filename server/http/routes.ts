// Non-GraphQL routes, served through Yoga's request hook so in-process tests (yoga.fetch) and the
// HTTP server see exactly the same behaviour.
import type { Plugin } from 'graphql-yoga';
import type { DevIssuer } from '../auth/dev-issuer.js';

export interface RouteDeps {
  ping(): Promise<void>;
  devIssuer: DevIssuer | null;
  issuer: string;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

/** Loopback callers only: the development token endpoint must never be reachable from elsewhere. */
function isLoopback(serverContext: unknown): boolean {
  const socket = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket;
  const address = socket?.remoteAddress;
  // In-process calls (yoga.fetch) have no socket: the caller already runs inside this process.
  if (!socket) return true;
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

export function routesPlugin(deps: RouteDeps): Plugin {
  return {
    async onRequest({ url, endResponse, serverContext }) {
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
          if (!isLoopback(serverContext)) return endResponse(json({ error: 'development tokens are issued to loopback callers only' }, 403));
          const person = url.searchParams.get('person') ?? '';
          const token = await deps.devIssuer.mintFor(person);
          return endResponse(token ? json({ access_token: token, token_type: 'Bearer', issuer: deps.issuer }) : json({ error: `no seeded person "${person}"` }, 404));
        }
        default:
          return;
      }
    },
  };
}
