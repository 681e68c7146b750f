// How the console answers: HTML pages and redirects with strict security headers, and the one
// check that keeps every redirect on this site's console.
import type { Html } from './html.js';
import { renderPage } from './layout.js';
import type { ConsoleNavItem, Flash } from './routes.js';
import type { ConsoleSession, Role } from './session-types.js';

/** Strict: no inline script or style, nothing from elsewhere, never framed. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** Only console paths on this site: no scheme, no '//' host, no backslash tricks. */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || !value.startsWith('/console') || value.startsWith('//') || /[\\\s]/.test(value)) return '/console';
  return value;
}

export function securityHeaders(headers: Headers, kind: 'page' | 'raw'): void {
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

export function htmlResponse(body: string, status = 200, extra: Record<string, string> = {}): Response {
  const headers = new Headers({ 'content-type': 'text/html; charset=utf-8', ...extra });
  securityHeaders(headers, 'page');
  return new Response(body, { status, headers });
}

export function redirectResponse(location: string, setCookies: string[] = []): Response {
  const headers = new Headers({ location });
  for (const c of setCookies) headers.append('set-cookie', c);
  securityHeaders(headers, 'page');
  return new Response(null, { status: 303, headers });
}

export interface PageOptions {
  status?: number;
  flash?: Flash | null;
  path?: string;
}

/** Whole pages in the console's layout, with the header links of the signed-in person's role. */
export function pageResponder(nav: ConsoleNavItem[]) {
  const navFor = (role: Role) => nav.filter((n) => n.roles.includes(role));
  const page = (session: ConsoleSession | null, title: string, body: Html, options: PageOptions = {}) =>
    htmlResponse(
      renderPage({ title, session, body, flash: options.flash ?? null, nav: session ? navFor(session.role) : [], currentPath: options.path }),
      options.status ?? 200,
    );
  return { navFor, page };
}

export type PageResponder = ReturnType<typeof pageResponder>;
