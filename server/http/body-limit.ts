// Caps request bodies while they stream in, whether or not the client sent a Content-Length, so an
// oversized request costs at most the cap in memory and never reaches the GraphQL parser.
import type { Plugin } from 'graphql-yoga';
import { readAtMost } from './read-capped.js';

const tooLarge = (maxBytes: number) =>
  new Response(JSON.stringify({ errors: [{ message: `Request body larger than ${maxBytes} bytes.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] }), {
    status: 413,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });

/**
 * `authenticatedMaxBytes` applies to requests presenting a bearer token (documents are sent base64
 * in the body). The token is verified later; an unverified one only buys the larger cap, which is
 * why that cap stays a small multiple of the largest document.
 */
export function bodyLimitPlugin(defaultMaxBytes: number, authenticatedMaxBytes = defaultMaxBytes): Plugin {
  const capFor = (request: Request) => (/^bearer\s/i.test(request.headers.get('authorization') ?? '') ? Math.max(defaultMaxBytes, authenticatedMaxBytes) : defaultMaxBytes);
  return {
    onRequest({ request, endResponse }) {
      const maxBytes = capFor(request);
      if (Number(request.headers.get('content-length') ?? '0') > maxBytes) endResponse(tooLarge(maxBytes));
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
