// A GraphQL subscription over SSE as a client sees it: POST with Accept: text/event-stream, then
// each `data:` line of the stream is one execution result.
export interface SseSubscription<T> {
  status: number;
  received: T[];
  /** Resolves once `predicate` matches a received result (checked as results arrive). */
  waitFor(predicate: (value: T) => boolean): Promise<T>;
  close(): void;
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export async function subscribeSse<T = { data?: Record<string, unknown>; errors?: Array<{ extensions?: { code?: string } }> }>(
  fetchFn: Fetch,
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token: string | null,
): Promise<SseSubscription<T>> {
  const abort = new AbortController();
  const response = await fetchFn(url, {
    method: 'POST',
    signal: abort.signal,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const received: T[] = [];
  const waiters: Array<{ predicate: (v: T) => boolean; resolve: (v: T) => void }> = [];
  const deliver = (value: T) => {
    received.push(value);
    for (const w of [...waiters]) {
      if (w.predicate(value)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(value);
      }
    }
  };
  void (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = message
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          if (data) deliver(JSON.parse(data) as T);
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    status: response.status,
    received,
    waitFor(predicate) {
      const found = received.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    close: () => abort.abort(),
  };
}
