// Access predicates behind server/permissions.ts. Pure functions of actor and target, so the
// permission map stays a readable table and these rules can be tested on their own.
import type { Actor } from './actors.js';

export interface PracticeFacts {
  odsCode: string;
  isSandbox: boolean;
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

const ALLOW: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

/** May this actor read patient records (and schedules) held by this practice? */
export function mayReadPracticeRecords(actor: Actor, practice: PracticeFacts): Decision {
  if (actor.kind === 'ANONYMOUS') return deny('Authentication required.');
  switch (actor.role) {
    case 'PRACTICE_ADMIN':
    case 'CLINICIAN':
      return actor.practiceOds === practice.odsCode
        ? ALLOW
        : deny('Practice users may only read patients registered at their own practice.');
    case 'SUPPLIER_DEVELOPER':
      return practice.isSandbox ? ALLOW : deny('Supplier developers may only read synthetic sandbox practices.');
    case 'REVIEWER':
      return deny('Reviewers govern supplier access; they do not read patient records.');
  }
}
