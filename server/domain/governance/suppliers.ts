// Supplier applications: a developer applies for their company, with requested scopes and the
// principal systems to pair with; each pairing then moves through the pipeline separately.
import { sortableId } from '../ids.js';
import { and, asc, desc, eq, gt, inArray, lt, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { pairingEvents, pairings, supplierMembers, supplierScopes, suppliers } from '../../db/schema/access.js';
import { appendAuditEvents } from '../audit/append.js';
import { CLINICAL_SYSTEM_IDS } from '../clinical-systems.js';
import type { PageRequest } from '../practices.js';
import { unknownScopes } from '../scopes.js';
import { governanceEvent, refusal, type ActionContext, type Refusal } from './context.js';

export const ApplicationInput = z.object({
  name: z.string().trim().min(2).max(200),
  contactName: z.string().trim().min(2).max(200),
  contactEmail: z.string().trim().email(),
  useCase: z.string().trim().min(10).max(4000),
  requestedScopes: z.array(z.string()).min(1).max(50),
  systems: z.array(z.enum(CLINICAL_SYSTEM_IDS)).min(1),
});
export type ApplicationInput = z.infer<typeof ApplicationInput>;

export type SupplierRow = typeof suppliers.$inferSelect;
export type PairingRow = typeof pairings.$inferSelect;

export async function applyAsSupplier(db: DbOrTx, ctx: ActionContext, raw: unknown): Promise<SupplierRow | Refusal> {
  const parsed = ApplicationInput.safeParse(raw);
  return db.transaction(async (tx) => {
    const audit = (outcome: 'ALLOWED' | 'REFUSED', detail: Record<string, unknown>, supplierId?: string, reason?: string) =>
      appendAuditEvents(tx, [governanceEvent(ctx, 'APPLY_AS_SUPPLIER', detail, outcome, { supplierId, reason })]);
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      await audit('REFUSED', {}, undefined, message);
      return refusal('VALIDATION_FAILED', message);
    }
    const input = parsed.data;
    const unknown = unknownScopes(input.requestedScopes);
    if (unknown.length > 0) {
      await audit('REFUSED', { requestedScopes: input.requestedScopes }, undefined, `unknown scopes: ${unknown.join(', ')}`);
      return refusal('INVALID_SCOPE', `Unknown scopes: ${unknown.join(', ')}.`);
    }
    const [member] = await tx.select().from(supplierMembers).where(eq(supplierMembers.personId, ctx.actor.id));
    if (member) {
      await audit('REFUSED', {}, member.supplierId, 'already a supplier member');
      return refusal('ALREADY_APPLIED', 'You already act for a supplier; manage it through mySupplier.');
    }
    const id = sortableId('sup');
    const [supplier] = await tx
      .insert(suppliers)
      .values({ id, name: input.name, contactName: input.contactName, contactEmail: input.contactEmail, useCase: input.useCase, createdBy: ctx.actor.id })
      .returning();
    await tx.insert(supplierMembers).values({ personId: ctx.actor.id, supplierId: id });
    await tx.insert(supplierScopes).values([...new Set(input.requestedScopes)].map((scope) => ({ supplierId: id, scope })));
    for (const systemId of new Set(input.systems)) {
      const pairingId = sortableId('pair');
      await tx.insert(pairings).values({ id: pairingId, supplierId: id, systemId, stage: 'APPLIED' });
      await tx.insert(pairingEvents).values({ pairingId, fromStage: null, toStage: 'APPLIED', reason: 'Application received', actorId: ctx.actor.id });
    }
    await audit('ALLOWED', { name: input.name, requestedScopes: input.requestedScopes, systems: input.systems }, id);
    return supplier!;
  });
}

export async function supplierIdOfPerson(db: DbOrTx, personId: string): Promise<string | null> {
  const [row] = await db.select().from(supplierMembers).where(eq(supplierMembers.personId, personId));
  return row?.supplierId ?? null;
}

export async function suppliersById(db: DbOrTx, ids: readonly string[]): Promise<Map<string, SupplierRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(suppliers).where(inArray(suppliers.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Suppliers, newest application first; optionally those with a pairing at `stage`. */
export async function listSuppliers(db: DbOrTx, page: PageRequest, stage: string | null): Promise<SupplierRow[]> {
  const withStage = stage ? inArray(suppliers.id, db.select({ id: pairings.supplierId }).from(pairings).where(eq(pairings.stage, stage))) : undefined;
  return db
    .select()
    .from(suppliers)
    .where(and(withStage, page.after ? lt(suppliers.id, page.after) : undefined, page.before ? gt(suppliers.id, page.before) : undefined))
    .orderBy(page.inverted ? asc(suppliers.id) : desc(suppliers.id))
    .limit(page.limit);
}

export async function pairingsOfSuppliers(db: DbOrTx, supplierIds: readonly string[]): Promise<PairingRow[]> {
  if (supplierIds.length === 0) return [];
  return db.select().from(pairings).where(inArray(pairings.supplierId, [...supplierIds])).orderBy(asc(pairings.systemId));
}

export async function pairingHistories(db: DbOrTx, pairingIds: readonly string[]) {
  if (pairingIds.length === 0) return [];
  return db.select().from(pairingEvents).where(inArray(pairingEvents.pairingId, [...pairingIds])).orderBy(asc(pairingEvents.id));
}

export async function scopesOfSuppliers(db: DbOrTx, supplierIds: readonly string[]) {
  if (supplierIds.length === 0) return [];
  return db.select().from(supplierScopes).where(inArray(supplierScopes.supplierId, [...supplierIds])).orderBy(asc(supplierScopes.scope));
}

/** Scopes NHS England has granted the supplier, sorted. */
export async function grantedScopes(db: DbOrTx, supplierId: string): Promise<string[]> {
  const rows = await db
    .select({ scope: supplierScopes.scope })
    .from(supplierScopes)
    .where(and(eq(supplierScopes.supplierId, supplierId), isNotNull(supplierScopes.grantedAt)));
  return rows.map((r) => r.scope).sort();
}
