// Cross-origin access for browsers: only the origins configured in CORS_ORIGINS, none by default.
// Credentials are never allowed: the API authenticates with bearer tokens, not cookies, so a page
// needs no ambient credentials, and reflecting them for any origin would hand every page the
// caller's session wherever one exists.
import type { CORSOptions } from 'graphql-yoga';

export function corsPolicy(allowedOrigins: readonly string[]): (request: Request) => CORSOptions {
  const allowed = new Set(allowedOrigins);
  return (request) => {
    const origin = request.headers.get('origin');
    if (!origin || !allowed.has(origin)) return false;
    return {
      origin: [origin],
      credentials: false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
      exposedHeaders: ['retry-after', 'www-authenticate'],
      maxAge: 600,
    };
  };
}
