// Plugin versions: a supplier submits a manifest and one JavaScript module; the version is
// immutable from then on. NHS England approves or rejects it with a reason. Every check runs
// before anything is stored, so a refused submission leaves no row behind.
import { createHash } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import { EFFECT_SCOPES, MAX_BUNDLE_BYTES, manifestSchema, type ValidManifest } from '@gp-open-integration/sdk/manifest';
import { Cron } from 'croner';
import type { DbOrTx } from '../../db/client.js';
import { pluginVersions } from '../../db/schema/plugins.js';
import { appendAuditEvents } from '../audit/append.js';
import { governanceEvent, refusal, type ActionContext, type Refusal } from '../governance/context.js';
import { grantedScopes, supplierIdOfPerson } from '../governance/suppliers.js';
import { sortableId } from '../ids.js';
import type { PageRequest } from '../practices.js';
import { isKnownScope } from '../scopes.js';
import { newestFirst } from './pages.js';

export type PluginVersionRow = typeof pluginVersions.$inferSelect;

export interface SubmissionChecks {
  /** Problems of the input query against the API's schema (empty when it validates). */
  validateInputQuery(query: string): string[];
  /** A syntax error in the bundle, or null. */
  checkBundleSyntax(bundle: string): Promise<string | null>;
}

export const manifestOf = (row: Pick<PluginVersionRow, 'manifest'>) => row.manifest as ValidManifest;

function manifestProblems(manifest: ValidManifest): string | null {
  const unknown = manifest.scopes.filter((s) => !isKnownScope(s));
  if (unknown.length) return `Unknown scopes: ${unknown.join(', ')}.`;
  const missing = manifest.effects.filter((kind) => EFFECT_SCOPES[kind] !== null && !manifest.scopes.includes(EFFECT_SCOPES[kind]));
  if (missing.length) return `Effect kinds need their scopes in the manifest: ${missing.map((k) => `${k} needs ${EFFECT_SCOPES[k]}`).join(', ')}.`;
  for (const trigger of manifest.triggers) {
    if (trigger.kind !== 'schedule') continue;
    try {
      new Cron(trigger.cron, { paused: true, timezone: 'UTC' }).stop();
    } catch {
      return `The schedule '${trigger.cron}' is not a cron expression.`;
    }
  }
  return null;
}

