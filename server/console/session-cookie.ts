// A console session as the browser sees it: started by a cookie after sign-in, read from it on
// every request, ended (with a redirect to sign in) on sign-out or when the API stops accepting
// the person's token. The rows themselves live in sessions.ts.
import type { Env } from '../env.js';
import { cookieNames, readCookie, setCookie } from './cookies.js';
import { redirectResponse, safeReturnTo } from './responses.js';
import type { LoadedSession, SessionPerson, SessionStore } from './sessions.js';

export interface SessionCookie {
  /** The session the request's cookie names: null without one, 'expired' when it has ended. */
  load(request: Request): Promise<LoadedSession | null | 'expired'>;
  /** Signs the person in: a session no longer than the token's life, and on to where they were going. */
  start(person: SessionPerson, token: string, tokenExpiresAt: Date | null, returnTo: string): Promise<Response>;
  /** To the sign-in page, coming back to `returnTo`; `expired` says why and clears the cookie. */
  signInRedirect(returnTo: string, expired: boolean): Response;
  signOut(sessionId: string): Promise<Response>;
}

export function sessionCookie(env: Env, sessions: SessionStore): SessionCookie {
  const cookies = cookieNames(env);
  return {
    async load(request) {
      const cookie = readCookie(request, cookies.session);
      return cookie ? sessions.load(cookie) : null;
    },
    async start(person, token, tokenExpiresAt, returnTo) {
      const byTtl = new Date(Date.now() + env.CONSOLE_SESSION_TTL_SECONDS * 1000);
      const expiresAt = tokenExpiresAt && tokenExpiresAt < byTtl ? tokenExpiresAt : byTtl;
      const value = await sessions.create(person, token, expiresAt);
      const maxAge = Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
      return redirectResponse(safeReturnTo(returnTo), [setCookie(cookies, cookies.session, value, maxAge), setCookie(cookies, cookies.signIn, '', 0)]);
    },
    signInRedirect(returnTo, expired) {
      const query = new URLSearchParams({ returnTo });
      if (expired) query.set('expired', '1');
      return redirectResponse(`/console/sign-in?${query}`, expired ? [setCookie(cookies, cookies.session, '', 0)] : []);
    },
    async signOut(sessionId) {
      await sessions.destroy(sessionId);
      return redirectResponse('/console/sign-in', [setCookie(cookies, cookies.session, '', 0)]);
    },
  };
}
