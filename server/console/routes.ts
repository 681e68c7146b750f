// The contract every console page is written against. A page is a route: it asks the public
// GraphQL API (as the signed-in person) and answers a page, a redirect or a raw body. Sessions,
// CSRF, security headers, layout and error pages are done for it by the console's server.
import type { Html } from './html.js';
import type { ConsoleSession, Role } from './session-types.js';

export type { ConsoleSession, Role } from './session-types.js';

export interface Breadcrumb {
  text: string;
  href: string;
}

/** A one-off message shown on the next page (after a redirect). */
export interface Flash {
  kind: 'success' | 'error';
  message: string;
}

export interface ConsoleRequest {
  session: ConsoleSession;
  /** Path parameters, e.g. `{ clientId }` for '/console/practice/apps/:clientId' (already URI-decoded). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The posted form (urlencoded) for POST routes, CSRF already checked; empty for GET. */
  form: URLSearchParams;
  /** To put in every form (components' `form()` does it). */
  csrfToken: string;
  /** The page asked for, e.g. '/console/reviewer/board?stage=LIVE' (for "back to" links). */
  url: URL;
  /**
   * One GraphQL request to the public API as the signed-in person. Resolves `data`; throws
   * ConsoleApiError when the API answers errors (FORBIDDEN, UNAUTHENTICATED, BAD_USER_INPUT...).
   * Typed results inside `data` (unions such as `... on SomeError { code message }`) are the page's own.
   */
  api<T = Record<string, unknown>>(document: string, variables?: Record<string, unknown>): Promise<T>;
}

export type ConsoleResult =
  | { kind: 'page'; title: string; body: Html; breadcrumbs?: Breadcrumb[]; status?: number }
  | { kind: 'redirect'; location: string; flash?: Flash }
  | { kind: 'raw'; body: string | Uint8Array; contentType: string; status?: number; headers?: Record<string, string> };

export interface ConsoleRoute {
  method: 'GET' | 'POST';
  /** '/console/practice/apps/:clientId' style; `:name` matches one path segment. */
  path: string;
  /** Who may open it; others get a "not for your role" page (the API still decides every field). */
  roles: Role[];
  handle(req: ConsoleRequest): Promise<ConsoleResult>;
}

/** A link in the header navigation for the given roles. */
export interface ConsoleNavItem {
  text: string;
  href: string;
  roles: Role[];
}

/** What each folder of pages exports (gathered in pages/index.ts). */
export interface ConsolePages {
  routes: ConsoleRoute[];
  nav?: ConsoleNavItem[];
}

/** The API refused or failed: its error code (e.g. FORBIDDEN) and message, as the API said them. */
export class ConsoleApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The field path the error belongs to, when the API gave one. */
    readonly path: readonly (string | number)[] = [],
  ) {
    super(message);
    this.name = 'ConsoleApiError';
  }
}

export function page(title: string, body: Html, options: { breadcrumbs?: Breadcrumb[]; status?: number } = {}): ConsoleResult {
  return { kind: 'page', title, body, ...options };
}

export function redirect(location: string, flash?: Flash): ConsoleResult {
  return flash ? { kind: 'redirect', location, flash } : { kind: 'redirect', location };
}

export function rawBody(body: string | Uint8Array, contentType: string, options: { status?: number; headers?: Record<string, string> } = {}): ConsoleResult {
  return { kind: 'raw', body, contentType, ...options };
}

/** Compiles '/console/a/:id' into a matcher returning params, or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      if (g === '') return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) return null;
  }
  return params;
}
