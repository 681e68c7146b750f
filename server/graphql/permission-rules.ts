// The rules behind the permission map. Each decision, allowed or refused, is noted in the request's
// access log, which is written to the audit trail before the response leaves.
import { fieldOperation, type AuditOperation, type AuditOperationName } from '../domain/audit/operations.js';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { rule } from 'graphql-shield';
import type { GraphQLContext } from './context.js';
import { mayAppUseScope, mayPluginRunUseScope, mayReadPracticeRecords, type AppFacts, type Decision, type EnablementFacts, type PracticeFacts } from '../domain/access.js';
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

/**
 * The caller app's facts and enablements as this request first read them. Decisions depend only on
 * these, the practice and the scope, so once they are known every later decision in the request is
 * made at once, without a promise: a page of 100 patients asks about the same practice 1,500 times.
 * The facts read first are no older than the request (see AccessFacts), which is all a request is
 * promised; a change committed during it applies from the next request, as it always has.
 */
const appFactsByRequest = new WeakMap<GraphQLContext, { app: AppFacts; enablements: Map<string, EnablementFacts | null> }>();

export async function decideForPractice(ctx: GraphQLContext, practice: PracticeFacts, scope: string): Promise<Decision> {
  const actor = ctx.actor;
  if (actor.kind === 'PLUGIN_RUN') return mayPluginRunUseScope(actor, practice, scope);
  if (actor.kind !== 'SUPPLIER_APP') return mayReadPracticeRecords(actor, practice);
  const facts = await ctx.governance.callerAppFacts.load(actor.appId);
  if (!facts) return { allowed: false, reason: 'Unknown app.' };
  const enablement = await ctx.governance.callerEnablement.load(practice.odsCode);
  let known = appFactsByRequest.get(ctx);
  if (!known) appFactsByRequest.set(ctx, (known = { app: facts, enablements: new Map() }));
  if (!known.enablements.has(practice.odsCode)) known.enablements.set(practice.odsCode, enablement);
  return mayAppUseScope(actor.scopes, known.app, practice, known.enablements.get(practice.odsCode) ?? null, scope);
}

/** The decision, at once when this request already knows the facts it depends on (else undefined). */
function decisionNow(ctx: GraphQLContext, practice: PracticeFacts, scope: string): Decision | undefined {
  const actor = ctx.actor;
  if (actor.kind === 'PLUGIN_RUN') return mayPluginRunUseScope(actor, practice, scope);
  if (actor.kind !== 'SUPPLIER_APP') return mayReadPracticeRecords(actor, practice);
  const known = appFactsByRequest.get(ctx);
  const enablement = known?.enablements.get(practice.odsCode);
  return known && enablement !== undefined ? mayAppUseScope(actor.scopes, known.app, practice, enablement, scope) : undefined;
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
  rule(UNCACHED)((patient: PatientNode, _, ctx: GraphQLContext, info: GraphQLResolveInfo) => {
    const decision = decisionNow(ctx, patient.practice, scope);
    // No promise or closure once the facts are known: this runs for every field of every patient.
    if (decision) return noted(ctx, info, 'READ_PATIENT_RECORD', patient.practice.odsCode, patient.nhsNumber, decision);
    return decideForPractice(ctx, patient.practice, scope).then((made) => noted(ctx, info, 'READ_PATIENT_RECORD', patient.practice.odsCode, patient.nhsNumber, made));
  });

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
