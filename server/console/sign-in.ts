// Signing in: on the embedded default a development page lists the seeded people (its form bound
// to this browser by a cookie); in production, OpenID Connect with PKCE, its `state` bound to the
// browser the same way. Either way the API is asked who the token belongs to.
import { asc } from 'drizzle-orm';
import type { DevIssuer } from '../auth/dev-issuer.js';
import type { Db } from '../db/client.js';
import { people } from '../db/schema/governance.js';
import type { Env } from '../env.js';
import type { ConsoleApi } from './api-client.js';
import { button, form, heading, radios } from './components.js';
import { cookieNames, readCookie, setCookie } from './cookies.js';
import { errorBody } from './errors.js';
import type { RecordFormRefusal } from './form-posts.js';
import { readForm } from './form-posts.js';
import { html } from './html.js';
import { renderPage } from './layout.js';
import { roleName } from './names.js';
import { oidcSignIn, type OidcSignIn } from './oidc.js';
import { htmlResponse, redirectResponse, safeReturnTo, type PageResponder } from './responses.js';
import type { SessionCookie } from './session-cookie.js';
import { randomToken, sameToken, type SessionStore } from './sessions.js';
import type { Role } from './session-types.js';

const SIGN_IN_SECONDS = 10 * 60;

export interface SignInDeps {
  env: Env;
  db: Db;
  devIssuer: DevIssuer | null;
  sessions: SessionStore;
  session: SessionCookie;
  api: ConsoleApi;
  pages: PageResponder;
  recordRefusal: RecordFormRefusal;
}

export interface SignIn {
  /** GET /console/sign-in: the development page, or off to the OpenID provider. */
  start(url: URL): Promise<Response>;
  /** POST /console/sign-in (development issuer only). */
  submit(request: Request, serverContext: unknown, requestId: string): Promise<Response>;
  /** GET /console/oidc/callback (OpenID Connect only). */
  callback(request: Request, url: URL): Promise<Response>;
}

function oidcFor(env: Env): OidcSignIn | null {
  if (env.AUTH_MODE !== 'oidc' || !env.OIDC_ISSUER || !env.OIDC_CLIENT_ID) return null;
  return oidcSignIn({
    issuer: env.OIDC_ISSUER,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    scopes: env.OIDC_SCOPES,
    redirectUri: new URL('/console/oidc/callback', env.publicUrl).toString(),
  });
}

export function signIn(deps: SignInDeps): SignIn {
  const { env, db, sessions, session, api, pages } = deps;
  const cookies = cookieNames(env);
  const oidc = oidcFor(env);

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
      await deps.recordRefusal(request, serverContext, null, requestId, '/console/sign-in', 'sign-in form token');
      return pages.page(null, 'Form refused', errorBody({ title: 'This form was refused', code: 'CSRF_REFUSED', message: 'The sign-in form was not the one this console gave you.', back: '/console/sign-in' }), { status: 403 });
    }
    const returnTo = safeReturnTo(formData.get('returnTo'));
    const personId = formData.get('person') ?? '';
    const url = new URL(`/console/sign-in?returnTo=${encodeURIComponent(returnTo)}`, 'http://console.internal');
    if (!personId) return devSignInPage(url, 'Choose who you are');
    const token = /^[A-Za-z0-9._-]{1,64}$/.test(personId) ? await deps.devIssuer!.mintFor(personId) : null;
    if (!token) return devSignInPage(url, 'Choose one of the seeded people listed');
    return session.start(await api.personFor(token), token, null, returnTo);
  }

  async function oidcStart(url: URL): Promise<Response> {
    if (!oidc) {
      const body = errorBody({
        title: 'Sign-in is not set up',
        code: 'OIDC_NOT_CONFIGURED',
        message: 'This server trusts an OpenID Connect provider, but the console has no client there: set OIDC_CLIENT_ID (and OIDC_CLIENT_SECRET for a confidential client).',
      });
      return pages.page(null, 'Sign-in is not set up', body, { status: 503 });
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
      return pages.page(null, 'Sign-in did not complete', body, { status: 400 });
    }
    // openid-client checks the callback against the registered redirect URI, so it is rebuilt on it.
    const callback = new URL(`/console/oidc/callback${url.search}`, env.publicUrl);
    let tokens: { accessToken: string; expiresAt: Date | null };
    try {
      tokens = await oidc.finish(callback, { state, codeVerifier: pending.codeVerifier, nonce: pending.nonce });
    } catch (error) {
      const body = errorBody({ title: 'Sign-in did not complete', code: 'SIGN_IN_REFUSED', message: `The sign-in provider's answer was refused: ${error instanceof Error ? error.message : 'unreadable'}.`, back: '/console/sign-in' });
      return pages.page(null, 'Sign-in did not complete', body, { status: 400 });
    }
    return session.start(await api.personFor(tokens.accessToken), tokens.accessToken, tokens.expiresAt, pending.returnTo);
  }

  return {
    start: (url) => (deps.devIssuer ? devSignInPage(url) : oidcStart(url)),
    submit: devSignIn,
    callback: oidcCallback,
  };
}
