// The rules behind the permission map. Each decision, allowed or refused, is noted in the request's
// access log, which is written to the audit trail before the response leaves.
import { fieldOperation, type AuditOperation, type AuditOperationName } from '../domain/audit/operations.js';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { rule } from 'graphql-shield';
import type { GraphQLContext } from './context.js';
import { mayAppUseScope, mayPluginRunUseScope, mayReadPracticeRecords, type Decision, type PracticeFacts } from '../domain/access.js';
import type { PersonRole } from '../domain/actors.js';
import type { PatientNode } from './schema/refs.js';
import { locatePatient } from './schema/patient.js';
import { normaliseNhsNumber } from '../domain/identifiers.js';
import { openPatientLookup } from './patient-lookups.js';

const unauthenticated = () =>
  new GraphQLError('Authentication required: send "Authorization: Bearer <token>".', { extensions: { code: 'UNAUTHENTICATED' } });
const forbidden = (reason: string) => new GraphQLError(reason, { extensions: { code: 'FORBIDDEN' } });
/**
 * Decided afresh for every field: one rule serves a field across many parents (patients, practices),
 * and a cached decision would be applied to the next one.
 */
// Stryker disable next-line ObjectLiteral: no_cache is also graphql-shield's default; it is said outright
const UNCACHED = { cache: 'no_cache' } as const;

export async function decideForPractice(ctx: GraphQLContext, practice: PracticeFacts, scope: string): Promise<Decision> {
  const actor = ctx.actor;
  if (actor.kind === 'PLUGIN_RUN') return mayPluginRunUseScope(actor, practice, scope);
  if (actor.kind !== 'SUPPLIER_APP') return mayReadPracticeRecords(actor, practice);
  const facts = await ctx.governance.callerAppFacts.load(actor.appId);
  if (!facts) return { allowed: false, reason: 'Unknown app.' };
  return mayAppUseScope(actor.scopes, facts, practice, await ctx.governance.callerEnablement.load(practice.odsCode), scope);
}

export function noted(ctx: GraphQLContext, info: GraphQLResolveInfo, operation: AuditOperationName, practiceOds: string | null, nhsNumber: string | null, decision: Decision) {
  ctx.accessLog.note({
    operation,
    practiceOds,
    nhsNumber,
    field: info.fieldName,
    outcome: decision.allowed ? 'ALLOWED' : 'REFUSED',
    reason: decision.allowed ? null : decision.reason,
  });
  if (decision.allowed) return true;
  return ctx.actor.kind === 'ANONYMOUS' ? unauthenticated() : forbidden(decision.reason);
}

// Stryker disable next-line ObjectLiteral: caching this per request only saves work; the answer is the same uncached
export const isAuthenticated = rule({ cache: 'contextual' })((_, __, ctx: GraphQLContext) =>
  ctx.actor.kind === 'ANONYMOUS' ? unauthenticated() : true,
);

/**
 * People with one of these roles (apps never perform governance). Every decision is audited:
 * refusals here, allowed governance reads here too; allowed mutations by the domain action itself.
 */
export const hasRole = (...roles: PersonRole[]) =>
  rule(UNCACHED)((_, __, ctx: GraphQLContext, info: GraphQLResolveInfo) => {
    // Stryker disable next-line ConditionalExpression: other actors have no role, so includes() is false for them anyway
    const allowed = ctx.actor.kind === 'PERSON' && roles.includes(ctx.actor.role);
    if (allowed && info.parentType.name === 'Mutation') return true;
    const decision: Decision = allowed ? { allowed: true } : { allowed: false, reason: `Only ${roles.join(' or ')} may use ${info.fieldName}.` };
    const practiceOds = ctx.actor.kind === 'PERSON' ? ctx.actor.practiceOds : null;
    return noted(ctx, info, fieldOperation(info.fieldName), practiceOds, null, decision);
  });

