// Practice control: a practice admin switches an approved app on for the practice's patients with
// a subset of the scopes NHS England granted, and can switch it off at once.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { clientApps, enablements } from '../../db/schema/access.js';
import { practices } from '../../db/schema/governance.js';
import type { AppFacts, EnablementFacts } from '../access.js';
import { appendAuditEvents } from '../audit/append.js';
import { recordEvent } from '../events/outbox.js';
import type { ClinicalSystemId } from '../clinical-systems.js';
import { sortableId } from '../ids.js';
import { SANDBOX_ACCESS_STAGES } from '../pipeline.js';
import { governanceEvent, refusal, type ActionContext, type Refusal } from './context.js';

export type EnablementRow = typeof enablements.$inferSelect;

/** Everything NHS England decided about an app, in one single-row statement (per request). */
export async function loadAppFacts(db: DbOrTx, appId: string): Promise<AppFacts | null> {
  const [row] = await db
    .select({
      status: clientApps.status,
      // Correlated on the outer row, written out because drizzle renders bare column names here.
      stages: sql<Record<string, string> | null>`(select json_object_agg(p.system_id, p.stage) from pairings p where p.supplier_id = ${sql.identifier('client_apps')}.supplier_id)`,
      scopes: sql<string[] | null>`(select array_agg(s.scope) from supplier_scopes s where s.supplier_id = ${sql.identifier('client_apps')}.supplier_id and s.granted_at is not null)`,
    })
    .from(clientApps)
    .where(eq(clientApps.id, appId));
  if (!row) return null;
  const stages = (typeof row.stages === 'string' ? JSON.parse(row.stages) : (row.stages ?? {})) as AppFacts['stages'];
  return { appActive: row.status === 'ACTIVE', stages, grantedScopes: new Set(row.scopes ?? []) };
}

export async function enablementsFor(db: DbOrTx, appId: string, odsCodes: readonly string[]): Promise<Map<string, EnablementFacts>> {
  if (odsCodes.length === 0) return new Map();
  const rows = await db
    .select()
    .from(enablements)
    .where(and(eq(enablements.appId, appId), inArray(enablements.practiceOds, [...odsCodes])));
  return new Map(rows.map((r) => [r.practiceOds, { active: r.status === 'ACTIVE', scopes: r.scopes }]));
}

/**
 * Every enablement of one app, keyed by practice: one statement whatever the practice asked about,
 * so a refused lookup costs the same whether or not (and wherever) the number is registered.
 */
export async function enablementsOfApp(db: DbOrTx, appId: string): Promise<Map<string, EnablementFacts>> {
  const rows = await db.select().from(enablements).where(eq(enablements.appId, appId));
  return new Map(rows.map((r) => [r.practiceOds, { active: r.status === 'ACTIVE', scopes: r.scopes }]));
}

export async function enablementsOfPractice(db: DbOrTx, odsCode: string): Promise<EnablementRow[]> {
  return db.select().from(enablements).where(eq(enablements.practiceOds, odsCode));
}

/** Approved for this practice: app active and its pairing LIVE (or, for a sandbox practice, in test). */
function approvalProblem(facts: AppFacts, practice: { systemId: string; isSandbox: boolean }): string | null {
  if (!facts.appActive) return 'This app has been revoked.';
  const stage = facts.stages[practice.systemId as ClinicalSystemId];
  if (stage === 'LIVE') return null;
  if (practice.isSandbox && stage && SANDBOX_ACCESS_STAGES.includes(stage)) return null;
  return `The supplier is not approved for ${practice.systemId} (pairing ${stage ?? 'absent'}).`;
}

export async function enableApp(db: DbOrTx, ctx: ActionContext, appId: string, scopes: string[]): Promise<EnablementRow | Refusal> {
  const odsCode = ctx.actor.practiceOds;
  return db.transaction(async (tx) => {
    const refuse = async (r: Refusal, supplierId?: string) => {
      await appendAuditEvents(tx, [governanceEvent(ctx, 'ENABLE_APP', { appId, scopes }, 'REFUSED', { appId, supplierId, practiceOds: odsCode, reason: r.message })]);
      return r;
    };
    const [practice] = odsCode ? await tx.select().from(practices).where(eq(practices.odsCode, odsCode)) : [];
    const [app] = await tx.select().from(clientApps).where(eq(clientApps.id, appId));
    if (!practice) return refuse(refusal('NOT_FOUND', 'Your token names no practice on the platform.'));
    const facts = app ? await loadAppFacts(tx, appId) : null;
    if (!app || !facts) return refuse(refusal('NOT_FOUND', 'No such app.'));
    const problem = approvalProblem(facts, practice);
    if (problem) return refuse(refusal('APP_NOT_APPROVED', problem), app.supplierId);
    const ungranted = scopes.filter((s) => !facts.grantedScopes.has(s));
    if (ungranted.length > 0) return refuse(refusal('SCOPE_NOT_GRANTED', `Not granted to this supplier by NHS England: ${ungranted.join(', ')}.`), app.supplierId);
    const values = { scopes: [...new Set(scopes)], status: 'ACTIVE', changedBy: ctx.actor.id, changedAt: new Date() };
    const [row] = await tx
      .insert(enablements)
      .values({ id: sortableId('enb'), practiceOds: practice.odsCode, appId, ...values })
      .onConflictDoUpdate({ target: [enablements.practiceOds, enablements.appId], set: values })
      .returning();
    await appendAuditEvents(tx, [governanceEvent(ctx, 'ENABLE_APP', { appId, scopes }, 'ALLOWED', { appId, supplierId: app.supplierId, practiceOds: practice.odsCode })]);
    await recordEvent(tx, enablementChanged(row!, app.supplierId, ctx.requestId));
    return row!;
  });
}

export async function disableApp(db: DbOrTx, ctx: ActionContext, appId: string): Promise<EnablementRow | Refusal> {
  const odsCode = ctx.actor.practiceOds ?? '';
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(enablements)
      .set({ status: 'DISABLED', changedBy: ctx.actor.id, changedAt: new Date() })
      .where(and(eq(enablements.practiceOds, odsCode), eq(enablements.appId, appId)))
      .returning();
    await appendAuditEvents(tx, [
      governanceEvent(ctx, 'DISABLE_APP', { appId }, row ? 'ALLOWED' : 'REFUSED', { appId, practiceOds: odsCode, reason: row ? null : 'not enabled here' }),
    ]);
    if (!row) return refusal('NOT_FOUND', 'This app is not enabled at your practice.');
    const [app] = await tx.select({ supplierId: clientApps.supplierId }).from(clientApps).where(eq(clientApps.id, appId));
    await recordEvent(tx, enablementChanged(row, app?.supplierId ?? null, ctx.requestId));
    return row;
  });
}

function enablementChanged(row: EnablementRow, supplierId: string | null, requestId: string) {
  return {
    type: 'enablement.changed' as const,
    practiceOds: row.practiceOds,
    appId: row.appId,
    supplierId,
    data: { practiceOdsCode: row.practiceOds, appId: row.appId, active: row.status === 'ACTIVE', scopes: row.scopes, changedBy: row.changedBy },
    requestId,
  };
}
