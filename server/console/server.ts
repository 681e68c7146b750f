// The console's server: serves /console next to /graphql from the same Yoga assembly. It puts the
// pieces together: sign-in (sign-in.ts), sessions in the database behind a cookie (sessions.ts,
// session-cookie.ts), the CSRF check on every form post with refusals audited (form-posts.ts),
// strict security headers (responses.ts), and the page routes (router.ts), which reach data only
// through the public GraphQL API as the signed-in person (api-client.ts).
import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { DevIssuer } from '../auth/dev-issuer.js';
import type { Db } from '../db/client.js';
import type { AuditWriter } from '../domain/audit/writer.js';
import type { Env } from '../env.js';
import type { AnonymousCallers } from '../http/anonymous-callers.js';
import { consoleApi } from './api-client.js';
import { assetResponse } from './assets.js';
import { errorBody } from './errors.js';
import { formRefusals, readForm } from './form-posts.js';
import { homeBody } from './home.js';
import { consoleNav as allNav, consoleRoutes as allRoutes } from './pages/index.js';
import { pageResponder, safeReturnTo } from './responses.js';
import { consoleRouter } from './router.js';
import type { ConsoleNavItem, ConsoleRoute } from './routes.js';
import { sessionCookie } from './session-cookie.js';
import { sameToken, sessionStore, type LoadedSession } from './sessions.js';
import { signIn } from './sign-in.js';

export interface ConsoleDeps {
  env: Env;
  db: Db;
  devIssuer: DevIssuer | null;
  audit: AuditWriter;
  anonymous: AnonymousCallers;
  /** The API itself, in process (yoga.fetch): the console is one more client of it. */
  api(request: Request): Promise<Response>;
  routes?: ConsoleRoute[];
  nav?: ConsoleNavItem[];
}

export function consolePlugin(deps: ConsoleDeps): Plugin {
  const sessions = sessionStore(deps.db);
  const session = sessionCookie(deps.env, sessions);
  const pages = pageResponder(deps.nav ?? allNav);
  const api = consoleApi(deps.api);
  const recordRefusal = formRefusals(deps.audit, deps.anonymous);
  const signingIn = signIn({ env: deps.env, db: deps.db, devIssuer: deps.devIssuer, sessions, session, api, pages, recordRefusal });
  const runRoute = consoleRouter({ routes: deps.routes ?? allRoutes, pages, sessions, session, api });

  async function handle(request: Request, url: URL, serverContext: unknown): Promise<Response> {
    const path = url.pathname.length > 1 && url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
    const method = request.method.toUpperCase();
    const requestId = randomUUID();

    if (path.startsWith('/console/assets/')) {
      const asset = method === 'GET' || method === 'HEAD' ? await assetResponse(path.slice('/console/assets/'.length)) : null;
      return asset ?? pages.page(null, 'Page not found', errorBody({ title: 'Page not found', code: 'NOT_FOUND', message: 'There is no such file.' }), { status: 404 });
    }
    if (path === '/console/sign-in') {
      if (method === 'GET') return signingIn.start(url);
      if (method === 'POST' && deps.devIssuer) return signingIn.submit(request, serverContext, requestId);
    }
    if (path === '/console/oidc/callback' && method === 'GET' && !deps.devIssuer) return signingIn.callback(request, url);

    const loaded = await session.load(request);
    const here = `${path}${url.search}`;

    if (method === 'POST') {
      const formData = await readForm(request);
      const current = loaded && loaded !== 'expired' ? loaded.session : null;
      const posted = formData?.get('_csrf') ?? '';
      if (!current || !formData || !sameToken(current.csrfToken, posted)) {
        await recordRefusal(request, serverContext, current, requestId, path, !current ? (loaded === 'expired' ? 'session expired' : 'no session') : 'CSRF token');
        if (loaded === 'expired') return session.signInRedirect(safeReturnTo(new URL(request.headers.get('referer') ?? '/console', url).pathname), true);
        const body = errorBody({
          title: 'This form was refused',
          code: 'CSRF_REFUSED',
          message: 'The form was not sent from a page of your current sign-in, so nothing was changed. The attempt has been recorded in the audit trail.',
        });
        return pages.page(current, 'Form refused', body, { status: 403 });
      }
      if (path === '/console/sign-out') return session.signOut(current.id);
      return runRoute(method, path, url, loaded as LoadedSession, formData, requestId);
    }
    if (method !== 'GET' && method !== 'HEAD') return pages.page(null, 'Not allowed', errorBody({ title: 'Not allowed', code: 'METHOD_NOT_ALLOWED', message: 'The console answers GET and form posts only.' }), { status: 405 });

    if (loaded === 'expired') return session.signInRedirect(here, true);
    if (!loaded) return session.signInRedirect(here, false);
    if (path === '/console') return pages.page(loaded.session, 'Home', homeBody(loaded.session, pages.navFor(loaded.session.role)), { flash: loaded.flash, path });
    return runRoute(method === 'HEAD' ? 'GET' : method, path, url, loaded, new URLSearchParams(), requestId);
  }

  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      if (url.pathname !== '/console' && !url.pathname.startsWith('/console/')) return;
      try {
        endResponse(await handle(request, url, serverContext));
      } catch {
        // Never a stack or SQL to the browser; the request id ties the page to the server's log.
        endResponse(pages.page(null, 'Something went wrong', errorBody({ title: 'Something went wrong', code: 'INTERNAL_SERVER_ERROR', message: 'The console could not complete this request. Nothing you sent was lost; try again.' }), { status: 500 }));
      }
    },
  };
}
