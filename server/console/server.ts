// The console's server: serves /console next to /graphql from the same Yoga assembly. It signs
// people in (development issuer on the embedded default, OpenID Connect with PKCE in production),
// keeps sessions in the database, checks the CSRF token on every form post (refusals audited),
// sets strict security headers, and runs the page routes, which reach data only through the public
// GraphQL API as the signed-in person.
import { randomUUID } from 'node:crypto';
import { asc } from 'drizzle-orm';
import type { Plugin } from 'graphql-yoga';
import type { DevIssuer } from '../auth/dev-issuer.js';
import type { Db } from '../db/client.js';
import { people } from '../db/schema/governance.js';
import type { AuditEvent } from '../domain/audit/event.js';
import type { AuditWriter } from '../domain/audit/writer.js';
import { PERSON_ROLES } from '../domain/actors.js';
import type { Env } from '../env.js';
import { clientAddress } from '../http/client-address.js';
import type { AnonymousCallers } from '../http/anonymous-callers.js';
import { assetResponse } from './assets.js';
import { button, form, heading, radios } from './components.js';
import { errorBody } from './errors.js';
import { html, type Html } from './html.js';
import { renderPage } from './layout.js';
import { roleName } from './names.js';
import { oidcSignIn, type OidcSignIn } from './oidc.js';
import { consoleNav as allNav, consoleRoutes as allRoutes } from './pages/index.js';
import { ConsoleApiError, matchPath, type ConsoleNavItem, type ConsoleRequest, type ConsoleResult, type ConsoleRoute, type Flash } from './routes.js';
import { randomToken, sameToken, sessionStore, type LoadedSession, type SessionPerson } from './sessions.js';
import type { ConsoleSession, Role } from './session-types.js';
import { homeBody } from './home.js';

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

/** Strict: no inline script or style, nothing from elsewhere, never framed. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const SIGN_IN_SECONDS = 10 * 60;
const FORM_TYPE = 'application/x-www-form-urlencoded';

interface Cookies {
  session: string;
  signIn: string;
  secure: boolean;
}

function cookieNames(env: Env): Cookies {
  // Secure outside development: production, or any https address. __Host- pins it to this host.
  const secure = env.NODE_ENV === 'production' || env.publicUrl.startsWith('https:');
  return secure
    ? { session: '__Host-gpoi_console', signIn: '__Host-gpoi_console_signin', secure }
    : { session: 'gpoi_console', signIn: 'gpoi_console_signin', secure };
}

function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

function setCookie(c: Cookies, name: string, value: string, maxAgeSeconds: number): string {
  // Lax, not Strict: the OpenID provider's redirect back is a cross-site navigation, and a Strict
  // cookie set during it would be withheld from the page it lands on. Forms are guarded by CSRF tokens.
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${c.secure ? '; Secure' : ''}`;
}

/** Only console paths on this site: no scheme, no '//' host, no backslash tricks. */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || !value.startsWith('/console') || value.startsWith('//') || /[\\\s]/.test(value)) return '/console';
  return value;
}

function securityHeaders(headers: Headers, kind: 'page' | 'raw'): void {
  if (kind === 'page') {
    headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
    headers.set('x-frame-options', 'DENY');
  } else if (!headers.has('content-security-policy')) {
    // Documents shown inline by a console page (e.g. a PDF in a frame): same-origin framing only, no script.
    headers.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; sandbox");
  }
  headers.set('x-content-type-options', 'nosniff');
  headers.set('referrer-policy', 'same-origin');
  headers.set('cross-origin-opener-policy', 'same-origin');
  headers.set('cache-control', 'no-store');
}

function htmlResponse(body: string, status = 200, extra: Record<string, string> = {}): Response {
  const headers = new Headers({ 'content-type': 'text/html; charset=utf-8', ...extra });
  securityHeaders(headers, 'page');
  return new Response(body, { status, headers });
}

