// Supplier client applications and their public keys (JWKS). Several keys may be registered at
// once so a supplier can rotate without downtime; private keys are refused outright.
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { clientApps } from '../../db/schema/access.js';
import { appendAuditEvents } from '../audit/append.js';
import { sortableId } from '../ids.js';
import { governanceEvent, refusal, type ActionContext, type Refusal } from './context.js';
import { supplierIdOfPerson } from './suppliers.js';

const PublicJwk = z
  .object({
    kid: z.string().min(1).max(200),
    kty: z.enum(['RSA', 'EC']),
    alg: z.enum(['RS512', 'ES384']).optional(),
    use: z.literal('sig').optional(),
    n: z.string().optional(),
    e: z.string().optional(),
    crv: z.string().optional(),
    x: z.string().optional(),
    y: z.string().optional(),
  })
  .passthrough()
  .superRefine((k, issue) => {
    if ('d' in k || 'p' in k || 'q' in k) issue.addIssue({ code: 'custom', message: `key ${k.kid} is a private key: register public keys only` });
    if (k.kty === 'RSA' && (!k.n || !k.e)) issue.addIssue({ code: 'custom', message: `RSA key ${k.kid} needs n and e` });
    if (k.kty === 'RSA' && k.n && Buffer.from(k.n, 'base64url').length * 8 < 2048) issue.addIssue({ code: 'custom', message: `RSA key ${k.kid} must be at least 2048 bits` });
    if (k.kty === 'EC' && (k.crv !== 'P-384' || !k.x || !k.y)) issue.addIssue({ code: 'custom', message: `EC key ${k.kid} must be P-384 (ES384) with x and y` });
    if (k.kty === 'RSA' && k.alg && k.alg !== 'RS512') issue.addIssue({ code: 'custom', message: `RSA key ${k.kid} must be for RS512` });
  });
export type PublicJwk = z.infer<typeof PublicJwk>;

const Jwks = z.object({ keys: z.array(PublicJwk).min(1).max(10) }).superRefine((set, issue) => {
  const kids = set.keys.map((k) => k.kid);
  if (new Set(kids).size !== kids.length) issue.addIssue({ code: 'custom', message: 'key ids (kid) must be unique' });
});

export type ClientAppRow = typeof clientApps.$inferSelect;

function problemOf(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join('; ');
}

async function ownApp(db: DbOrTx, ctx: ActionContext, appId: string): Promise<ClientAppRow | null> {
  const supplierId = await supplierIdOfPerson(db, ctx.actor.id);
  if (!supplierId) return null;
  const [app] = await db.select().from(clientApps).where(and(eq(clientApps.id, appId), eq(clientApps.supplierId, supplierId)));
  return app ?? null;
}

export async function registerClientApp(db: DbOrTx, ctx: ActionContext, name: string, jwks: unknown): Promise<ClientAppRow | Refusal> {
  return db.transaction(async (tx) => {
    const supplierId = await supplierIdOfPerson(tx, ctx.actor.id);
    const parsed = Jwks.safeParse(jwks);
    const refuse = async (r: Refusal) => {
      await appendAuditEvents(tx, [governanceEvent(ctx, 'REGISTER_APP', { name }, 'REFUSED', { supplierId, reason: r.message })]);
      return r;
    };
    if (!supplierId) return refuse(refusal('NOT_A_SUPPLIER', 'Apply as a supplier before registering an app.'));
    if (!parsed.success) return refuse(refusal('INVALID_JWKS', problemOf(parsed.error)));
    if (name.trim().length < 2) return refuse(refusal('VALIDATION_FAILED', 'name: at least 2 characters'));
    const id = sortableId('app');
    const [app] = await tx.insert(clientApps).values({ id, supplierId, name: name.trim(), jwks: parsed.data }).returning();
    await appendAuditEvents(tx, [governanceEvent(ctx, 'REGISTER_APP', { name, kids: parsed.data.keys.map((k) => k.kid) }, 'ALLOWED', { supplierId, appId: id })]);
    return app!;
  });
}

/** Adds a key (rotation step one) or removes one (step two). */
export async function changeAppKeys(db: DbOrTx, ctx: ActionContext, appId: string, change: { add: unknown } | { removeKid: string }): Promise<ClientAppRow | Refusal> {
  return db.transaction(async (tx) => {
    const app = await ownApp(tx, ctx, appId);
    const operation = 'add' in change ? 'ADD_APP_KEY' : 'REMOVE_APP_KEY';
    const refuse = async (r: Refusal) => {
      await appendAuditEvents(tx, [governanceEvent(ctx, operation, { appId }, 'REFUSED', { appId, supplierId: app?.supplierId, reason: r.message })]);
      return r;
    };
    if (!app) return refuse(refusal('NOT_FOUND', 'No such app for your supplier.'));
    const current = (app.jwks as { keys: PublicJwk[] }).keys;
    const next = 'add' in change ? [...current, change.add] : current.filter((k) => k.kid !== change.removeKid);
    if ('removeKid' in change && next.length === current.length) return refuse(refusal('NOT_FOUND', `No key ${change.removeKid} on this app.`));
    const parsed = Jwks.safeParse({ keys: next });
    if (!parsed.success) return refuse(refusal('INVALID_JWKS', problemOf(parsed.error)));
    const [updated] = await tx.update(clientApps).set({ jwks: parsed.data }).where(eq(clientApps.id, app.id)).returning();
    const kid = 'add' in change ? (change.add as { kid?: string }).kid : change.removeKid;
    await appendAuditEvents(tx, [governanceEvent(ctx, operation, { appId, kid }, 'ALLOWED', { appId, supplierId: app.supplierId })]);
    return updated!;
  });
}

/** Revoked apps can no longer obtain or use tokens; revocation is final. */
export async function revokeClientApp(db: DbOrTx, ctx: ActionContext, appId: string, reason: string): Promise<ClientAppRow | Refusal> {
  return db.transaction(async (tx) => {
    const isReviewer = ctx.actor.role === 'REVIEWER';
    const app = isReviewer ? (await tx.select().from(clientApps).where(eq(clientApps.id, appId)))[0] : await ownApp(tx, ctx, appId);
    if (!app) {
      await appendAuditEvents(tx, [governanceEvent(ctx, 'REVOKE_APP', { appId, reason }, 'REFUSED', { appId, reason: 'not found' })]);
      return refusal('NOT_FOUND', 'No such app.');
    }
    const [updated] = await tx.update(clientApps).set({ status: 'REVOKED', revokedAt: new Date() }).where(eq(clientApps.id, app.id)).returning();
    await appendAuditEvents(tx, [governanceEvent(ctx, 'REVOKE_APP', { appId, reason }, 'ALLOWED', { appId, supplierId: app.supplierId })]);
    return updated!;
  });
}

export async function appsOfSuppliers(db: DbOrTx, supplierIds: readonly string[]): Promise<ClientAppRow[]> {
  if (supplierIds.length === 0) return [];
  return db.select().from(clientApps).where(inArray(clientApps.supplierId, [...supplierIds]));
}

export async function appsById(db: DbOrTx, ids: readonly string[]): Promise<Map<string, ClientAppRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(clientApps).where(inArray(clientApps.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}
