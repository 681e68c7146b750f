// The console as one more client of the API: every question goes to /graphql in process, with the
// signed-in person's token, so the permission map and the audit are the same as for any client.
import { randomUUID } from 'node:crypto';
import { PERSON_ROLES } from '../domain/actors.js';
import { ConsoleApiError } from './routes.js';
import type { SessionPerson } from './sessions.js';
import type { Role } from './session-types.js';

export interface ConsoleApi {
  /** Asks the API as the person; errors become ConsoleApiError with the API's code. */
  call<T>(token: string, requestId: string, document: string, variables?: Record<string, unknown>): Promise<T>;
  /** Who a token belongs to, asked of the API itself (so the console trusts exactly what the API trusts). */
  personFor(token: string): Promise<SessionPerson>;
}

export function consoleApi(api: (request: Request) => Promise<Response>): ConsoleApi {
  async function call<T>(token: string, requestId: string, document: string, variables?: Record<string, unknown>): Promise<T> {
    const response = await api(
      new Request('http://console.internal/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
        body: JSON.stringify({ query: document, variables: variables ?? {} }),
      }),
    );
    let body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new ConsoleApiError('INTERNAL_SERVER_ERROR', 'The API gave an answer the console could not read.');
    }
    const first = body.errors?.[0];
    if (first) throw new ConsoleApiError(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first.message, first.path ?? []);
    if (!body.data) throw new ConsoleApiError('INTERNAL_SERVER_ERROR', 'The API answered without data.');
    return body.data;
  }

  async function personFor(token: string): Promise<SessionPerson> {
    const data = await call<{ me: { id: string; name: string; role: string; practiceOdsCode: string | null } | null }>(token, randomUUID(), '{ me { id name role practiceOdsCode } }');
    const me = data.me;
    if (!me || !(PERSON_ROLES as readonly string[]).includes(me.role)) throw new ConsoleApiError('FORBIDDEN', 'The console is for people; this sign-in is not a person.');
    return { personId: me.id, name: me.name || me.id, role: me.role as Role, practiceOds: me.practiceOdsCode };
  }

  return { call, personFor };
}
