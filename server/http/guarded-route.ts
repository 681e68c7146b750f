// The last line of defence for the non-GraphQL routes: an exception escaping a route would
// otherwise reach the HTTP adapter, which answers 500 text/plain with the stack (file paths, and
// SQL when the database refused something). Here it becomes a bare JSON 500, and the detail goes
// to the server's log only.
import type { Plugin, YogaLogger } from 'graphql-yoga';

const internalError = () =>
  new Response(JSON.stringify({ error: 'server_error', error_description: 'The request could not be completed.' }), {
    status: 500,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });

export function guardedRoute<T extends Record<string, unknown>>(plugin: Plugin<T>): Plugin<T> {
  const onRequest = plugin.onRequest;
  if (!onRequest) return plugin;
  let logger: YogaLogger | undefined;
  return {
    ...plugin,
    onYogaInit(payload) {
      logger = payload.yoga.logger;
      return plugin.onYogaInit?.(payload);
    },
    async onRequest(payload) {
      try {
        await onRequest(payload);
      } catch (error) {
        logger?.warn(`${payload.url.pathname}: request failed: ${error instanceof Error ? error.message : String(error)}`);
        payload.endResponse(internalError());
      }
    },
  };
}
