// Plugin versions: suppliers publish, NHS England reviews, practices choose among approved ones.
import { Kind, parse, validate, type GraphQLSchema } from 'graphql';
import { builder } from '../builder.js';
import { isRefusal } from '../../domain/governance/context.js';
import { supplierIdOfPerson } from '../../domain/governance/suppliers.js';
import { manifestOf, publishVersion, reviewVersion, versionsByStatus, versionsBySupplier, type PluginVersionRow } from '../../domain/plugins/versions.js';
import { errorRefs, fromRefusal, resolveResultType } from './errors.js';
import { keysetConnection } from './pagination.js';
import { actionContext } from './supplier.js';

const PluginVersionStatusEnum = builder.enumType('PluginVersionStatus', { values: ['SUBMITTED', 'APPROVED', 'REJECTED'] as const });

export const PluginVersionType = builder.objectRef<PluginVersionRow>('PluginVersion').implement({
  description: 'One immutable version of a plugin: its manifest, its bundle (one JavaScript module) and its review.',
  fields: (t) => ({
    id: t.exposeString('id'),
    supplierId: t.exposeString('supplierId'),
    name: t.exposeString('name'),
    version: t.exposeString('version'),
    description: t.string({ resolve: (v) => manifestOf(v).description }),
    status: t.field({ type: PluginVersionStatusEnum, resolve: (v) => v.status as 'SUBMITTED' | 'APPROVED' | 'REJECTED' }),
    scopes: t.stringList({ resolve: (v) => manifestOf(v).scopes }),
    effectKinds: t.stringList({ resolve: (v) => manifestOf(v).effects }),
    triggers: t.field({ type: 'JSON', resolve: (v) => manifestOf(v).triggers }),
    inputQuery: t.string({ nullable: true, resolve: (v) => manifestOf(v).input?.query ?? null }),
    limits: t.field({ type: 'JSON', description: 'The limits the manifest asks for (others take the platform defaults).', resolve: (v) => manifestOf(v).limits }),
    manifest: t.field({ type: 'JSON', resolve: (v) => v.manifest }),
    bundleSha256: t.exposeString('bundleSha256'),
    bundleBytes: t.exposeInt('bundleBytes'),
    source: t.exposeString('bundle', { description: 'The bundle as submitted, for review.' }),
    reviewReason: t.exposeString('reviewReason', { nullable: true }),
    submittedAt: t.field({ type: 'DateTime', resolve: (v) => v.submittedAt }),
    reviewedAt: t.field({ type: 'DateTime', nullable: true, resolve: (v) => v.reviewedAt }),
  }),
});

const PluginVersionResult = builder.unionType('PluginVersionResult', {
  types: [PluginVersionType, errorRefs.ActionRefused],
  resolveType: resolveResultType('PluginVersion'),
});

/** Problems of a plugin's input query against this API's schema; it must be one query operation. */
export function inputQueryProblems(schema: GraphQLSchema, query: string): string[] {
  try {
    const document = parse(query);
    const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operations.length !== 1 || operations[0]!.operation !== 'query') return ['it must hold exactly one query operation'];
    return validate(schema, document).map((e) => e.message);
  } catch (error) {
    return [(error as Error).message];
  }
}

const PluginVersionConnection = builder.connectionObject({ type: PluginVersionType, name: 'PluginVersionConnection' }, { name: 'PluginVersionEdge' });

builder.queryField('myPluginVersions', (t) =>
  t.connection(
    {
      type: PluginVersionType,
      description: "Your company's plugin versions, newest first.",
      resolve: async (_, args, ctx) => {
        const supplierId = await supplierIdOfPerson(ctx.db, actionContext(ctx).actor.id);
        return keysetConnection<PluginVersionRow>(args, (v) => v.id, async (page) => (supplierId ? versionsBySupplier(ctx.db, supplierId, page) : []));
      },
    },
    PluginVersionConnection,
  ),
);

builder.queryField('pluginVersions', (t) =>
  t.connection(
    {
      type: PluginVersionType,
      description: 'Plugin versions by status (reviewers: all; practice users: approved ones only), newest first.',
      args: { status: t.arg({ type: PluginVersionStatusEnum, required: false }) },
      resolve: (_, args, ctx) => {
        const reviewer = ctx.actor.kind === 'PERSON' && ctx.actor.role === 'REVIEWER';
        return keysetConnection<PluginVersionRow>(args, (v) => v.id, (page) => versionsByStatus(ctx.db, reviewer ? (args.status ?? null) : 'APPROVED', page));
      },
    },
    PluginVersionConnection,
  ),
);

builder.mutationField('publishPluginVersion', (t) =>
  t.field({
    type: PluginVersionResult,
    description: 'Submits a new immutable plugin version (manifest + one JavaScript module) for NHS England review.',
    args: { manifest: t.arg({ type: 'JSON', required: true }), bundle: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx, info) => {
      const outcome = await publishVersion(ctx.db, actionContext(ctx), a.manifest, a.bundle, {
        validateInputQuery: (query) => inputQueryProblems(info.schema, query),
        checkBundleSyntax: (bundle) => ctx.plugins.checkSyntax(bundle),
      });
      return isRefusal(outcome) ? fromRefusal(outcome) : outcome;
    },
  }),
);

builder.mutationField('reviewPluginVersion', (t) =>
  t.field({
    type: PluginVersionResult,
    description: 'Approves or rejects a submitted plugin version, with a reason.',
    args: { versionId: t.arg.string({ required: true }), approve: t.arg.boolean({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => {
      const outcome = await reviewVersion(ctx.db, actionContext(ctx), a.versionId, a.approve, a.reason);
      return isRefusal(outcome) ? fromRefusal(outcome) : outcome;
    },
  }),
);
