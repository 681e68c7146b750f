// Suppliers, their pairings through the pipeline, and scopes: applying, reviewing, granting.
import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { clinicalSystem, type ClinicalSystemId } from '../../domain/clinical-systems.js';
import { isRefusal, type ActionContext } from '../../domain/governance/context.js';
import { countLiveSuppliers, grantScopes, revokeScopes, transitionPairing } from '../../domain/governance/pairings.js';
import { applyAsSupplier, listSuppliers, supplierIdOfPerson, type PairingRow, type SupplierRow } from '../../domain/governance/suppliers.js';
import { DSPT_STATUSES, PAIRING_STAGES, allowedTransitions, type PairingStage } from '../../domain/pipeline.js';
import { SCOPES, type ScopeInfo } from '../../domain/scopes.js';
import { ClinicalSystemIdEnum, ClinicalSystemRef } from './clinical-system.js';
import { ClientAppType } from './client-app.js';
import { errorRefs, fromRefusal, resolveResultType } from './errors.js';
import { keysetConnection } from './pagination.js';

export const PairingStageEnum = builder.enumType('PairingStage', { values: PAIRING_STAGES });
const DsptStatusEnum = builder.enumType('DsptStatus', { values: DSPT_STATUSES });

builder.objectField(errorRefs.InvalidTransition, 'allowedStages', (t) =>
  t.field({ type: [PairingStageEnum], resolve: (e) => e.allowed as PairingStage[] }),
);

/** The person behind a governance action (the permission map already checked the role). */
export function actionContext(ctx: GraphQLContext): ActionContext {
  if (ctx.actor.kind !== 'PERSON') throw new GraphQLError('Only people perform governance actions.', { extensions: { code: 'FORBIDDEN' } });
  return { actor: ctx.actor, requestId: ctx.requestId };
}

const ScopeInfoType = builder.objectRef<ScopeInfo>('ScopeInfo').implement({
  description: 'A capability scope (SMART v2 style `context/Resource.permissions`).',
  fields: (t) => ({ scope: t.exposeString('scope'), description: t.exposeString('description') }),
});

type SupplierScopeRow = { scope: string; grantedAt: Date | null; grantedBy: string | null };
const SupplierScopeType = builder.objectRef<SupplierScopeRow>('SupplierScope').implement({
  fields: (t) => ({
    scope: t.exposeString('scope'),
    granted: t.boolean({ resolve: (s) => s.grantedAt !== null }),
    grantedAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => s.grantedAt }),
  }),
});

type HistoryRow = { fromStage: string | null; toStage: string; reason: string; evidence: unknown; actorId: string; at: Date };
const PairingEventType = builder.objectRef<HistoryRow>('PairingEvent').implement({
  fields: (t) => ({
    from: t.field({ type: PairingStageEnum, nullable: true, resolve: (e) => e.fromStage as PairingStage | null }),
    to: t.field({ type: PairingStageEnum, resolve: (e) => e.toStage as PairingStage }),
    reason: t.exposeString('reason'),
    evidence: t.field({ type: 'JSON', nullable: true, resolve: (e) => e.evidence }),
    by: t.exposeString('actorId'),
    at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
  }),
});

export const PairingType = builder.objectRef<PairingRow>('Pairing').implement({
  description: 'A supplier x principal system pairing and where it stands in the pipeline.',
  fields: (t) => ({
    id: t.exposeString('id'),
    system: t.field({ type: ClinicalSystemRef, resolve: (p) => clinicalSystem(p.systemId as ClinicalSystemId) }),
    stage: t.field({ type: PairingStageEnum, resolve: (p) => p.stage as PairingStage }),
    allowedTransitions: t.field({
      type: [PairingStageEnum],
      resolve: (p) => allowedTransitions(p.stage as PairingStage, p.suspendedFrom as PairingStage | null),
    }),
    updatedAt: t.field({ type: 'DateTime', resolve: (p) => p.updatedAt }),
    history: t.field({ type: [PairingEventType], resolve: (p, _, ctx) => ctx.governance.historyOfPairing.load(p.id) }),
  }),
});

export const SupplierType = builder.objectRef<SupplierRow>('Supplier').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    name: t.exposeString('name'),
    contactName: t.exposeString('contactName'),
    contactEmail: t.exposeString('contactEmail'),
    useCase: t.exposeString('useCase'),
    prerequisites: t.field({ type: 'JSON', nullable: true, resolve: (s) => s.prerequisites }),
    createdAt: t.field({ type: 'DateTime', resolve: (s) => s.createdAt }),
    pairings: t.field({ type: [PairingType], resolve: (s, _, ctx) => ctx.governance.pairingsOfSupplier.load(s.id) }),
    scopes: t.field({ type: [SupplierScopeType], description: 'Requested scopes; `granted` once NHS England grants them.', resolve: (s, _, ctx) => ctx.governance.scopesOfSupplier.load(s.id) }),
    apps: t.field({ type: [ClientAppType], resolve: (s, _, ctx) => ctx.governance.appsOfSupplier.load(s.id) }),
  }),
});

