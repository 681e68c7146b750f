// What the console's pages read from the API, one shape per API type, as the API answers it
// (dates as ISO strings, JSON fields as unknown). A page that asks for fewer fields picks them,
// so the type says what the page's own query selected.

/** PluginVersion: a supplier's plugin version and where it stands in NHS England's review. */
export interface PluginVersion {
  id: string;
  supplierId: string;
  name: string;
  version: string;
  description: string;
  status: string;
  submittedAt: string;
  reviewedAt: string | null;
  reviewReason: string | null;
  scopes: string[];
  effectKinds: string[];
  limits: unknown;
  triggers: unknown;
  manifest: unknown;
  inputQuery: string | null;
  source: string;
  bundleSha256: string;
  bundleBytes: number;
}

/** PairingEvent: one move of a pairing between stages. */
export interface PairingEvent {
  from: string | null;
  to: string;
  reason: string;
  evidence: unknown;
  by: string;
  at: string;
}

/** Pairing: a supplier on one clinical system, at a stage of NHS England's pipeline. */
export interface Pairing {
  id: string;
  stage: string;
  allowedTransitions: string[];
  updatedAt: string;
  system: { id: string; name: string };
  history: PairingEvent[];
}

/** SupplierScope: a scope the supplier asked for, and whether NHS England granted it. */
export interface SupplierScope {
  scope: string;
  granted: boolean;
  grantedAt: string | null;
}

/** Supplier: the application, its pairings and scopes, and its apps. */
export interface Supplier {
  id: string;
  name: string;
  contactName: string;
  contactEmail: string;
  useCase: string;
  prerequisites: unknown;
  createdAt: string;
  pairings: Pairing[];
  scopes: SupplierScope[];
  apps: { clientId: string; name: string; status: string }[];
}

/** The summary a supplier's own developer sees of it (no prerequisites evidence, no allowed moves, no apps). */
export type SupplierSummary = Pick<Supplier, 'id' | 'name' | 'contactName' | 'contactEmail' | 'useCase' | 'createdAt' | 'scopes'> & {
  pairings: Array<Omit<Pairing, 'allowedTransitions' | 'history'> & { history: Omit<PairingEvent, 'evidence'>[] }>;
};

/** Document: a document an app sent into a patient's record, and its review. */
export interface SentDocument {
  id: string;
  practiceOdsCode: string;
  nhsNumber: string;
  title: string;
  contentType: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  status: string;
  senderAppId: string | null;
  sentAt: string;
  reviewedBy: string | null;
  reviewedAt: string | null;
  rejectionReason: string | null;
  /** Only when asked for: the bytes, base64. */
  contentBase64?: string | null;
}
