// Plugin runs in the domain: what a run may act on (its enablement, version and scopes), how its
// proposed effects are checked (scope, practice, manifest) and applied all or none, and the run
// record with its audit, every event carrying the run id.
import { and, eq } from 'drizzle-orm';
import type { Effect, ValidManifest } from '@gp-open-integration/sdk/manifest';
import type { DbOrTx } from '../../db/client.js';
import { practices } from '../../db/schema/governance.js';
import { pluginEnablements, pluginRuns, pluginTriggerClaims, pluginVersions } from '../../db/schema/plugins.js';
import { appendAuditEvents, type AuditTx } from '../audit/append.js';
import { governanceEvent, type ActionContext } from '../governance/context.js';
import { sortableId } from '../ids.js';
import type { PageRequest } from '../practices.js';
import { newestFirst } from './pages.js';
import { applyEffects, effectProblems, EffectRefused, runActor, type ConnectorFor } from './effects.js';
import type { PluginEnablementRow } from './enablements.js';
import { stageProblem } from './enablements.js';
import { manifestOf, type PluginVersionRow } from './versions.js';

export type PluginRunRow = typeof pluginRuns.$inferSelect;
export type RunOutcome = 'OK' | 'EFFECTS_REFUSED' | 'TIMEOUT' | 'OUT_OF_MEMORY' | 'ERROR' | 'DISABLED';
export type RunTrigger = { kind: 'manual'; by: string } | { kind: 'schedule'; cron: string; at: string } | { kind: 'event'; type: string; eventId: string; subject: Record<string, string> };

export interface RunTarget {
  enablement: PluginEnablementRow;
  version: PluginVersionRow;
  manifest: ValidManifest;
  practice: { odsCode: string; systemId: string; isSandbox: boolean };
  /** The version's approved scopes intersected with the practice's grant. */
  scopes: string[];
}

/** The active enablement of a plugin at a practice, or why it cannot run. */
export async function runTarget(db: DbOrTx, practiceOds: string, pluginName: string): Promise<RunTarget | { problem: string }> {
  const [row] = await db
    .select({ enablement: pluginEnablements, version: pluginVersions, practice: practices })
    .from(pluginEnablements)
    .innerJoin(pluginVersions, eq(pluginVersions.id, pluginEnablements.versionId))
    .innerJoin(practices, eq(practices.odsCode, pluginEnablements.practiceOds))
    .where(and(eq(pluginEnablements.practiceOds, practiceOds), eq(pluginEnablements.pluginName, pluginName)));
  if (!row || row.enablement.status !== 'ACTIVE') return { problem: `${pluginName} is not enabled at ${practiceOds}.` };
  if (row.version.status !== 'APPROVED') return { problem: `The enabled version is ${row.version.status}.` };
  const stage = await stageProblem(db, row.version.supplierId, row.practice);
  if (stage) return { problem: stage };
  const manifest = manifestOf(row.version);
  return {
    enablement: row.enablement,
    version: row.version,
    manifest,
    practice: { odsCode: row.practice.odsCode, systemId: row.practice.systemId, isSandbox: row.practice.isSandbox },
    scopes: manifest.scopes.filter((s) => row.enablement.scopes.includes(s)),
  };
}

/** Active enablements at a practice (or everywhere) whose version declares a trigger of this kind. */
export async function enablementsWithTrigger(db: DbOrTx, kind: 'schedule' | 'event', practiceOds: string | null) {
  const rows = await db
    .select({ enablement: pluginEnablements, version: pluginVersions })
    .from(pluginEnablements)
    .innerJoin(pluginVersions, eq(pluginVersions.id, pluginEnablements.versionId))
    .where(practiceOds ? and(eq(pluginEnablements.status, 'ACTIVE'), eq(pluginEnablements.practiceOds, practiceOds)) : eq(pluginEnablements.status, 'ACTIVE'));
  return rows
    .map((r) => ({ ...r, manifest: manifestOf(r.version) }))
    .filter((r) => r.manifest.triggers.some((t) => t.kind === kind));
}

/** The first replica to claim a scheduled fire or an event runs it; the others see false. */
export async function claimTrigger(db: DbOrTx, enablementId: string, triggerKey: string): Promise<boolean> {
  const claimed = await db.insert(pluginTriggerClaims).values({ enablementId, triggerKey }).onConflictDoNothing().returning();
  return claimed.length === 1;
}

export interface FinishedRun {
  id: string;
  target: RunTarget;
  trigger: RunTrigger;
  outcome: RunOutcome;
  error: string | null;
  durationMs: number;
  memoryBytes: number;
  effects: Effect[];
  proposedCount: number;
  logs: string[];
  logsDropped: number;
  input: unknown;
  startedAt: Date;
}

/**
 * Stores the run and, if every effect passes and the plugin is still enabled, applies them all in the
 * same transaction. If the domain refuses one while applying (a slot just taken, an appointment of
 * another practice), everything is rolled back and the run is stored as EFFECTS_REFUSED instead.
 */
