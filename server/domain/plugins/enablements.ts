// A practice admin enables an approved plugin version with a subset of its scopes (consent),
// upgrades to a newer approved version in one step when it asks for no scope beyond what was
// consented, and disables a plugin at once (a run in flight then has its effects refused).
import type { AuditOperation } from '../audit/operations.js';
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { pairings } from '../../db/schema/access.js';
import { practices } from '../../db/schema/governance.js';
import { pluginEnablements, pluginVersions } from '../../db/schema/plugins.js';
import { appendAuditEvents } from '../audit/append.js';
import { governanceEvent, refusal, type ActionContext, type Refusal } from '../governance/context.js';
import { sortableId } from '../ids.js';
import { SANDBOX_ACCESS_STAGES, type PairingStage } from '../pipeline.js';
import type { PageRequest } from '../practices.js';
import { ascending } from './pages.js';
import { manifestOf, type PluginVersionRow } from './versions.js';

export type PluginEnablementRow = typeof pluginEnablements.$inferSelect;
type Tx = Parameters<Parameters<DbOrTx['transaction']>[0]>[0];

/** The supplier's pipeline stage still rules: before LIVE its plugins run only at sandbox practices. */
export async function stageProblem(db: DbOrTx, supplierId: string, practice: { systemId: string; isSandbox: boolean }): Promise<string | null> {
  const [pairing] = await db.select({ stage: pairings.stage }).from(pairings).where(and(eq(pairings.supplierId, supplierId), eq(pairings.systemId, practice.systemId)));
  const stage = pairing?.stage as PairingStage | undefined;
  if (stage === 'LIVE') return null;
  if (practice.isSandbox && stage && SANDBOX_ACCESS_STAGES.includes(stage)) return null;
  return `The supplier is not approved for ${practice.systemId} (pairing ${stage ?? 'absent'}).`;
}

async function loadForPractice(tx: Tx, ctx: ActionContext, versionId: string) {
  const [practice] = ctx.actor.practiceOds ? await tx.select().from(practices).where(eq(practices.odsCode, ctx.actor.practiceOds)) : [];
  const [version] = await tx.select().from(pluginVersions).where(eq(pluginVersions.id, versionId));
  return { practice, version };
}

export async function enablePlugin(db: DbOrTx, ctx: ActionContext, versionId: string, scopes: string[]): Promise<PluginEnablementRow | Refusal> {
  return db.transaction(async (tx) => {
    const { practice, version } = await loadForPractice(tx, ctx, versionId);
    const refuse = (r: Refusal) => audited(tx, ctx, 'ENABLE_PLUGIN', { versionId, scopes }, r, version);
    if (!practice) return refuse(refusal('NOT_FOUND', 'Your token names no practice on the platform.'));
    if (!version) return refuse(refusal('NOT_FOUND', 'No such plugin version.'));
    if (version.status !== 'APPROVED') return refuse(refusal('VERSION_NOT_APPROVED', `This version is ${version.status}; only approved versions can be enabled.`));
    const problem = await stageProblem(tx, version.supplierId, practice);
    if (problem) return refuse(refusal('APP_NOT_APPROVED', problem));
    const asked = manifestOf(version).scopes;
    const beyond = scopes.filter((s) => !asked.includes(s));
    if (beyond.length) return refuse(refusal('SCOPE_NOT_REQUESTED', `This version does not ask for: ${beyond.join(', ')}.`));
    const values = { versionId, scopes: [...new Set(scopes)], status: 'ACTIVE', changedBy: ctx.actor.id, changedAt: new Date() };
    const [row] = await tx
      .insert(pluginEnablements)
      .values({ id: sortableId('pen'), practiceOds: practice.odsCode, pluginName: version.name, ...values })
      .onConflictDoUpdate({ target: [pluginEnablements.practiceOds, pluginEnablements.pluginName], set: values })
      .returning();
    return audited(tx, ctx, 'ENABLE_PLUGIN', { versionId, scopes: values.scopes }, row!, version);
  });
}

export async function upgradePlugin(db: DbOrTx, ctx: ActionContext, versionId: string): Promise<PluginEnablementRow | Refusal> {
  return db.transaction(async (tx) => {
    const { practice, version } = await loadForPractice(tx, ctx, versionId);
    const refuse = (r: Refusal) => audited(tx, ctx, 'UPGRADE_PLUGIN', { versionId }, r, version);
    if (!practice || !version) return refuse(refusal('NOT_FOUND', 'No such plugin version.'));
    if (version.status !== 'APPROVED') return refuse(refusal('VERSION_NOT_APPROVED', `This version is ${version.status}; only approved versions can be enabled.`));
    const [current] = await tx.select().from(pluginEnablements).where(and(eq(pluginEnablements.practiceOds, practice.odsCode), eq(pluginEnablements.pluginName, version.name)));
    if (!current || current.status !== 'ACTIVE') return refuse(refusal('PLUGIN_NOT_ENABLED', `${version.name} is not enabled at your practice.`));
    const problem = await stageProblem(tx, version.supplierId, practice);
    if (problem) return refuse(refusal('APP_NOT_APPROVED', problem));
    const [currentVersion] = await tx.select().from(pluginVersions).where(eq(pluginVersions.id, current.versionId));
    const consented = new Set(manifestOf(currentVersion!).scopes);
    const more = manifestOf(version).scopes.filter((s) => !consented.has(s));
    if (more.length) return refuse(refusal('CONSENT_REQUIRED', `This version asks for more scopes (${more.join(', ')}): enable it again to consent.`));
    const scopes = current.scopes.filter((s) => manifestOf(version).scopes.includes(s));
    const [row] = await tx
      .update(pluginEnablements)
      .set({ versionId, scopes, changedBy: ctx.actor.id, changedAt: new Date() })
      .where(eq(pluginEnablements.id, current.id))
      .returning();
    return audited(tx, ctx, 'UPGRADE_PLUGIN', { versionId, from: current.versionId, scopes }, row!, version);
  });
}

export async function disablePlugin(db: DbOrTx, ctx: ActionContext, pluginName: string): Promise<PluginEnablementRow | Refusal> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(pluginEnablements)
      .set({ status: 'DISABLED', changedBy: ctx.actor.id, changedAt: new Date() })
      .where(and(eq(pluginEnablements.practiceOds, ctx.actor.practiceOds ?? ''), eq(pluginEnablements.pluginName, pluginName)))
      .returning();
    return audited(tx, ctx, 'DISABLE_PLUGIN', { pluginName }, row ?? refusal('PLUGIN_NOT_ENABLED', `${pluginName} is not enabled at your practice.`), null);
  });
}

/** A practice's plugins (enabled or disabled), by name. */
export async function pluginEnablementsOfPractice(db: DbOrTx, odsCode: string, page: PageRequest): Promise<PluginEnablementRow[]> {
  const k = ascending(pluginEnablements.pluginName, page);
  return db.select().from(pluginEnablements).where(and(eq(pluginEnablements.practiceOds, odsCode), ...k.where)).orderBy(k.order).limit(k.limit);
}

async function audited<T extends PluginEnablementRow | Refusal>(tx: Tx, ctx: ActionContext, operation: AuditOperation, detail: Record<string, unknown>, result: T, version: PluginVersionRow | null | undefined): Promise<T> {
  const refused = 'refused' in result;
  await appendAuditEvents(tx, [
    governanceEvent(ctx, operation, detail, refused ? 'REFUSED' : 'ALLOWED', {
      supplierId: version?.supplierId ?? null,
      practiceOds: ctx.actor.practiceOds,
      reason: refused ? result.message : null,
    }),
  ]);
  return result;
}
