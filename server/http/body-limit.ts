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

/**
 * This is the only cap on request bodies: Yoga's own (maxRequestBodySize) is switched off in app.ts,
 * since it would stream every body through a second size-counting pipeline.
 * `authenticatedMaxBytes` applies to requests presenting a bearer token (documents are sent base64
 * in the body). The token is verified later; an unverified one only buys the larger cap, which is
 * why that cap stays a small multiple of the largest document.
 */
export function bodyLimitPlugin(defaultMaxBytes: number, authenticatedMaxBytes = defaultMaxBytes): Plugin {
  const capFor = (request: Request) => (/^bearer\s/i.test(request.headers.get('authorization') ?? '') ? Math.max(defaultMaxBytes, authenticatedMaxBytes) : defaultMaxBytes);
  return {
    onRequest({ request, endResponse }) {
      const maxBytes = capFor(request);
      const length = request.headers.get('content-length');
      if (length !== null && !CONTENT_LENGTH.test(length)) endResponse(invalidLength());
      else if (Number(length ?? '0') > maxBytes) endResponse(tooLarge(maxBytes));
    },
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (!requestParser || !request.body) return;
      const maxBytes = capFor(request);
      setRequestParser(async (incoming) => {
        const body = await readAtMost(incoming.body, maxBytes);
        if (body === null) return tooLarge(maxBytes);
        return requestParser(new Request(incoming.url, { method: incoming.method, headers: incoming.headers, body: new Uint8Array(body) }));
      });
    },
  };
}
