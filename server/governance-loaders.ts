// Per-request batching for governance reads (suppliers, pairings, apps) and for the facts behind a
// supplier app's access decisions, so the permission rules cost one query per request, not per field.
import DataLoader from 'dataloader';
import type { Db } from './db/client.js';
import type { AppFacts, EnablementFacts } from './domain/access.js';
import { appsById, appsOfSuppliers, type ClientAppRow } from './domain/governance/client-apps.js';
import { enablementsFor, loadAppFacts } from './domain/governance/enablements.js';
import { pairingHistories, pairingsOfSuppliers, scopesOfSuppliers, suppliersById, type PairingRow, type SupplierRow } from './domain/governance/suppliers.js';

type Grouped<T> = DataLoader<string, T[]>;

function groupedLoader<T>(fetch: (keys: readonly string[]) => Promise<T[]>, keyOf: (row: T) => string): Grouped<T> {
  return new DataLoader(async (keys) => {
    const rows = await fetch(keys);
    return keys.map((k) => rows.filter((r) => keyOf(r) === k));
  });
}

export function createGovernanceLoaders(db: Db, appId: string | null) {
  return {
    supplier: new DataLoader<string, SupplierRow | null>(async (ids) => {
      const found = await suppliersById(db, ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
    app: new DataLoader<string, ClientAppRow | null>(async (ids) => {
      const found = await appsById(db, ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
    pairingsOfSupplier: groupedLoader<PairingRow>((ids) => pairingsOfSuppliers(db, ids), (r) => r.supplierId),
    historyOfPairing: groupedLoader((ids) => pairingHistories(db, ids), (r) => r.pairingId),
    scopesOfSupplier: groupedLoader((ids) => scopesOfSuppliers(db, ids), (r) => r.supplierId),
    appsOfSupplier: groupedLoader((ids) => appsOfSuppliers(db, ids), (r) => r.supplierId),
    /** The calling app's facts (null for people); loaded at most once per request. */
    callerAppFacts: new DataLoader<string, AppFacts | null>(async (ids) => Promise.all(ids.map((id) => loadAppFacts(db, id)))),
    /** The calling app's enablement at each practice. */
    callerEnablement: new DataLoader<string, EnablementFacts | null>(async (odsCodes) => {
      if (!appId) return odsCodes.map(() => null);
      const found = await enablementsFor(db, appId, odsCodes);
      return odsCodes.map((ods) => found.get(ods) ?? null);
    }),
  };
}

export type GovernanceLoaders = ReturnType<typeof createGovernanceLoaders>;
