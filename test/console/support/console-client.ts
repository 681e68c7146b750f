// A browser-like client of the console over the app's own fetch: keeps cookies, follows nothing
// by itself, and reads the CSRF token out of the page it was given (as a browser's form would send it).
import type { TestApp } from '../../support/test-app.js';

export interface ConsolePage {
  status: number;
  location: string | null;
  html: string;
  headers: Headers;
}

export class ConsoleClient {
  readonly cookies = new Map<string, string>();

  constructor(private readonly app: Pick<TestApp, 'fetch'>) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (!value || attrs.some((a) => /^\s*max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string): Promise<ConsolePage> {
    const response = await this.app.fetch(path, { headers: { cookie: this.cookieHeader() }, redirect: 'manual' });
    this.keep(response);
    return { status: response.status, location: response.headers.get('location'), html: await response.text(), headers: response.headers };
  }

  async post(path: string, fields: Record<string, string | string[]>): Promise<ConsolePage> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    const response = await this.app.fetch(path, {
      method: 'POST',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
      redirect: 'manual',
    });
    this.keep(response);
    return { status: response.status, location: response.headers.get('location'), html: await response.text(), headers: response.headers };
  }

  /** Opens the development sign-in page and signs in as a seeded person; returns where it sent us. */
  async signIn(person: string, returnTo = '/console'): Promise<string> {
    const page = await this.get(`/console/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
    const posted = await this.post('/console/sign-in', { _csrf: csrfOf(page.html), person, returnTo });
    if (posted.status !== 303 || !posted.location) throw new Error(`sign-in as ${person} failed: ${posted.status}`);
    return posted.location;
  }
}

/** The CSRF token in the first form of a page. */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF field on the page');
  return m[1]!;
}

/** Text content of a page, tags removed and whitespace collapsed, for readable assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
    .trim();
}
