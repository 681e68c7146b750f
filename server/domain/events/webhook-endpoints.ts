// A supplier developer registers webhook endpoints for the supplier's apps, rotates their secrets,
// reads the delivery log, redelivers, and re-enables an endpoint that was disabled. Every action,
// allowed or refused, is audited in the same transaction.
import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { clientApps } from '../../db/schema/access.js';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema/events.js';
import { appendAuditEvents } from '../audit/append.js';
import { governanceEvent, refusal, type ActionContext, type Refusal } from '../governance/context.js';
import { supplierIdOfPerson } from '../governance/suppliers.js';
import { sortableId } from '../ids.js';
import { isEventType } from './catalogue.js';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
/** The previous secret keeps signing this long after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

export interface UrlChecks {
  /** Scheme and shape; then the resolved addresses. */
  urlProblem(url: string): string | null;
  hostProblem(hostname: string): Promise<string | null>;
  newSecret(): string;
}

async function ownEndpoint(tx: DbOrTx, ctx: ActionContext, endpointId: string): Promise<WebhookEndpointRow | null> {
  const supplierId = await supplierIdOfPerson(tx, ctx.actor.id);
  const [row] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  return row && supplierId && row.supplierId === supplierId ? row : null;
}

export async function registerWebhook(
  db: DbOrTx,
  ctx: ActionContext,
  input: { appId: string; url: string; eventTypes: string[] },
  checks: UrlChecks,
): Promise<{ endpoint: WebhookEndpointRow; secret: string } | Refusal> {
  // The host is resolved before the transaction: no lock is held across a DNS lookup.
  const shape = checks.urlProblem(input.url);
  const host = shape ? null : await checks.hostProblem(new URL(input.url).hostname);
  return db.transaction(async (tx) => {
    const refuse = async (r: Refusal) => {
      await appendAuditEvents(tx, [governanceEvent(ctx, 'REGISTER_WEBHOOK', input, 'REFUSED', { appId: input.appId, reason: r.message })]);
      return r;
    };
    const supplierId = await supplierIdOfPerson(tx, ctx.actor.id);
    const [app] = await tx.select().from(clientApps).where(eq(clientApps.id, input.appId));
    if (!app || app.supplierId !== supplierId) return refuse(refusal('NOT_FOUND', 'No such app of your supplier.'));
    if (shape || host) return refuse(refusal('INVALID_WEBHOOK_URL', (shape ?? host)!));
    const unknown = input.eventTypes.filter((t) => !isEventType(t));
    if (input.eventTypes.length === 0 || unknown.length) return refuse(refusal('VALIDATION_FAILED', unknown.length ? `Unknown event types: ${unknown.join(', ')}.` : 'Name at least one event type.'));
    const secret = checks.newSecret();
    const [endpoint] = await tx
      .insert(webhookEndpoints)
      .values({ id: sortableId('whe'), appId: app.id, supplierId: app.supplierId, url: input.url, secret, eventTypes: [...new Set(input.eventTypes)], createdBy: ctx.actor.id })
      .returning();
    await appendAuditEvents(tx, [governanceEvent(ctx, 'REGISTER_WEBHOOK', input, 'ALLOWED', { appId: app.id, supplierId: app.supplierId })]);
    return { endpoint: endpoint!, secret };
  });
}

/** A new secret; the old one keeps signing (a second signature) for a day, so receivers can switch. */
export async function rotateWebhookSecret(db: DbOrTx, ctx: ActionContext, endpointId: string, newSecret: string): Promise<{ endpoint: WebhookEndpointRow; secret: string } | Refusal> {
  return db.transaction(async (tx) => {
    const row = await ownEndpoint(tx, ctx, endpointId);
    await appendAuditEvents(tx, [governanceEvent(ctx, 'ROTATE_WEBHOOK_SECRET', { endpointId }, row ? 'ALLOWED' : 'REFUSED', { appId: row?.appId, reason: row ? null : 'not found' })]);
    if (!row) return refusal('NOT_FOUND', 'No such webhook endpoint of your supplier.');
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({ secret: newSecret, previousSecret: row.secret, previousSecretExpiresAt: new Date(Date.now() + ROTATION_OVERLAP_MS) })
      .where(eq(webhookEndpoints.id, row.id))
      .returning();
    return { endpoint: endpoint!, secret: newSecret };
  });
}

export async function enableWebhookEndpoint(db: DbOrTx, ctx: ActionContext, endpointId: string): Promise<WebhookEndpointRow | Refusal> {
  return db.transaction(async (tx) => {
    const row = await ownEndpoint(tx, ctx, endpointId);
    await appendAuditEvents(tx, [governanceEvent(ctx, 'ENABLE_WEBHOOK', { endpointId }, row ? 'ALLOWED' : 'REFUSED', { appId: row?.appId, reason: row ? null : 'not found' })]);
    if (!row) return refusal('NOT_FOUND', 'No such webhook endpoint of your supplier.');
    const [endpoint] = await tx.update(webhookEndpoints).set({ status: 'ACTIVE', disabledReason: null, consecutiveFailures: 0 }).where(eq(webhookEndpoints.id, row.id)).returning();
    return endpoint!;
  });
}

/** Sends a delivery again (same event id and body), whatever became of it. */
export async function redeliverWebhook(db: DbOrTx, ctx: ActionContext, deliveryId: string): Promise<WebhookDeliveryRow | Refusal> {
  return db.transaction(async (tx) => {
    const [delivery] = await tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
    const own = delivery ? await ownEndpoint(tx, ctx, delivery.endpointId) : null;
    await appendAuditEvents(tx, [governanceEvent(ctx, 'REDELIVER_WEBHOOK', { deliveryId }, own ? 'ALLOWED' : 'REFUSED', { appId: own?.appId, reason: own ? null : 'not found' })]);
    if (!delivery || !own) return refusal('NOT_FOUND', 'No such delivery of your supplier.');
    const [row] = await tx
      .update(webhookDeliveries)
      .set({ status: 'PENDING', attempts: 0, nextAttemptAt: new Date(), leasedUntil: null })
      .where(eq(webhookDeliveries.id, delivery.id))
      .returning();
    return row!;
  });
}

export async function webhookEndpointsOfPerson(db: DbOrTx, personId: string): Promise<WebhookEndpointRow[]> {
  const supplierId = await supplierIdOfPerson(db, personId);
  if (!supplierId) return [];
  return db.select().from(webhookEndpoints).where(eq(webhookEndpoints.supplierId, supplierId)).orderBy(webhookEndpoints.id);
}

/** The delivery log of an endpoint, newest first, with each delivery's attempts. */
export async function deliveriesOf(db: DbOrTx, endpointId: string, limit: number, before?: string) {
  const deliveries = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), before ? lt(webhookDeliveries.id, before) : undefined))
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit);
  const attempts = deliveries.length
    ? await db.select().from(webhookAttempts).where(inArray(webhookAttempts.deliveryId, deliveries.map((d) => d.id))).orderBy(webhookAttempts.id)
    : [];
  return deliveries.map((d) => ({ ...d, attemptLog: attempts.filter((a) => a.deliveryId === d.id) }));
}
