// Practice control: which approved apps a practice has switched on, with which scopes.
import { builder } from '../builder.js';
import { isRefusal } from '../../domain/governance/context.js';
import { appsAvailableToPractice, type AvailableApp } from '../../domain/governance/available-apps.js';
import { disableApp, enableApp, enablementsOfPractice, type EnablementRow } from '../../domain/governance/enablements.js';
import type { PairingStage } from '../../domain/pipeline.js';
import { ClientAppType } from './client-app.js';
import { errorRefs, fromRefusal, resolveResultType } from './errors.js';
import { PairingStageEnum, actionContext } from './supplier.js';

const EnablementType = builder.objectRef<EnablementRow>('Enablement').implement({
  fields: (t) => ({
    practiceOdsCode: t.exposeString('practiceOds'),
    app: t.field({ type: ClientAppType, resolve: async (e, _, ctx) => (await ctx.governance.app.load(e.appId))! }),
    scopes: t.exposeStringList('scopes', { description: 'Scopes this practice allows the app (a subset of those granted).' }),
    active: t.boolean({ resolve: (e) => e.status === 'ACTIVE' }),
    changedBy: t.exposeString('changedBy'),
    changedAt: t.field({ type: 'DateTime', resolve: (e) => e.changedAt }),
  }),
});

const EnablementResult = builder.unionType('EnablementResult', {
  types: [EnablementType, errorRefs.ActionRefused],
  resolveType: resolveResultType('Enablement'),
});

builder.queryField('practiceEnablements', (t) =>
  t.field({
    type: [EnablementType],
    description: "Apps enabled (or disabled) at the caller's practice.",
    resolve: (_, __, ctx) => enablementsOfPractice(ctx.db, actionContext(ctx).actor.practiceOds ?? ''),
  }),
);

const AvailableAppType = builder.objectRef<AvailableApp>('AvailableApp').implement({
  description: "An app the caller's practice may switch on: its supplier is approved for the practice's clinical system.",
  fields: (t) => ({
    app: t.field({ type: ClientAppType, resolve: (a) => a.app }),
    supplierName: t.exposeString('supplierName'),
    useCase: t.exposeString('useCase', { description: 'What the supplier told NHS England the app is for.' }),
    stage: t.field({ type: PairingStageEnum, description: "The supplier's pairing stage for the practice's clinical system.", resolve: (a) => a.stage as PairingStage }),
    grantedScopes: t.exposeStringList('grantedScopes', { description: 'Scopes NHS England granted the supplier: the practice may allow any subset.' }),
  }),
});

builder.queryField('availableApps', (t) =>
  t.field({
    type: [AvailableAppType],
    description: "Apps the caller's practice may switch on (approved for its clinical system), with the scopes it may allow.",
    resolve: (_, __, ctx) => appsAvailableToPractice(ctx.db, actionContext(ctx).actor.practiceOds ?? ''),
  }),
);

builder.mutationField('enableApp', (t) =>
  t.field({
    type: EnablementResult,
    description: "Switches an approved app on for your practice's patients with the scopes you allow.",
    args: { clientId: t.arg.string({ required: true }), scopes: t.arg.stringList({ required: true }) },
    resolve: async (_, a, ctx) => {
      const outcome = await enableApp(ctx.db, actionContext(ctx), a.clientId, a.scopes);
      return isRefusal(outcome) ? fromRefusal(outcome) : outcome;
    },
  }),
);

builder.mutationField('disableApp', (t) =>
  t.field({
    type: EnablementResult,
    description: 'Switches an app off for your practice, effective for its next request.',
    args: { clientId: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => {
      const outcome = await disableApp(ctx.db, actionContext(ctx), a.clientId);
      return isRefusal(outcome) ? fromRefusal(outcome) : outcome;
    },
  }),
);
