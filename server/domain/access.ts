// Access predicates behind server/graphql/permissions.ts. Pure functions of who is asking and what the
// database says about them, so the permission map stays a readable table and these rules can be
// tested on their own.
import type { Actor } from './actors.js';
import type { ClinicalSystemId } from './clinical-systems.js';
import { SANDBOX_ACCESS_STAGES, type PairingStage } from './pipeline.js';

export interface PracticeFacts {
  odsCode: string;
  systemId: ClinicalSystemId;
  isSandbox: boolean;
}

/** What NHS England has decided about a supplier app, loaded once per request. */
export interface AppFacts {
  appActive: boolean;
  stages: Partial<Record<ClinicalSystemId, PairingStage>>;
  grantedScopes: ReadonlySet<string>;
}

/** What a practice has decided about an app. */
export interface EnablementFacts {
  active: boolean;
  scopes: readonly string[];
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

const ALLOW: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

/** People: may this person read patient records (and schedules) held by this practice? */
export function mayReadPracticeRecords(actor: Actor, practice: PracticeFacts): Decision {
  if (actor.kind === 'ANONYMOUS') return deny('Authentication required.');
  if (actor.kind === 'SUPPLIER_APP') return deny('Supplier apps are decided by scope (mayAppUseScope).');
  if (actor.kind === 'PLUGIN_RUN') return deny('Plugin runs are decided by scope (mayPluginRunUseScope).');
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

/**
 * Supplier apps: (a) the pairing for the practice's system is LIVE, or the practice is a sandbox
 * practice and the pairing is at least UNSUPPORTED_TEST; (b) NHS England granted the scope (and the
 * token carries it); (c) the practice allowed the scope; (d) the practice's enablement is active.
 */
export function mayAppUseScope(
  tokenScopes: readonly string[],
  app: AppFacts,
  practice: PracticeFacts,
  enablement: EnablementFacts | null,
  scope: string,
): Decision {
  if (!app.appActive) return deny('This app has been revoked.');
  const stage = app.stages[practice.systemId];
  const stageOk = stage === 'LIVE' || (practice.isSandbox && SANDBOX_ACCESS_STAGES.some((s) => s === stage));
  if (!stageOk) {
    return deny(
      practice.isSandbox
        ? `The supplier's ${practice.systemId} pairing must be at least UNSUPPORTED_TEST to use sandbox practices (it is ${stage ?? 'absent'}).`
        : `The supplier's ${practice.systemId} pairing is not LIVE (it is ${stage ?? 'absent'}).`,
    );
  }
  if (!app.grantedScopes.has(scope) || !tokenScopes.includes(scope)) return deny(`Scope ${scope} is not granted to this app.`);
  if (!enablement || !enablement.active) return deny(`Practice ${practice.odsCode} has not enabled this app.`);
  if (!enablement.scopes.includes(scope)) return deny(`Practice ${practice.odsCode} has not allowed scope ${scope}.`);
  return ALLOW;
}

/** Plugin runs: only their own practice, only the scopes both the version and the practice allow. */
export function mayPluginRunUseScope(actor: Extract<Actor, { kind: 'PLUGIN_RUN' }>, practice: PracticeFacts, scope: string): Decision {
  if (practice.odsCode !== actor.practiceOds) return deny(`A plugin run reads only its own practice (${actor.practiceOds}).`);
  if (!actor.scopes.includes(scope)) return deny(`Scope ${scope} is not granted to this plugin at ${actor.practiceOds}.`);
  return ALLOW;
}
