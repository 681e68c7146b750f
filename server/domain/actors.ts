// Who is calling. Supplier applications and plugin runs join this union in later work.

export const PERSON_ROLES = ['REVIEWER', 'SUPPLIER_DEVELOPER', 'PRACTICE_ADMIN', 'CLINICIAN'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export type Actor =
  | { kind: 'ANONYMOUS' }
  | { kind: 'PERSON'; id: string; name: string; role: PersonRole; practiceOds: string | null };

export const ANONYMOUS: Actor = { kind: 'ANONYMOUS' };

export function isPracticeUser(actor: Actor): actor is Extract<Actor, { kind: 'PERSON' }> & { practiceOds: string } {
  return actor.kind === 'PERSON' && (actor.role === 'PRACTICE_ADMIN' || actor.role === 'CLINICIAN') && actor.practiceOds !== null;
}
