// The console's two cookies: the session, and the short-lived sign-in binding (the development
// form's token, or the OpenID `state` of a sign-in in flight).
import type { Env } from '../env.js';

export interface ConsoleCookies {
  session: string;
  signIn: string;
  secure: boolean;
}

export function cookieNames(env: Env): ConsoleCookies {
  // Secure outside development: production, or any https address. __Host- pins it to this host.
  const secure = env.NODE_ENV === 'production' || env.publicUrl.startsWith('https:');
  return secure
    ? { session: '__Host-gpoi_console', signIn: '__Host-gpoi_console_signin', secure }
    : { session: 'gpoi_console', signIn: 'gpoi_console_signin', secure };
}

export function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

export function setCookie(c: ConsoleCookies, name: string, value: string, maxAgeSeconds: number): string {
  // Lax, not Strict: the OpenID provider's redirect back is a cross-site navigation, and a Strict
  // cookie set during it would be withheld from the page it lands on. Forms are guarded by CSRF tokens.
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${c.secure ? '; Secure' : ''}`;
}
