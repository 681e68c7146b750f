// Practice control of plugins: enable an approved version with a subset of its scopes, upgrade,
// disable at once, run by hand, and see the runs. Suppliers see their runs too (logs and inputs
// only at sandbox practices).
import { builder } from '../builder.js';
import { isRefusal, refusal } from '../../domain/governance/context.js';
import { supplierIdOfPerson } from '../../domain/governance/suppliers.js';
import { disablePlugin, enablePlugin, pluginEnablementsOfPractice, upgradePlugin, type PluginEnablementRow } from '../../domain/plugins/enablements.js';
import { auditRunRefusal, runsOfPractice, runsOfSupplier, type PluginRunRow } from '../../domain/plugins/runs.js';
import { versionById } from '../../domain/plugins/versions.js';
import { errorRefs, fromRefusal, resolveResultType } from './errors.js';
import { keysetConnection } from './pagination.js';
import { PluginVersionType } from './plugin-version.js';
import { actionContext } from './supplier.js';

const PluginEnablementType = builder.objectRef<PluginEnablementRow>('PluginEnablement').implement({
  fields: (t) => ({
    practiceOdsCode: t.exposeString('practiceOds'),
    pluginName: t.exposeString('pluginName'),
    version: t.field({ type: PluginVersionType, resolve: async (e, _, ctx) => (await versionById(ctx.db, e.versionId))! }),
    scopes: t.exposeStringList('scopes', { description: "Scopes this practice allows the plugin (a subset of the version's)." }),
    active: t.boolean({ resolve: (e) => e.status === 'ACTIVE' }),
    changedBy: t.exposeString('changedBy'),
    changedAt: t.field({ type: 'DateTime', resolve: (e) => e.changedAt }),
  }),
});

const RunOutcomeEnum = builder.enumType('PluginRunOutcome', { values: ['OK', 'EFFECTS_REFUSED', 'TIMEOUT', 'OUT_OF_MEMORY', 'ERROR', 'DISABLED'] as const });

const PluginRunType = builder.objectRef<PluginRunRow>('PluginRun').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    version: t.field({ type: PluginVersionType, resolve: async (r, _, ctx) => (await versionById(ctx.db, r.versionId))! }),
    practiceOdsCode: t.exposeString('practiceOds'),
    trigger: t.field({ type: 'JSON', resolve: (r) => r.trigger }),
    outcome: t.field({ type: RunOutcomeEnum, resolve: (r) => r.outcome as 'OK' }),
    error: t.exposeString('error', { nullable: true }),
    durationMs: t.exposeInt('durationMs'),
    memoryBytes: t.exposeInt('memoryBytes'),
    effectsProposed: t.field({ type: 'JSON', resolve: (r) => r.effectsProposed }),
    effectsApplied: t.exposeInt('effectsApplied'),
    logs: t.stringList({ nullable: true, description: 'Null for suppliers at non-sandbox practices.', resolve: (r) => (r.logs as string[] | null) ?? null }),
    logsDropped: t.exposeInt('logsDropped'),
    input: t.field({ type: 'JSON', nullable: true, description: 'Null for suppliers at non-sandbox practices.', resolve: (r) => r.input ?? null }),
    startedAt: t.field({ type: 'DateTime', resolve: (r) => r.startedAt }),
    finishedAt: t.field({ type: 'DateTime', resolve: (r) => r.finishedAt }),
  }),
});

const PluginEnablementResult = builder.unionType('PluginEnablementResult', {
  types: [PluginEnablementType, errorRefs.ActionRefused],
  resolveType: resolveResultType('PluginEnablement'),
});
const PluginRunResult = builder.unionType('PluginRunResult', { types: [PluginRunType, errorRefs.ActionRefused], resolveType: resolveResultType('PluginRun') });

builder.queryField('practicePlugins', (t) =>
  t.connection(
    {
      type: PluginEnablementType,
      description: "Plugins enabled (or disabled) at the caller's practice, by name.",
      resolve: (_, args, ctx) => keysetConnection<PluginEnablementRow>(args, (e) => e.pluginName, (page) => pluginEnablementsOfPractice(ctx.db, actionContext(ctx).actor.practiceOds ?? '', page)),
    },
    { name: 'PluginEnablementConnection' },
    { name: 'PluginEnablementEdge' },
  ),
);

const PluginRunConnection = builder.connectionObject({ type: PluginRunType, name: 'PluginRunConnection' }, { name: 'PluginRunEdge' });

builder.queryField('practicePluginRuns', (t) =>
  t.connection(
    {
      type: PluginRunType,
      description: "Plugin runs at the caller's practice, newest first.",
      resolve: (_, args, ctx) => keysetConnection<PluginRunRow>(args, (r) => r.id, (page) => runsOfPractice(ctx.db, actionContext(ctx).actor.practiceOds ?? '', page)),
    },
    PluginRunConnection,
  ),
);

builder.queryField('myPluginRuns', (t) =>
  t.connection(
    {
      type: PluginRunType,
      description: "Runs of your company's plugins, newest first; logs and inputs only at sandbox practices.",
      resolve: async (_, args, ctx) => {
        const supplierId = await supplierIdOfPerson(ctx.db, actionContext(ctx).actor.id);
        return keysetConnection<PluginRunRow>(args, (r) => r.id, async (page) => (supplierId ? runsOfSupplier(ctx.db, supplierId, page) : []));
      },
    },
    PluginRunConnection,
  ),
);

const enablementResult = (outcome: PluginEnablementRow | ReturnType<typeof refusal>) => (isRefusal(outcome) ? fromRefusal(outcome) : outcome);

builder.mutationField('enablePlugin', (t) =>
  t.field({
    type: PluginEnablementResult,
    description: "Enables an approved plugin version at your practice with the scopes you allow (your consent).",
    args: { versionId: t.arg.string({ required: true }), scopes: t.arg.stringList({ required: true }) },
    resolve: async (_, a, ctx) => enablementResult(await enablePlugin(ctx.db, actionContext(ctx), a.versionId, a.scopes)),
  }),
);

builder.mutationField('upgradePlugin', (t) =>
  t.field({
    type: PluginEnablementResult,
    description: 'Moves an enabled plugin to a newer approved version that asks for no scope beyond those you consented to.',
    args: { versionId: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => enablementResult(await upgradePlugin(ctx.db, actionContext(ctx), a.versionId)),
  }),
);

builder.mutationField('disablePlugin', (t) =>
  t.field({
    type: PluginEnablementResult,
    description: 'Disables a plugin at your practice at once: a run in flight has its effects refused.',
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => enablementResult(await disablePlugin(ctx.db, actionContext(ctx), a.name)),
  }),
);

builder.mutationField('runPlugin', (t) =>
  t.field({
    type: PluginRunResult,
    description: 'Runs an enabled plugin at your practice now and returns its run record.',
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => {
      const action = actionContext(ctx);
      const run = await ctx.plugins.run(action.actor.practiceOds ?? '', a.name, { kind: 'manual', by: action.actor.id });
      if (!('problem' in run)) return run;
      await auditRunRefusal(ctx.db, action, a.name, run.problem);
      return fromRefusal(refusal('PLUGIN_NOT_ENABLED', run.problem));
    },
  }),
);