/**
 * Query.patient: the registered practice decides. Every lookup is audited with its true reason,
 * including numbers that are invalid or registered nowhere. A caller who may not read the patient
 * is not refused here: the resolver answers PATIENT_NOT_FOUND, exactly as for a number registered
 * nowhere, so the answer says nothing about whether or where the number is registered.
 */
export const canLookUpPatient = (scope: string) =>
  rule(UNCACHED)(async (_, args: { nhsNumber: string }, ctx: GraphQLContext, info: GraphQLResolveInfo) => {
    if (ctx.actor.kind === 'ANONYMOUS') return noted(ctx, info, 'READ_PATIENT_RECORD', null, null, { allowed: false, reason: 'Authentication required.' });
    // The facts a decision reads are read whether or not the number is registered, alongside the
    // registration: a refusal costs the same statements as "registered nowhere", so its timing tells nothing.
    const [located] = await Promise.all([locatePatient(ctx, args.nhsNumber), ctx.governance.callerEnablement.prime()]);
    if (!('practice' in located)) {
      const nhsNumber = normaliseNhsNumber(args.nhsNumber);
      const reason = located.code === 'PATIENT_NOT_FOUND' ? 'No patient is registered with this NHS number.' : 'Not a valid NHS number.';
      noted(ctx, info, 'READ_PATIENT_RECORD', null, nhsNumber, { allowed: false, reason }); // null for an invalid number
      return true; // the resolver answers with the typed error
    }
    const decision = await decideForPractice(ctx, located.practice, scope);
    noted(ctx, info, 'READ_PATIENT_RECORD', located.practice.odsCode, located.nhsNumber, decision);
    if (decision.allowed) openPatientLookup(ctx, located.nhsNumber);
    return true;
  });

/** A Patient field, however the Patient was reached: the scope that opens it. */
export const canReadPatientField = (scope: string) =>
  rule(UNCACHED)(async (patient: PatientNode, _, ctx: GraphQLContext, info: GraphQLResolveInfo) =>
    noted(ctx, info, 'READ_PATIENT_RECORD', patient.practice.odsCode, patient.nhsNumber, await decideForPractice(ctx, patient.practice, scope)),
  );

/** A Practice field that exposes its patients or schedule. */
export const canUsePractice = (operation: AuditOperation, scope: string) =>
  rule(UNCACHED)(async (practice: PracticeFacts, _, ctx: GraphQLContext, info: GraphQLResolveInfo) =>
    noted(ctx, info, operation, practice.odsCode, null, await decideForPractice(ctx, practice, scope)),
  );

/** A write about one patient (e.g. booking): the patient's registered practice decides, as for a read. */
export const canActForPatient = (operation: AuditOperation, scope: string, nhsNumberOf: (args: Record<string, unknown>) => string) =>
  rule(UNCACHED)(async (_, args: Record<string, unknown>, ctx: GraphQLContext, info: GraphQLResolveInfo) => {
    if (ctx.actor.kind === 'ANONYMOUS') return noted(ctx, info, operation, null, null, { allowed: false, reason: 'Authentication required.' });
    const located = await locatePatient(ctx, nhsNumberOf(args));
    if (!('practice' in located)) return true; // the resolver answers the typed error
    return noted(ctx, info, operation, located.practice.odsCode, located.nhsNumber, await decideForPractice(ctx, located.practice, scope));
  });

/** A field naming a practice in its `practiceOdsCode` argument; an unknown practice reaches the resolver's typed error. */
export const canUsePracticeArg = (operation: AuditOperation, scope: string) =>
  rule(UNCACHED)(async (_, args: { practiceOdsCode?: string }, ctx: GraphQLContext, info: GraphQLResolveInfo) => {
    if (ctx.actor.kind === 'ANONYMOUS') return noted(ctx, info, operation, null, null, { allowed: false, reason: 'Authentication required.' });
    const practice = args.practiceOdsCode ? await ctx.loaders.practice.load(args.practiceOdsCode) : null;
    if (!practice) return true;
    return noted(ctx, info, operation, practice.odsCode, null, await decideForPractice(ctx, practice, scope));
  });
