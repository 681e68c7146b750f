// Reads a byte stream whole, giving up (and cancelling the stream) once it passes a cap, so an
// oversized request or provider answer costs at most the cap in memory.
// `raise`, when given, is asked once the stream passes `maxBytes`, for a larger cap that may apply (it
// can take time to know, e.g. verifying the caller): small bodies are read meanwhile, not after.
export async function readAtMost(body: ReadableStream<Uint8Array> | null, maxBytes: number, raise?: () => Promise<number>): Promise<Buffer | null> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let cap = maxBytes;
  let raised = !raise;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap && !raised) {
      raised = true;
      cap = Math.max(cap, await raise!());
    }
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
