// Moving a pairing through the pipeline, and NHS England's scope grants. Every action, allowed or
// refused, is audited in the same transaction as the change.
import { and, count, countDistinct, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { pairingEvents, pairings, supplierScopes, suppliers } from '../../db/schema/access.js';
import { appendAuditEvents } from '../audit/append.js';
import { recordEvent } from '../events/outbox.js';
import { checkTransition, type PairingStage, type PrerequisiteEvidence } from '../pipeline.js';
import { governanceEvent, refusal, type ActionContext, type Refusal } from './context.js';
import type { PairingRow } from './suppliers.js';

/** Serialises "go LIVE" decisions so two suppliers cannot both take the last place under the cap. */
const LIVE_CAP_LOCK = 7_263_001;

export interface TransitionInput {
  pairingId: string;
  to: PairingStage;
  reason: string;
  evidence: PrerequisiteEvidence | null;
}

export async function transitionPairing(db: DbOrTx, ctx: ActionContext, input: TransitionInput, maxLiveSuppliers: number): Promise<PairingRow | Refusal> {
  return db.transaction(async (tx) => {
    // Row lock: a concurrent transition on the same pairing waits, then sees the new stage.
    const [pairing] = await tx.select().from(pairings).where(eq(pairings.id, input.pairingId)).for('update');
    const detail = { pairingId: input.pairingId, to: input.to, reason: input.reason, evidence: input.evidence };
    const refuse = async (r: Refusal, supplierId?: string) => {
      await appendAuditEvents(tx, [governanceEvent(ctx, 'TRANSITION_PAIRING', { ...detail, from: pairing?.stage ?? null }, 'REFUSED', { supplierId, reason: r.message })]);
      return r;
    };
    if (!pairing) return refuse(refusal('NOT_FOUND', 'No such pairing.'));
    const from = pairing.stage as PairingStage;
    const problem = checkTransition(from, input.to, { reason: input.reason, evidence: input.evidence, suspendedFrom: pairing.suspendedFrom as PairingStage | null });
    if (problem?.code === 'INVALID_TRANSITION') {
      const allowed = problem.allowed.length ? problem.allowed.join(', ') : 'none (final stage)';
      return refuse(refusal('INVALID_TRANSITION', `${from} cannot move to ${input.to}; allowed: ${allowed}.`, problem.allowed), pairing.supplierId);
    }
    if (problem?.code === 'REASON_REQUIRED') return refuse(refusal('REASON_REQUIRED', 'Every transition needs a reason.'), pairing.supplierId);
    if (problem?.code === 'EVIDENCE_REQUIRED') return refuse(refusal('EVIDENCE_REQUIRED', problem.message), pairing.supplierId);

    if (input.to === 'LIVE') {
      await tx.execute(sql`select pg_advisory_xact_lock(${LIVE_CAP_LOCK})`);
      const [live] = await tx
        .select({ n: countDistinct(pairings.supplierId) })
        .from(pairings)
        .where(and(eq(pairings.stage, 'LIVE'), ne(pairings.supplierId, pairing.supplierId)));
      if ((live?.n ?? 0) >= maxLiveSuppliers) {
        return refuse(refusal('LIVE_CAP_REACHED', `${maxLiveSuppliers} suppliers are already live; another must leave before one more is approved.`), pairing.supplierId);
      }
    }
    const [updated] = await tx
      .update(pairings)
      .set({
        stage: input.to,
        suspendedFrom: input.to === 'SUSPENDED' ? from : null,
        version: pairing.version + 1,
        updatedAt: new Date(),
      })
      .where(eq(pairings.id, pairing.id))
      .returning();
    await tx.insert(pairingEvents).values({ pairingId: pairing.id, fromStage: from, toStage: input.to, reason: input.reason, evidence: input.evidence, actorId: ctx.actor.id });
    if (input.to === 'PREREQUISITES_MET' && input.evidence) {
      await tx
        .update(suppliers)
        .set({ prerequisites: { ...input.evidence, recordedBy: ctx.actor.id, recordedAt: new Date().toISOString() } })
        .where(eq(suppliers.id, pairing.supplierId));
    }
    await appendAuditEvents(tx, [governanceEvent(ctx, 'TRANSITION_PAIRING', { ...detail, from }, 'ALLOWED', { supplierId: pairing.supplierId })]);
    await recordEvent(tx, {
      type: 'pipeline.stage_changed',
      supplierId: pairing.supplierId,
      data: { pairingId: pairing.id, supplierId: pairing.supplierId, system: pairing.systemId, from, to: input.to, reason: input.reason },
      requestId: ctx.requestId,
    });
    return updated!;
  });
}

/** NHS England grants a subset of what the supplier requested (granted ⊆ requested). */
export async function grantScopes(db: DbOrTx, ctx: ActionContext, supplierId: string, scopes: string[]): Promise<string[] | Refusal> {
  return db.transaction(async (tx) => {
    const requested = await tx.select().from(supplierScopes).where(eq(supplierScopes.supplierId, supplierId));
    const audit = (outcome: 'ALLOWED' | 'REFUSED', reason?: string) =>
      appendAuditEvents(tx, [governanceEvent(ctx, 'GRANT_SCOPES', { scopes }, outcome, { supplierId, reason })]);
    if (requested.length === 0) {
      await audit('REFUSED', 'no such supplier');
      return refusal('NOT_FOUND', 'No such supplier.');
    }
    const notRequested = scopes.filter((s) => !requested.some((r) => r.scope === s));
    if (notRequested.length > 0) {
      await audit('REFUSED', `not requested: ${notRequested.join(', ')}`);
      return refusal('SCOPE_NOT_REQUESTED', `Only requested scopes can be granted; not requested: ${notRequested.join(', ')}.`);
    }
    if (scopes.length > 0) {
      await tx
        .update(supplierScopes)
        .set({ grantedBy: ctx.actor.id, grantedAt: new Date() })
        // Already granted scopes keep their original grant (who and when).
        .where(and(eq(supplierScopes.supplierId, supplierId), inArray(supplierScopes.scope, scopes), isNull(supplierScopes.grantedAt)));
    }
    await audit('ALLOWED');
    const rows = await tx.select().from(supplierScopes).where(eq(supplierScopes.supplierId, supplierId));
    return rows.filter((r) => r.grantedAt).map((r) => r.scope);
  });
}

/** Withdraws grants; practices' enablements keep their lists but the access check needs both. */
export async function revokeScopes(db: DbOrTx, ctx: ActionContext, supplierId: string, scopes: string[]): Promise<string[] | Refusal> {
  return db.transaction(async (tx) => {
    const [exists] = await tx.select({ n: count() }).from(supplierScopes).where(eq(supplierScopes.supplierId, supplierId));
    if (!exists?.n) {
      await appendAuditEvents(tx, [governanceEvent(ctx, 'REVOKE_SCOPES', { scopes }, 'REFUSED', { supplierId, reason: 'no such supplier' })]);
      return refusal('NOT_FOUND', 'No such supplier.');
    }
    if (scopes.length > 0) {
      await tx
        .update(supplierScopes)
        .set({ grantedBy: null, grantedAt: null })
        .where(and(eq(supplierScopes.supplierId, supplierId), inArray(supplierScopes.scope, scopes)));
    }
    await appendAuditEvents(tx, [governanceEvent(ctx, 'REVOKE_SCOPES', { scopes }, 'ALLOWED', { supplierId })]);
    const rows = await tx.select().from(supplierScopes).where(eq(supplierScopes.supplierId, supplierId));
    return rows.filter((r) => r.grantedAt).map((r) => r.scope);
  });
}

/** Suppliers with at least one LIVE pairing: the figure the cap (MAX_LIVE_SUPPLIERS) limits. */
export async function countLiveSuppliers(db: DbOrTx): Promise<number> {
  const [live] = await db.select({ n: countDistinct(pairings.supplierId) }).from(pairings).where(eq(pairings.stage, 'LIVE'));
  return live?.n ?? 0;
}
