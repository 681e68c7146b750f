// What a practice may switch on: every active app whose supplier's pairing for the practice's
// clinical system is LIVE (or, at a sandbox practice, in a testing stage), with the scopes NHS
// England granted its supplier, so a practice manager chooses from what is actually on offer.
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { clientApps, pairings, supplierScopes, suppliers } from '../../db/schema/access.js';
import { practices } from '../../db/schema/governance.js';
import { SANDBOX_ACCESS_STAGES } from '../pipeline.js';
import type { ClientAppRow } from './client-apps.js';

export interface AvailableApp {
  app: ClientAppRow;
  supplierName: string;
  useCase: string;
  stage: string;
  grantedScopes: string[];
}

export async function appsAvailableToPractice(db: DbOrTx, odsCode: string): Promise<AvailableApp[]> {
  const [practice] = await db.select().from(practices).where(eq(practices.odsCode, odsCode));
  if (!practice) return [];
  const stageAllows = practice.isSandbox ? inArray(pairings.stage, [...SANDBOX_ACCESS_STAGES]) : eq(pairings.stage, 'LIVE');
  const rows = await db
    .select({ app: clientApps, supplierName: suppliers.name, useCase: suppliers.useCase, stage: pairings.stage })
    .from(clientApps)
    .innerJoin(suppliers, eq(suppliers.id, clientApps.supplierId))
    .innerJoin(pairings, and(eq(pairings.supplierId, clientApps.supplierId), eq(pairings.systemId, practice.systemId)))
    .where(and(eq(clientApps.status, 'ACTIVE'), stageAllows))
    .orderBy(suppliers.name, clientApps.name);
  if (rows.length === 0) return [];
  const supplierIds = [...new Set(rows.map((r) => r.app.supplierId))];
  const granted = await db
    .select({ supplierId: supplierScopes.supplierId, scope: supplierScopes.scope })
    .from(supplierScopes)
    .where(and(inArray(supplierScopes.supplierId, supplierIds), isNotNull(supplierScopes.grantedAt)));
  const bySupplier = new Map<string, string[]>();
  for (const g of granted) bySupplier.set(g.supplierId, [...(bySupplier.get(g.supplierId) ?? []), g.scope]);
  return rows.map((r) => ({ ...r, grantedScopes: (bySupplier.get(r.app.supplierId) ?? []).sort() }));
}
