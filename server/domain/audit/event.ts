// What an audit event says, and how a stored event is hashed into the chain.
// hash = sha256(prevHash + '\n' + canonicalJson(every stored field except hash)).
import { createHash } from 'node:crypto';
import type { auditEvents } from '../../db/schema/audit.js';
import type { AuditOperationName } from './operations.js';

export type AuditActorKind = 'ANONYMOUS' | 'PERSON' | 'SUPPLIER_APP' | 'PLUGIN_RUN';
export type AuditOutcome = 'ALLOWED' | 'REFUSED' | 'FAILED';

/** One thing that happened, as the rest of the code describes it. */
export interface AuditEvent {
  actorKind: AuditActorKind;
  actorId: string;
  supplierId?: string | null | undefined;
  appId?: string | null | undefined;
  pluginId?: string | null | undefined;
  practiceOds?: string | null | undefined;
  nhsNumber?: string | null | undefined;
  /** A code of AUDIT_OPERATIONS (e.g. 'READ_PATIENT_RECORD', 'ENABLE_APP'), or an API field's name. */
  operation: AuditOperationName;
  /** Sections, fields or inputs involved; must be JSON-serialisable. */
  detail: Record<string, unknown>;
  outcome: AuditOutcome;
  reason?: string | null | undefined;
  requestId: string;
}

/** The same shape, under the name callers building events use. */
export type AuditEventInput = AuditEvent;

/** An event as stored: optional fields are null, and it carries its place in the chain. */
export interface AuditRecord {
  seq: number;
  id: string;
  at: Date;
  actorKind: AuditActorKind;
  actorId: string;
  supplierId: string | null;
  appId: string | null;
  pluginId: string | null;
  practiceOds: string | null;
  nhsNumber: string | null;
  operation: string;
  detail: Record<string, unknown>;
  outcome: AuditOutcome;
  reason: string | null;
  requestId: string;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

// NUL and lone surrogates are refused by PostgreSQL text/jsonb. They are replaced, so one request's
// odd input cannot fail the commit of every other request batched with it.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const clean = (s: string) => s.replace(UNSTORABLE, '\uFFFD');
const cleanOptional = (s: string | null | undefined) => (s === null || s === undefined ? null : clean(s));

/** The stored form of an event's fields, equal to what the database gives back (jsonb round trip). */
export function normaliseEvent(event: AuditEvent): Omit<AuditRecord, 'seq' | 'id' | 'at' | 'prevHash' | 'hash' | 'operation'> & Pick<AuditEvent, 'operation'> {
  const detailJson = JSON.stringify(event.detail ?? {}, (_key, value: unknown) =>
    typeof value === 'string' ? clean(value) : value,
  );
  return {
    actorKind: event.actorKind,
    actorId: clean(event.actorId),
    supplierId: cleanOptional(event.supplierId),
    appId: cleanOptional(event.appId),
    pluginId: cleanOptional(event.pluginId),
    practiceOds: cleanOptional(event.practiceOds),
    nhsNumber: cleanOptional(event.nhsNumber),
    // A code or a field name: neither can hold what `clean` replaces, so it keeps its type.
    operation: clean(event.operation) as AuditEvent['operation'],
    detail: JSON.parse(detailJson) as Record<string, unknown>,
    outcome: event.outcome,
    reason: cleanOptional(event.reason),
    requestId: clean(event.requestId),
  };
}

/** An event already in its stored form (normaliseEvent's result): normalising it again changes nothing. */
export type NormalisedEvent = ReturnType<typeof normaliseEvent>;

/** JSON with object keys sorted recursively, so the same value always serialises the same way. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`; // undefined gives null, as in JSON
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const object = value as Record<string, unknown>;
    const fields = Object.keys(object)
      .filter((key) => object[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The hash of a stored event. `at` is hashed as its ISO string: JS dates have millisecond precision,
 * which the timestamp(6) column keeps exactly on both back ends, so the hash survives the round trip.
 */
export function auditHash(r: Omit<AuditRecord, 'hash'>): string {
  // Fields are listed, not spread, so a column added later cannot silently change old hashes.
  const body = canonicalJson({
    seq: r.seq, id: r.id, at: r.at.toISOString(), actorKind: r.actorKind, actorId: r.actorId,
    supplierId: r.supplierId, appId: r.appId, pluginId: r.pluginId, practiceOds: r.practiceOds,
    nhsNumber: r.nhsNumber, operation: r.operation, detail: r.detail, outcome: r.outcome,
    reason: r.reason, requestId: r.requestId, prevHash: r.prevHash,
  });
  return createHash('sha256').update(`${r.prevHash}\n${body}`).digest('hex');
}

export function toAuditRecord(row: typeof auditEvents.$inferSelect): AuditRecord {
  return {
    seq: row.seq, id: row.id, at: row.at, actorKind: row.actorKind as AuditActorKind, actorId: row.actorId,
    supplierId: row.supplierId, appId: row.appId, pluginId: row.pluginId, practiceOds: row.practiceOds,
    nhsNumber: row.nhsNumber, operation: row.operation, detail: row.detail as Record<string, unknown>,
    outcome: row.outcome as AuditOutcome, reason: row.reason, requestId: row.requestId,
    prevHash: row.prevHash, hash: row.hash,
  };
}