function redirectResponse(location: string, setCookies: string[] = []): Response {
  const headers = new Headers({ location });
  for (const c of setCookies) headers.append('set-cookie', c);
  securityHeaders(headers, 'page');
  return new Response(null, { status: 303, headers });
}

function compileRoutes(routes: ConsoleRoute[]) {
  return (method: string, pathname: string): { route: ConsoleRoute; params: Record<string, string> } | 'method' | null => {
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

export function consolePlugin(deps: ConsoleDeps): Plugin {
  const { env, db } = deps;
  const sessions = sessionStore(db);
  const cookies = cookieNames(env);
  const routes = deps.routes ?? allRoutes;
  const nav = deps.nav ?? allNav;
  const find = compileRoutes(routes);
  const oidc: OidcSignIn | null =
    env.AUTH_MODE === 'oidc' && env.OIDC_ISSUER && env.OIDC_CLIENT_ID
      ? oidcSignIn({
          issuer: env.OIDC_ISSUER,
          clientId: env.OIDC_CLIENT_ID,
          clientSecret: env.OIDC_CLIENT_SECRET,
          scopes: env.OIDC_SCOPES,
          redirectUri: new URL('/console/oidc/callback', env.publicUrl).toString(),
        })
      : null;

  const navFor = (role: Role) => nav.filter((n) => n.roles.includes(role));

  const pageFor = (session: ConsoleSession | null, title: string, body: Html, options: { status?: number; flash?: Flash | null; path?: string } = {}) =>
    htmlResponse(
      renderPage({ title, session, body, flash: options.flash ?? null, nav: session ? navFor(session.role) : [], currentPath: options.path }),
      options.status ?? 200,
    );

  /** Asks the API as the person; errors become ConsoleApiError with the API's code. */
  async function callApi<T>(token: string, requestId: string, document: string, variables?: Record<string, unknown>): Promise<T> {
    const response = await deps.api(
      new Request('http://console.internal/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
        body: JSON.stringify({ query: document, variables: variables ?? {} }),
      }),
    );
    let body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new ConsoleApiError('INTERNAL_SERVER_ERROR', 'The API gave an answer the console could not read.');
    }
    const first = body.errors?.[0];
    if (first) throw new ConsoleApiError(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first.message, first.path ?? []);
    if (!body.data) throw new ConsoleApiError('INTERNAL_SERVER_ERROR', 'The API answered without data.');
    return body.data;
  }

  /** Who a token belongs to, asked of the API itself (so the console trusts exactly what the API trusts). */
  async function personFor(token: string): Promise<SessionPerson> {
    const data = await callApi<{ me: { id: string; name: string; role: string; practiceOdsCode: string | null } | null }>(
      token,
      randomUUID(),
      '{ me { id name role practiceOdsCode } }',
    );
    const me = data.me;
    if (!me || !(PERSON_ROLES as readonly string[]).includes(me.role)) throw new ConsoleApiError('FORBIDDEN', 'The console is for people; this sign-in is not a person.');
    return { personId: me.id, name: me.name || me.id, role: me.role as Role, practiceOds: me.practiceOdsCode };
  }

  async function startSession(person: SessionPerson, token: string, tokenExpiresAt: Date | null, returnTo: string): Promise<Response> {
    const byTtl = new Date(Date.now() + env.CONSOLE_SESSION_TTL_SECONDS * 1000);
    const expiresAt = tokenExpiresAt && tokenExpiresAt < byTtl ? tokenExpiresAt : byTtl;
    const value = await sessions.create(person, token, expiresAt);
    const maxAge = Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    return redirectResponse(safeReturnTo(returnTo), [setCookie(cookies, cookies.session, value, maxAge), setCookie(cookies, cookies.signIn, '', 0)]);
  }

  function signInRedirect(returnTo: string, expired: boolean): Response {
    const query = new URLSearchParams({ returnTo });
    if (expired) query.set('expired', '1');
    return redirectResponse(`/console/sign-in?${query}`, expired ? [setCookie(cookies, cookies.session, '', 0)] : []);
  }

  async function auditRefusal(request: Request, serverContext: unknown, session: ConsoleSession | null, requestId: string, path: string, why: string): Promise<void> {
    const event: AuditEvent = {
      actorKind: session ? 'PERSON' : 'ANONYMOUS',
      actorId: session ? session.personId : 'anonymous',
      practiceOds: session?.practiceOds ?? null,
      operation: 'CONSOLE_FORM_POST',
      detail: { path, check: why, userAgent: (request.headers.get('user-agent') ?? '').slice(0, 200) },
      outcome: 'REFUSED',
      reason: 'The form post did not carry the CSRF token of the session it was sent with.',
      requestId,
    };
    if (session) await deps.audit.record([event]);
    else await deps.anonymous.recordRefusal(clientAddress(serverContext), [event]);
  }

  async function readForm(request: Request): Promise<URLSearchParams | null> {
    const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== FORM_TYPE) return null;
    return new URLSearchParams(await request.text());
  }

  // ---- sign-in pages -------------------------------------------------------------------------

  async function devSignInPage(url: URL, error?: string): Promise<Response> {
    const returnTo = safeReturnTo(url.searchParams.get('returnTo'));
    const expired = url.searchParams.get('expired') === '1';
    const rows = await db.select().from(people).orderBy(asc(people.role), asc(people.id));
    const token = randomToken();
    const items = rows.map((p) => ({
      value: p.id,
      text: `${p.displayName} (${roleName(p.role as Role)}${p.practiceOds ? `, ${p.practiceOds}` : ''})`,
      hint: p.id,
    }));
    const body = html`${heading('Sign in', 'Development sign-in')}
      ${expired ? html`<div class="nhsuk-inset-text" role="status"><span class="nhsuk-u-visually-hidden">Information: </span><p>Your sign-in ended. Sign in again to go back to the page you asked for.</p></div>` : null}
      <p class="nhsuk-body">This server runs with the development issuer: choose one of the seeded people. In production, people sign in with the organisation's OpenID Connect provider instead.</p>
      ${form({
        action: '/console/sign-in',
        csrfToken: token,
        body: html`<input type="hidden" name="returnTo" value="${returnTo}">
          ${radios({ name: 'person', legend: 'Who are you?', items, error, legendSize: 'm' })}
          ${button({ text: 'Sign in' })}`,
      })}`;
    return htmlResponse(renderPage({ title: 'Sign in', session: null, body }), error ? 400 : 200, {
      'set-cookie': setCookie(cookies, cookies.signIn, token, SIGN_IN_SECONDS),
    });
  }

  async function devSignIn(request: Request, serverContext: unknown, requestId: string): Promise<Response> {
    const formData = await readForm(request);
    const cookie = readCookie(request, cookies.signIn);
    const posted = formData?.get('_csrf') ?? '';
    if (!formData || !cookie || !sameToken(cookie, posted)) {
      await auditRefusal(request, serverContext, null, requestId, '/console/sign-in', 'sign-in form token');
      return pageFor(null, 'Form refused', errorBody({ title: 'This form was refused', code: 'CSRF_REFUSED', message: 'The sign-in form was not the one this console gave you.', back: '/console/sign-in' }), { status: 403 });
    }
    const returnTo = safeReturnTo(formData.get('returnTo'));
    const personId = formData.get('person') ?? '';
    const url = new URL(`/console/sign-in?returnTo=${encodeURIComponent(returnTo)}`, 'http://console.internal');
    if (!personId) return devSignInPage(url, 'Choose who you are');
    const token = /^[A-Za-z0-9._-]{1,64}$/.test(personId) ? await deps.devIssuer!.mintFor(personId) : null;
    if (!token) return devSignInPage(url, 'Choose one of the seeded people listed');
    return startSession(await personFor(token), token, null, returnTo);
  }

  async function oidcStart(url: URL): Promise<Response> {
    if (!oidc) {
      const body = errorBody({
        title: 'Sign-in is not set up',
        code: 'OIDC_NOT_CONFIGURED',
        message: 'This server trusts an OpenID Connect provider, but the console has no client there: set OIDC_CLIENT_ID (and OIDC_CLIENT_SECRET for a confidential client).',
      });
      return pageFor(null, 'Sign-in is not set up', body, { status: 503 });
    }
    const started = await oidc.start();
    const returnTo = safeReturnTo(url.searchParams.get('returnTo'));
    await sessions.startSignIn(started.state, started.codeVerifier, started.nonce, returnTo, new Date(Date.now() + SIGN_IN_SECONDS * 1000));
    // The state is also bound to this browser: a callback carrying someone else's state is refused.
    return redirectResponse(started.url.toString(), [setCookie(cookies, cookies.signIn, started.state, SIGN_IN_SECONDS)]);
  }

  async function oidcCallback(request: Request, url: URL): Promise<Response> {
    const state = url.searchParams.get('state') ?? '';
    const bound = readCookie(request, cookies.signIn);
    const pending = oidc && state && bound && sameToken(bound, state) ? await sessions.takeSignIn(state) : null;
    if (!oidc || !pending) {
      const body = errorBody({ title: 'Sign-in did not complete', code: 'SIGN_IN_EXPIRED', message: 'This sign-in was not started here, was already used, or took too long. Start again.', back: '/console/sign-in' });
      return pageFor(null, 'Sign-in did not complete', body, { status: 400 });
    }
    // openid-client checks the callback against the registered redirect URI, so it is rebuilt on it.
    const callback = new URL(`/console/oidc/callback${url.search}`, env.publicUrl);
    let tokens: { accessToken: string; expiresAt: Date | null };
    try {
      tokens = await oidc.finish(callback, { state, codeVerifier: pending.codeVerifier, nonce: pending.nonce });
    } catch (error) {
      const body = errorBody({ title: 'Sign-in did not complete', code: 'SIGN_IN_REFUSED', message: `The sign-in provider's answer was refused: ${error instanceof Error ? error.message : 'unreadable'}.`, back: '/console/sign-in' });
      return pageFor(null, 'Sign-in did not complete', body, { status: 400 });
    }
    return startSession(await personFor(tokens.accessToken), tokens.accessToken, tokens.expiresAt, pending.returnTo);
  }

  // ---- pages ---------------------------------------------------------------------------------

  function resultResponse(result: ConsoleResult, loaded: LoadedSession, path: string): Promise<Response> | Response {
    switch (result.kind) {
      case 'page':
        return htmlResponse(
          renderPage({ title: result.title, session: loaded.session, body: result.body, breadcrumbs: result.breadcrumbs, flash: loaded.flash, nav: navFor(loaded.session.role), currentPath: path }),
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

  async function handle(request: Request, url: URL, serverContext: unknown): Promise<Response> {
    const path = url.pathname.length > 1 && url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
    const method = request.method.toUpperCase();
    const requestId = randomUUID();

    if (path.startsWith('/console/assets/')) {
      const asset = method === 'GET' || method === 'HEAD' ? await assetResponse(path.slice('/console/assets/'.length)) : null;
      return asset ?? pageFor(null, 'Page not found', errorBody({ title: 'Page not found', code: 'NOT_FOUND', message: 'There is no such file.' }), { status: 404 });
    }
    if (path === '/console/sign-in') {
      if (method === 'GET') return deps.devIssuer ? devSignInPage(url) : oidcStart(url);
      if (method === 'POST' && deps.devIssuer) return devSignIn(request, serverContext, requestId);
    }
    if (path === '/console/oidc/callback' && method === 'GET' && !deps.devIssuer) return oidcCallback(request, url);

    const cookie = readCookie(request, cookies.session);
    const loaded = cookie ? await sessions.load(cookie) : null;
    const here = `${path}${url.search}`;

    if (method === 'POST') {
      const formData = await readForm(request);
      const session = loaded && loaded !== 'expired' ? loaded.session : null;
      const posted = formData?.get('_csrf') ?? '';
      if (!session || !formData || !sameToken(session.csrfToken, posted)) {
        await auditRefusal(request, serverContext, session, requestId, path, !session ? (loaded === 'expired' ? 'session expired' : 'no session') : 'CSRF token');
        if (loaded === 'expired') return signInRedirect(safeReturnTo(new URL(request.headers.get('referer') ?? '/console', url).pathname), true);
        const body = errorBody({
          title: 'This form was refused',
          code: 'CSRF_REFUSED',
          message: 'The form was not sent from a page of your current sign-in, so nothing was changed. The attempt has been recorded in the audit trail.',
        });
        return pageFor(session, 'Form refused', body, { status: 403 });
      }
      if (path === '/console/sign-out') {
        await sessions.destroy(session.id);
        return redirectResponse('/console/sign-in', [setCookie(cookies, cookies.session, '', 0)]);
      }
      return runRoute(method, path, url, loaded as LoadedSession, formData, requestId);
    }
    if (method !== 'GET' && method !== 'HEAD') return pageFor(null, 'Not allowed', errorBody({ title: 'Not allowed', code: 'METHOD_NOT_ALLOWED', message: 'The console answers GET and form posts only.' }), { status: 405 });

    if (loaded === 'expired') return signInRedirect(here, true);
    if (!loaded) return signInRedirect(here, false);
    if (path === '/console') return pageFor(loaded.session, 'Home', homeBody(loaded.session, navFor(loaded.session.role)), { flash: loaded.flash, path });
    return runRoute(method === 'HEAD' ? 'GET' : method, path, url, loaded, new URLSearchParams(), requestId);
  }

  async function runRoute(method: string, path: string, url: URL, loaded: LoadedSession, formData: URLSearchParams, requestId: string): Promise<Response> {
    const { session } = loaded;
    const found = find(method, path);
    if (!found || found === 'method') {
      return pageFor(session, 'Page not found', errorBody({ title: 'Page not found', code: 'NOT_FOUND', message: 'There is no console page at this address.' }), { status: 404, flash: loaded.flash });
    }
    const { route, params } = found;
    if (!route.roles.includes(session.role)) {
      const body = errorBody({ title: 'This page is not for your role', code: 'ROLE_REFUSED', message: `You are signed in as ${roleName(session.role)}.`, roles: route.roles });
      return pageFor(session, 'Not for your role', body, { status: 403, flash: loaded.flash, path });
    }
    const req: ConsoleRequest = {
      session,
      params,
      query: url.searchParams,
      form: formData,
      csrfToken: session.csrfToken,
      url: new URL(`${path}${url.search}`, 'http://console.internal'),
      api: (document, variables) => callApi(loaded.accessToken, requestId, document, variables),
    };
    try {
      return await resultResponse(await route.handle(req), loaded, path);
    } catch (error) {
      if (!(error instanceof ConsoleApiError)) throw error;
      if (error.code === 'UNAUTHENTICATED') {
        await sessions.destroy(session.id);
        return signInRedirect(method === 'GET' ? `${path}${url.search}` : '/console', true);
      }
      const status = error.code === 'FORBIDDEN' ? 403 : error.code === 'NOT_FOUND' ? 404 : 400;
      const body = errorBody({ title: error.code === 'FORBIDDEN' ? 'You are not allowed to do this' : 'This could not be done', code: error.code, message: error.message });
      return pageFor(session, 'Refused', body, { status, flash: loaded.flash, path });
    }
  }

  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      if (url.pathname !== '/console' && !url.pathname.startsWith('/console/')) return;
      try {
        endResponse(await handle(request, url, serverContext));
      } catch {
        // Never a stack or SQL to the browser; the request id ties the page to the server's log.
        endResponse(pageFor(null, 'Something went wrong', errorBody({ title: 'Something went wrong', code: 'INTERNAL_SERVER_ERROR', message: 'The console could not complete this request. Nothing you sent was lost; try again.' }), { status: 500 }));
      }
    },
  };
}
