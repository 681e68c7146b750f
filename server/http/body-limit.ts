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

const utf8 = new TextDecoder(); // drops a leading byte order mark, as Request.text() does

/**
 * The request with its body already read, for the request parsers (which read the body through
 * json(), text() or formData()): a whole second Request is built only for formData (multipart).
 */
function withBody(incoming: Request, body: Buffer): Request {
  let whole: Request | undefined;
  const asRequest = () => (whole ??= new Request(incoming.url, { method: incoming.method, headers: incoming.headers, body: new Uint8Array(body) }));
  const text = async () => utf8.decode(body);
  const read: Pick<Request, 'url' | 'method' | 'headers' | 'text' | 'json' | 'arrayBuffer' | 'formData'> = {
    url: incoming.url,
    method: incoming.method,
    headers: incoming.headers,
    text,
    json: async () => JSON.parse(await text()) as unknown,
    arrayBuffer: () => asRequest().arrayBuffer(),
    formData: () => asRequest().formData(),
  };
  return read as Request;
}

export interface BodyCaps {
  /** For every request whose caller is not (yet) known. */
  anonymousMaxBytes: number;
  /** For requests whose bearer token verifies: documents are sent base64 in the body. */
  authenticatedMaxBytes: number;
  /** Whether the request's caller is verified. Asked (for callers sending a bearer token) as the body starts to stream in, or before when its declared length passes the anonymous cap. */
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
        // The caller's check starts now and runs while the body streams in; it is waited for only
        // if the body grows past the anonymous cap.
        const larger = capFor(request);
        let maxBytes = small;
        const body = await readAtMost(incoming.body, small, async () => (maxBytes = await larger));
        if (body === null) return tooLarge(maxBytes);
        return requestParser(withBody(incoming, body));
      });
    },
  };
}
