// Runs a signed-in request through the page routes: finds the route, keeps other roles out, gives
// the page its request (with the API as the person), and turns its result, or the API's refusal,
// into a response.
import type { ConsoleApi } from './api-client.js';
import { errorBody } from './errors.js';
import { renderPage } from './layout.js';
import { roleName } from './names.js';
import { htmlResponse, redirectResponse, safeReturnTo, securityHeaders, type PageResponder } from './responses.js';
import { ConsoleApiError, matchPath, type ConsoleRequest, type ConsoleResult, type ConsoleRoute } from './routes.js';
import type { SessionCookie } from './session-cookie.js';
import type { LoadedSession, SessionStore } from './sessions.js';

type Found = { route: ConsoleRoute; params: Record<string, string> } | 'method' | null;

function compileRoutes(routes: ConsoleRoute[]) {
  return (method: string, pathname: string): Found => {
    let otherMethod = false;
    for (const route of routes) {
      const params = matchPath(route.path, pathname);
      if (!params) continue;
      if (route.method === method) return { route, params };
      otherMethod = true;
    }
    return otherMethod ? 'method' : null;
  };
}

export interface RouterDeps {
  routes: ConsoleRoute[];
  pages: PageResponder;
  sessions: SessionStore;
  session: SessionCookie;
  api: ConsoleApi;
}

export type RunRoute = (method: string, path: string, url: URL, loaded: LoadedSession, formData: URLSearchParams, requestId: string) => Promise<Response>;

export function consoleRouter(deps: RouterDeps): RunRoute {
  const { pages, sessions } = deps;
  const find = compileRoutes(deps.routes);

  function resultResponse(result: ConsoleResult, loaded: LoadedSession, path: string): Promise<Response> | Response {
    switch (result.kind) {
      case 'page':
        return htmlResponse(
          renderPage({ title: result.title, session: loaded.session, body: result.body, breadcrumbs: result.breadcrumbs, flash: loaded.flash, nav: pages.navFor(loaded.session.role), currentPath: path }),
          result.status ?? 200,
        );
      case 'redirect':
        return (async () => {
          if (result.flash) await sessions.setFlash(loaded.session.id, result.flash);
          return redirectResponse(safeReturnTo(result.location));
        })();
      case 'raw': {
        const headers = new Headers({ ...result.headers, 'content-type': result.contentType });
        securityHeaders(headers, 'raw');
        const body = typeof result.body === 'string' ? result.body : new Uint8Array(result.body);
        return new Response(body, { status: result.status ?? 200, headers });
      }
    }
  }

  return async (method, path, url, loaded, formData, requestId) => {
    const { session } = loaded;
    const found = find(method, path);
    if (!found || found === 'method') {
      return pages.page(session, 'Page not found', errorBody({ title: 'Page not found', code: 'NOT_FOUND', message: 'There is no console page at this address.' }), { status: 404, flash: loaded.flash });
    }
    const { route, params } = found;
    if (!route.roles.includes(session.role)) {
      const body = errorBody({ title: 'This page is not for your role', code: 'ROLE_REFUSED', message: `You are signed in as ${roleName(session.role)}.`, roles: route.roles });
      return pages.page(session, 'Not for your role', body, { status: 403, flash: loaded.flash, path });
    }
    const req: ConsoleRequest = {
      session,
      params,
      query: url.searchParams,
      form: formData,
      csrfToken: session.csrfToken,
      url: new URL(`${path}${url.search}`, 'http://console.internal'),
      api: (document, variables) => deps.api.call(loaded.accessToken, requestId, document, variables),
    };
    try {
      return await resultResponse(await route.handle(req), loaded, path);
    } catch (error) {
      if (!(error instanceof ConsoleApiError)) throw error;
      if (error.code === 'UNAUTHENTICATED') {
        await sessions.destroy(session.id);
        return deps.session.signInRedirect(method === 'GET' ? `${path}${url.search}` : '/console', true);
      }
      const status = error.code === 'FORBIDDEN' ? 403 : error.code === 'NOT_FOUND' ? 404 : 400;
      const body = errorBody({ title: error.code === 'FORBIDDEN' ? 'You are not allowed to do this' : 'This could not be done', code: error.code, message: error.message });
      return pages.page(session, 'Refused', body, { status, flash: loaded.flash, path });
    }
  };
}
