// Caps request bodies while they stream in, whether or not the client sent a Content-Length, so an
// oversized request costs at most the cap in memory and never reaches the GraphQL parser.
import type { Plugin } from 'graphql-yoga';

const tooLarge = (maxBytes: number) =>
  new Response(JSON.stringify({ errors: [{ message: `Request body larger than ${maxBytes} bytes.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] }), {
    status: 413,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });

async function readAtMost(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export function bodyLimitPlugin(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse }) {
      if (Number(request.headers.get('content-length') ?? '0') > maxBytes) endResponse(tooLarge(maxBytes));
    },
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (!requestParser || !request.body) return;
      setRequestParser(async (incoming) => {
        const body = incoming.body ? await readAtMost(incoming.body, maxBytes) : Buffer.alloc(0);
        if (body === null) return tooLarge(maxBytes);
        return requestParser(new Request(incoming.url, { method: incoming.method, headers: incoming.headers, body: new Uint8Array(body) }));
      });
    },
  };
}
