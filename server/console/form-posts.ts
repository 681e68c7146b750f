// Form posts: only urlencoded forms are read, and a post without the right CSRF token is refused
// and recorded in the audit trail (against the person, or as an anonymous caller).
import type { AuditEvent } from '../domain/audit/event.js';
import type { AuditWriter } from '../domain/audit/writer.js';
import type { AnonymousCallers } from '../http/anonymous-callers.js';
import { clientAddress } from '../http/client-address.js';
import type { ConsoleSession } from './session-types.js';

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The posted form; null when the body is not an urlencoded form. */
export async function readForm(request: Request): Promise<URLSearchParams | null> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== FORM_TYPE) return null;
  return new URLSearchParams(await request.text());
}

export type RecordFormRefusal = (request: Request, serverContext: unknown, session: ConsoleSession | null, requestId: string, path: string, why: string) => Promise<void>;

export function formRefusals(audit: AuditWriter, anonymous: AnonymousCallers): RecordFormRefusal {
  return async (request, serverContext, session, requestId, path, why) => {
    const event: AuditEvent = {
      actorKind: session ? 'PERSON' : 'ANONYMOUS',
      actorId: session ? session.personId : 'anonymous',
      practiceOds: session?.practiceOds ?? null,
      operation: 'CONSOLE_FORM_POST',
      detail: { path, check: why, userAgent: (request.headers.get('user-agent') ?? '').slice(0, 200) },
      outcome: 'REFUSED',
      reason: 'The form post did not carry the CSRF token of the session it was sent with.',
      requestId,
    };
    if (session) await audit.record([event]);
    else await anonymous.recordRefusal(clientAddress(serverContext), [event]);
  };
}