export async function recordRun(db: DbOrTx, run: FinishedRun, connectorFor: ConnectorFor): Promise<PluginRunRow> {
  try {
    return await db.transaction((tx) => storeRun(tx, run, connectorFor));
  } catch (error) {
    if (!(error instanceof EffectRefused)) throw error;
    return db.transaction((tx) => storeRun(tx, { ...run, outcome: 'EFFECTS_REFUSED', error: error.message }, connectorFor));
  }
}

async function storeRun(tx: AuditTx, run: FinishedRun, connectorFor: ConnectorFor): Promise<PluginRunRow> {
  let { outcome, error } = run;
  let applied = 0;
  if (outcome === 'OK') {
    // Disabling takes effect at once: a run that finishes after it has its effects refused. The
    // row is share-locked, so a disable waits for a run already applying its effects to commit.
    const [live] = await tx.select().from(pluginEnablements).where(eq(pluginEnablements.id, run.target.enablement.id)).for('share');
    if (!live || live.status !== 'ACTIVE' || live.versionId !== run.target.version.id) {
      outcome = 'DISABLED';
      error = 'The plugin was disabled or changed during the run; no effect was applied.';
    } else {
      // Checked against the practice's grant as it is now, not as it was when the run started.
      const target = { ...run.target, scopes: run.target.scopes.filter((s) => live.scopes.includes(s)) };
      const actor = runActor(run.id, target);
      const problems = await effectProblems(tx, run.effects, target, actor);
      if (problems.length) {
        outcome = 'EFFECTS_REFUSED';
        error = problems.slice(0, 5).map((p) => `effect ${p.index}: ${p.problem}`).join('; ');
      } else {
        applied = await applyEffects(tx, run.effects, target, actor, connectorFor);
      }
    }
  }
  const [row] = await tx
    .insert(pluginRuns)
    .values({
      id: run.id,
      versionId: run.target.version.id,
      supplierId: run.target.version.supplierId,
      practiceOds: run.target.practice.odsCode,
      trigger: run.trigger,
      outcome,
      error: error?.slice(0, 2000) ?? null,
      durationMs: Math.round(run.durationMs),
      memoryBytes: Math.round(run.memoryBytes),
      effectsProposed: run.effects,
      effectsApplied: applied,
      logs: run.logs,
      logsDropped: run.logsDropped,
      input: run.input ?? null,
      startedAt: run.startedAt,
      finishedAt: new Date(),
    })
    .returning();
  const who = { actorKind: 'PLUGIN_RUN' as const, actorId: run.id, supplierId: run.target.version.supplierId, pluginId: run.target.version.id, practiceOds: run.target.practice.odsCode, requestId: run.id };
  await appendAuditEvents(tx, [
    { ...who, operation: 'RUN_PLUGIN', detail: { plugin: run.target.version.name, version: run.target.version.version, trigger: run.trigger.kind, proposed: run.proposedCount, applied }, outcome: outcome === 'OK' ? 'ALLOWED' : outcome === 'EFFECTS_REFUSED' || outcome === 'DISABLED' ? 'REFUSED' : 'FAILED', reason: error },
  ]);
  return row!;
}

/** A manual run asked for a plugin that cannot run here: nothing ran, the refusal is audited. */
export async function auditRunRefusal(db: DbOrTx, ctx: ActionContext, pluginName: string, reason: string): Promise<void> {
  await db.transaction((tx) =>
    appendAuditEvents(tx, [governanceEvent(ctx, 'RUN_PLUGIN', { pluginName }, 'REFUSED', { practiceOds: ctx.actor.practiceOds, reason })]),
  );
}

export async function runsOfPractice(db: DbOrTx, odsCode: string, page: PageRequest): Promise<PluginRunRow[]> {
  const k = newestFirst(pluginRuns.id, page);
  return db.select().from(pluginRuns).where(and(eq(pluginRuns.practiceOds, odsCode), ...k.where)).orderBy(k.order).limit(k.limit);
}

/** The supplier's runs everywhere; logs and inputs only where the practice is a sandbox practice. */
export async function runsOfSupplier(db: DbOrTx, supplierId: string, page: PageRequest): Promise<PluginRunRow[]> {
  const k = newestFirst(pluginRuns.id, page);
  const rows = await db
    .select({ run: pluginRuns, isSandbox: practices.isSandbox })
    .from(pluginRuns)
    .innerJoin(practices, eq(practices.odsCode, pluginRuns.practiceOds))
    .where(and(eq(pluginRuns.supplierId, supplierId), ...k.where))
    .orderBy(k.order)
    .limit(k.limit);
  return rows.map(({ run, isSandbox }) => (isSandbox ? run : { ...run, logs: null as unknown as string[], input: null }));
}

export const newRunId = () => sortableId('run');
/** Whether a request id is a plugin run's (its writes carry the run id as their request id). */
export const isRunId = (requestId: string) => /^run_[0-9a-z]{9}[0-9a-f]{12}$/.test(requestId);