export async function publishVersion(db: DbOrTx, ctx: ActionContext, rawManifest: unknown, bundle: string, checks: SubmissionChecks): Promise<PluginVersionRow | Refusal> {
  const supplierId = await supplierIdOfPerson(db, ctx.actor.id);
  const refuse = async (r: Refusal) => {
    await db.transaction(async (tx) =>
      appendAuditEvents(tx, [governanceEvent(ctx, 'PUBLISH_PLUGIN_VERSION', { name: nameOf(rawManifest) }, 'REFUSED', { supplierId, reason: r.message })]),
    );
    return r;
  };
  if (!supplierId) return refuse(refusal('NOT_A_SUPPLIER', 'Apply as a supplier before publishing plugins.'));
  const parsed = manifestSchema.safeParse(rawManifest);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`);
    return refuse(refusal('INVALID_MANIFEST', `The manifest is not valid: ${issues.join('; ')}.`));
  }
  const manifest = parsed.data;
  const problem = manifestProblems(manifest);
  if (problem) return refuse(refusal('INVALID_MANIFEST', problem));
  const bundleBytes = Buffer.byteLength(bundle);
  if (bundleBytes > MAX_BUNDLE_BYTES) return refuse(refusal('BUNDLE_TOO_LARGE', `The bundle is ${bundleBytes} bytes; the limit is ${MAX_BUNDLE_BYTES}.`));
  const granted = new Set(await grantedScopes(db, supplierId));
  const ungranted = manifest.scopes.filter((s) => !granted.has(s));
  if (ungranted.length) return refuse(refusal('SCOPE_NOT_GRANTED', `Not granted to your company by NHS England: ${ungranted.join(', ')}.`));
  if (manifest.input) {
    const queryProblems = checks.validateInputQuery(manifest.input.query);
    if (queryProblems.length) return refuse(refusal('INVALID_INPUT_QUERY', `The input query does not validate: ${queryProblems.slice(0, 3).join('; ')}`));
  }
  const syntax = await checks.checkBundleSyntax(bundle);
  if (syntax) return refuse(refusal('BUNDLE_SYNTAX_ERROR', `The bundle does not compile: ${syntax}`));

  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ supplierId: pluginVersions.supplierId }).from(pluginVersions).where(and(eq(pluginVersions.name, manifest.name), ne(pluginVersions.supplierId, supplierId))).limit(1);
    if (taken) return refuseIn(tx, ctx, supplierId, manifest.name, refusal('NAME_TAKEN', `The plugin name ${manifest.name} belongs to another supplier.`));
    const [row] = await tx
      .insert(pluginVersions)
      .values({
        id: sortableId('plv'),
        supplierId,
        name: manifest.name,
        version: manifest.version,
        manifest,
        bundle,
        bundleSha256: createHash('sha256').update(bundle).digest('hex'),
        bundleBytes,
        status: 'SUBMITTED',
        submittedBy: ctx.actor.id,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) return refuseIn(tx, ctx, supplierId, manifest.name, refusal('VERSION_EXISTS', `${manifest.name}@${manifest.version} was already published; versions are immutable.`));
    await appendAuditEvents(tx, [
      governanceEvent(ctx, 'PUBLISH_PLUGIN_VERSION', { versionId: row.id, name: row.name, version: row.version, sha256: row.bundleSha256 }, 'ALLOWED', { supplierId }),
    ]);
    return row;
  });
}

async function refuseIn(tx: Parameters<Parameters<DbOrTx['transaction']>[0]>[0], ctx: ActionContext, supplierId: string, name: string, r: Refusal) {
  await appendAuditEvents(tx, [governanceEvent(ctx, 'PUBLISH_PLUGIN_VERSION', { name }, 'REFUSED', { supplierId, reason: r.message })]);
  return r;
}

const nameOf = (raw: unknown) => (raw && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string' ? String((raw as { name: string }).name).slice(0, 64) : null);

export async function reviewVersion(db: DbOrTx, ctx: ActionContext, versionId: string, approve: boolean, reason: string): Promise<PluginVersionRow | Refusal> {
  return db.transaction(async (tx) => {
    const operation = approve ? 'APPROVE_PLUGIN_VERSION' : 'REJECT_PLUGIN_VERSION';
    const refuse = async (r: Refusal, supplierId: string | null = null) => {
      await appendAuditEvents(tx, [governanceEvent(ctx, operation, { versionId }, 'REFUSED', { supplierId, reason: r.message })]);
      return r;
    };
    if (!reason.trim()) return refuse(refusal('REASON_REQUIRED', 'Give a reason for the decision.'));
    const [row] = await tx
      .update(pluginVersions)
      .set({ status: approve ? 'APPROVED' : 'REJECTED', reviewReason: reason.trim().slice(0, 2000), reviewedBy: ctx.actor.id, reviewedAt: new Date() })
      .where(and(eq(pluginVersions.id, versionId), eq(pluginVersions.status, 'SUBMITTED')))
      .returning();
    if (!row) {
      const [existing] = await tx.select({ status: pluginVersions.status, supplierId: pluginVersions.supplierId }).from(pluginVersions).where(eq(pluginVersions.id, versionId));
      return existing
        ? refuse(refusal('ALREADY_REVIEWED', `This version was already reviewed (${existing.status}).`), existing.supplierId)
        : refuse(refusal('NOT_FOUND', 'No such plugin version.'));
    }
    await appendAuditEvents(tx, [governanceEvent(ctx, operation, { versionId, name: row.name, version: row.version, reason: row.reviewReason }, 'ALLOWED', { supplierId: row.supplierId })]);
    return row;
  });
}

export async function versionsBySupplier(db: DbOrTx, supplierId: string, page: PageRequest): Promise<PluginVersionRow[]> {
  const k = newestFirst(pluginVersions.id, page);
  return db.select().from(pluginVersions).where(and(eq(pluginVersions.supplierId, supplierId), ...k.where)).orderBy(k.order).limit(k.limit);
}

export async function versionsByStatus(db: DbOrTx, status: string | null, page: PageRequest): Promise<PluginVersionRow[]> {
  const k = newestFirst(pluginVersions.id, page);
  return db.select().from(pluginVersions).where(and(status ? eq(pluginVersions.status, status) : undefined, ...k.where)).orderBy(k.order).limit(k.limit);
}

export async function versionById(db: DbOrTx, id: string): Promise<PluginVersionRow | null> {
  const [row] = await db.select().from(pluginVersions).where(eq(pluginVersions.id, id));
  return row ?? null;
}