const SupplierResult = builder.unionType('SupplierResult', {
  types: [SupplierType, errorRefs.ActionRefused],
  resolveType: resolveResultType('Supplier'),
});
const PairingResult = builder.unionType('PairingResult', {
  types: [PairingType, errorRefs.ActionRefused, errorRefs.InvalidTransition],
  resolveType: resolveResultType('Pairing'),
});

builder.queryField('scopeCatalogue', (t) => t.field({ type: [ScopeInfoType], resolve: () => [...SCOPES] }));

builder.queryField('mySupplier', (t) =>
  t.field({
    type: SupplierType,
    nullable: true,
    description: 'The supplier the calling developer acts for; null before applying.',
    resolve: async (_, __, ctx) => {
      const id = await supplierIdOfPerson(ctx.db, actionContext(ctx).actor.id);
      return id ? ctx.governance.supplier.load(id) : null;
    },
  }),
);

builder.queryField('suppliers', (t) =>
  t.connection(
    {
      type: SupplierType,
      description: 'All suppliers, newest application first; optionally those with a pairing at `stage`.',
      args: { stage: t.arg({ type: PairingStageEnum, required: false }) },
      resolve: (_, args, ctx) => keysetConnection<SupplierRow>(args, (s) => s.id, (page) => listSuppliers(ctx.db, page, args.stage ?? null)),
    },
    { name: 'SupplierConnection' },
    { name: 'SupplierEdge' },
  ),
);

type LiveCap = { live: number; cap: number };
const LiveSuppliersType = builder.objectRef<LiveCap>('LiveSuppliers').implement({
  description: 'How many suppliers are live (on at least one principal system) against the cap NHS England set.',
  fields: (t) => ({ live: t.exposeInt('live'), cap: t.exposeInt('cap', { description: 'MAX_LIVE_SUPPLIERS: a pairing may not go live once this many suppliers are.' }) }),
});

builder.queryField('liveSuppliers', (t) =>
  t.field({ type: LiveSuppliersType, resolve: async (_, __, ctx) => ({ live: await countLiveSuppliers(ctx.db), cap: ctx.env.MAX_LIVE_SUPPLIERS }) }),
);

builder.queryField('supplier', (t) =>
  t.field({ type: SupplierType, nullable: true, args: { id: t.arg.string({ required: true }) }, resolve: (_, a, ctx) => ctx.governance.supplier.load(a.id) }),
);

const ApplicationInputType = builder.inputType('SupplierApplicationInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    contactName: t.string({ required: true }),
    contactEmail: t.string({ required: true }),
    useCase: t.string({ required: true }),
    requestedScopes: t.stringList({ required: true }),
    systems: t.field({ type: [ClinicalSystemIdEnum], required: true }),
  }),
});

builder.mutationField('applyAsSupplier', (t) =>
  t.field({
    type: SupplierResult,
    args: { input: t.arg({ type: ApplicationInputType, required: true }) },
    resolve: async (_, { input }, ctx) => {
      const outcome = await applyAsSupplier(ctx.db, actionContext(ctx), input);
      return isRefusal(outcome) ? fromRefusal(outcome) : outcome;
    },
  }),
);

const EvidenceInput = builder.inputType('PrerequisiteEvidenceInput', {
  fields: (t) => ({
    dsptStatus: t.field({ type: DsptStatusEnum, required: true }),
    clinicalSafetyOfficer: t.string({ required: true }),
    dcb0129Reference: t.string({ required: true }),
  }),
});

builder.mutationField('transitionPairing', (t) =>
  t.field({
    type: PairingResult,
    description: 'Moves a pairing to another stage, with a reason (and evidence when prerequisites are met).',
    args: {
      pairingId: t.arg.string({ required: true }),
      to: t.arg({ type: PairingStageEnum, required: true }),
      reason: t.arg.string({ required: true }),
      evidence: t.arg({ type: EvidenceInput, required: false }),
    },
    // Spread: an input object written inline in the query arrives without a prototype, which the
    // database layer cannot store (variables arrive as plain objects).
    resolve: async (_, a, ctx) => {
      const outcome = await transitionPairing(ctx.db, actionContext(ctx), { pairingId: a.pairingId, to: a.to, reason: a.reason, evidence: a.evidence ? { ...a.evidence } : null }, ctx.env.MAX_LIVE_SUPPLIERS);
      return isRefusal(outcome) ? fromRefusal(outcome) : outcome;
    },
  }),
);

for (const [name, action] of [
  ['grantScopes', grantScopes],
  ['revokeScopes', revokeScopes],
] as const) {
  builder.mutationField(name, (t) =>
    t.field({
      type: SupplierResult,
      args: { supplierId: t.arg.string({ required: true }), scopes: t.arg.stringList({ required: true }) },
      resolve: async (_, a, ctx) => {
        const outcome = await action(ctx.db, actionContext(ctx), a.supplierId, a.scopes);
        if (isRefusal(outcome)) return fromRefusal(outcome);
        ctx.governance.scopesOfSupplier.clear(a.supplierId);
        return (await ctx.governance.supplier.load(a.supplierId))!;
      },
    }),
  );
}

