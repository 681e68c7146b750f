// Per-request batching for governance reads (suppliers, pairings, apps) and for the facts behind a
// supplier app's access decisions (cached across requests by auth/access-facts.ts), so the permission
// rules cost no query per field.
import DataLoader from 'dataloader';
import type { Db } from '../db/client.js';
import type { AccessFacts } from '../auth/access-facts.js';
import type { AppFacts, EnablementFacts } from '../domain/access.js';
import { appsById, appsOfSuppliers, type ClientAppRow } from '../domain/governance/client-apps.js';
import { pairingHistories, pairingsOfSuppliers, scopesOfSuppliers, suppliersById, type PairingRow, type SupplierRow } from '../domain/governance/suppliers.js';

type Grouped<T> = DataLoader<string, T[]>;

function groupedLoader<T>(fetch: (keys: readonly string[]) => Promise<T[]>, keyOf: (row: T) => string): Grouped<T> {
  return new DataLoader(async (keys) => {
    const rows = await fetch(keys);
    return keys.map((k) => rows.filter((r) => keyOf(r) === k));
  });
}

/** `requestStart`: when the request began (`performance.now()`); its app facts are no older than that. */
export function createGovernanceLoaders(db: Db, appId: string | null, accessFacts: AccessFacts, requestStart: number) {
  // Read once per request (the access facts may keep them between requests too).
  let callerEnablements: Promise<ReadonlyMap<string, EnablementFacts>> | null = null;
  const enablementsOfCaller = () => (callerEnablements ??= appId ? accessFacts.enablements(appId) : Promise.resolve(new Map()));
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
    /**
     * The calling app's facts (null for people): from the process's access facts, kept fresh by the
     * database; caught up with notifications once per request (the bearer check already did).
     */
    callerAppFacts: { load: (id: string): Promise<AppFacts | null> => accessFacts.app(id, requestStart) },
    /** The calling app's enablement at a practice. */
    callerEnablement: {
      load: async (odsCode: string): Promise<EnablementFacts | null> => (await enablementsOfCaller()).get(odsCode) ?? null,
      /** Reads the calling app's enablements whatever practice will be asked about (see canLookUpPatient). */
      prime: async (): Promise<void> => void (await enablementsOfCaller()),
    },
  };
}

export type GovernanceLoaders = ReturnType<typeof createGovernanceLoaders>;
