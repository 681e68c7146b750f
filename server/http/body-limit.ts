// Caps request bodies while they stream in, whether or not the client sent a Content-Length, so an
// oversized request costs at most the cap in memory and never reaches the GraphQL parser.
import type { Plugin } from 'graphql-yoga';
import { readAtMost } from './read-capped.js';

const tooLarge = (maxBytes: number) =>
  new Response(JSON.stringify({ errors: [{ message: `Request body larger than ${maxBytes} bytes.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] }), {
    status: 413,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });

// Only one non-negative integer is a valid Content-Length (a list of them is a smuggling attempt).
const CONTENT_LENGTH = /^\d+$/;
const invalidLength = () =>
  new Response(JSON.stringify({ errors: [{ message: 'Content-Length header is invalid.', extensions: { code: 'BAD_REQUEST' } }] }), {
    status: 400,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });

export interface BodyCaps {
  /** For every request whose caller is not (yet) known. */
  anonymousMaxBytes: number;
  /** For requests whose bearer token verifies: documents are sent base64 in the body. */
  authenticatedMaxBytes: number;
  /** Whether the request's caller is verified. Asked before the body is read, and only when it may be larger than the anonymous cap. */
  isVerified(request: Request): Promise<boolean>;
}

/**
 * The larger cap applies only once the token has verified: a forged or malformed bearer header
 * buys nothing, so an unauthenticated caller can never make the server hold more than the
 * anonymous cap. This is the only cap on request bodies: Yoga's own (maxRequestBodySize) is switched
 * off in app.ts, since it would stream every body through a second size-counting pipeline.
 */
export function bodyLimitPlugin(caps: BodyCaps): Plugin {
  const small = caps.anonymousMaxBytes;
  const large = Math.max(small, caps.authenticatedMaxBytes);
  const hasBearer = (request: Request) => /^bearer\s/i.test(request.headers.get('authorization') ?? '');
  const capFor = async (request: Request) => (large > small && hasBearer(request) && (await caps.isVerified(request)) ? large : small);
  return {
    async onRequest({ request, endResponse }) {
      const length = request.headers.get('content-length');
      if (length !== null && !CONTENT_LENGTH.test(length)) return endResponse(invalidLength());
      const declared = Number(length ?? '0');
      if (declared <= small) return;
      const maxBytes = await capFor(request);
      if (declared > maxBytes) endResponse(tooLarge(maxBytes));
    },
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (!requestParser || !request.body) return;
      setRequestParser(async (incoming) => {
        const maxBytes = await capFor(request);
        const body = await readAtMost(incoming.body, maxBytes);
        if (body === null) return tooLarge(maxBytes);
        return requestParser(new Request(incoming.url, { method: incoming.method, headers: incoming.headers, body: new Uint8Array(body) }));
      });
    },
  };
}
