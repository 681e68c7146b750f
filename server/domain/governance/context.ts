// Who performs a governance action, for checks and for the audit event written with it.
import type { AuditOperation } from '../audit/operations.js';
import type { Actor } from '../actors.js';
import type { AuditEventInput } from '../audit/event.js';

export type Person = Extract<Actor, { kind: 'PERSON' }>;

export interface ActionContext {
  actor: Person;
  requestId: string;
}

/** A typed refusal; the schema layer maps `code` to its error types. */
export interface Refusal {
  refused: true;
  code: string;
  message: string;
  allowed?: string[];
}

export const refusal = (code: string, message: string, allowed?: string[]): Refusal => ({ refused: true, code, message, allowed });
export const isRefusal = (value: unknown): value is Refusal => typeof value === 'object' && value !== null && (value as Refusal).refused === true;

export function governanceEvent(
  ctx: ActionContext,
  operation: AuditOperation,
  detail: Record<string, unknown>,
  outcome: 'ALLOWED' | 'REFUSED',
  extra: { supplierId?: string | null; appId?: string | null; practiceOds?: string | null; reason?: string | null } = {},
): AuditEventInput {
  return {
    actorKind: 'PERSON',
    actorId: ctx.actor.id,
    supplierId: extra.supplierId ?? null,
    appId: extra.appId ?? null,
    practiceOds: extra.practiceOds ?? null,
    nhsNumber: null,
    operation,
    detail,
    outcome,
    reason: extra.reason ?? null,
    requestId: ctx.requestId,
  };
}
