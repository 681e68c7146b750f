// What an audit event's hash covers: every stored field, so no field (the outcome least of all) can
// be changed without the chain noticing; and the serialisation it hashes is canonical.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditHash, canonicalJson, GENESIS_HASH, normaliseEvent, toAuditRecord, type AuditRecord } from '../server/domain/audit/event.js';

const record: Omit<AuditRecord, 'hash'> = {
  seq: 7,
  id: '3f1c2a56-0000-4000-8000-000000000007',
  at: new Date('2026-06-01T10:00:00.123Z'),
  actorKind: 'SUPPLIER_APP',
  actorId: 'app-1',
  supplierId: 'sup-1',
  appId: 'app-1',
  pluginId: null,
  practiceOds: 'A81001',
  nhsNumber: '9990000018',
  operation: 'READ_PATIENT_RECORD',
  detail: { fields: ['allergies'] },
  outcome: 'REFUSED',
  reason: 'Practice A81001 has not enabled this app.',
  requestId: 'req-7',
  prevHash: 'a'.repeat(64),
};

describe('audit event hash', () => {
  it('is SHA-256 of the previous hash and the canonical JSON of every stored field', () => {
    const { at, ...rest } = record;
    const body = canonicalJson({ ...rest, at: at.toISOString() });
    expect(auditHash(record)).toBe(createHash('sha256').update(`${record.prevHash}\n${body}`).digest('hex'));
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('changes when any single field changes, the outcome included', () => {
    const changed: Array<Partial<Omit<AuditRecord, 'hash'>>> = [
      { outcome: 'ALLOWED' }, // a refusal rewritten as allowed
      { outcome: 'FAILED' },
      { reason: null },
      { seq: 8 },
      { id: 'other' },
      { at: new Date('2026-06-01T10:00:00.124Z') },
      { actorKind: 'PERSON' },
      { actorId: 'app-2' },
      { supplierId: null },
      { appId: 'app-2' },
      { pluginId: 'plugin-1' },
      { practiceOds: 'A81002' },
      { nhsNumber: '9990000026' },
      { operation: 'LIST_PATIENTS' },
      { detail: { fields: ['medications'] } },
      { requestId: 'req-8' },
      { prevHash: 'b'.repeat(64) },
    ];
    const original = auditHash(record);
    for (const change of changed) expect(auditHash({ ...record, ...change }), JSON.stringify(change)).not.toBe(original);
  });

  it('ignores key order and undefined members, but not array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
    expect(canonicalJson([undefined, 'x'])).toBe('[null,"x"]');
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson(new Date('2026-01-01T00:00:00Z'))).toBe('"2026-01-01T00:00:00.000Z"');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('reads a stored row back as the record that was hashed, field for field', () => {
    const row = {
      seq: 7, id: 'evt-7', at: new Date('2026-01-01T00:00:00Z'), actorKind: 'PERSON', actorId: 'p-1', supplierId: 's', appId: 'a', pluginId: 'pl',
      practiceOds: 'Z91001', nhsNumber: '9990000018', operation: 'READ_PATIENT_RECORD', detail: { k: 1 }, outcome: 'REFUSED', reason: 'why', requestId: 'r', prevHash: GENESIS_HASH, hash: 'h',
    };
    expect(toAuditRecord(row as Parameters<typeof toAuditRecord>[0])).toEqual(row);
  });

  it('keeps optional fields that are given, cleaned the same way', () => {
    const stored = normaliseEvent({
      actorKind: 'SUPPLIER_APP', actorId: 'app-1', supplierId: 'sup\u0000', appId: 'app-1', pluginId: null, practiceOds: 'Z91001', nhsNumber: '9990000018',
      operation: 'READ_PATIENT_RECORD', detail: { k: 'v' }, outcome: 'ALLOWED', reason: 'why\uD800', requestId: 'r',
    });
    expect(stored).toMatchObject({ supplierId: 'sup\uFFFD', appId: 'app-1', pluginId: null, practiceOds: 'Z91001', nhsNumber: '9990000018', reason: 'why\uFFFD', detail: { k: 'v' } });
  });

  it('stores NUL and lone surrogates as replacement characters, and optional fields as null', () => {
    const stored = normaliseEvent({
      actorKind: 'ANONYMOUS',
      actorId: 'a\u0000b',
      operation: 'op\uD800',
      detail: { q: 'x\uDC00y', n: 1, ok: '\uD83D\uDE00' },
      outcome: 'REFUSED',
      requestId: 'r',
    });
    expect(stored).toEqual({
      actorKind: 'ANONYMOUS', actorId: 'a\uFFFDb', supplierId: null, appId: null, pluginId: null, practiceOds: null, nhsNumber: null,
      operation: 'op\uFFFD', detail: { q: 'x\uFFFDy', n: 1, ok: '\uD83D\uDE00' }, outcome: 'REFUSED', reason: null, requestId: 'r',
    });
  });
});
