// Collects every access decision of one request (allowed or refused), one entry per patient or
// practice and outcome, so the audit trail gets a handful of events per request, not one per field.
import type { Actor } from '../domain/actors.js';
import type { AuditEventInput } from '../domain/audit/event.js';
import type { AuditOperationName } from '../domain/audit/operations.js';

export interface AccessNote {
  operation: AuditOperationName;
  practiceOds: string | null;
  nhsNumber: string | null;
  /** The field or section asked for. */
  field: string;
  outcome: 'ALLOWED' | 'REFUSED' | 'FAILED';
  reason?: string | null;
}

interface Entry {
  note: AccessNote;
  fields: Set<string>;
}

export class AccessLog {
  private readonly entries = new Map<string, Entry>();
  /** The entry noted last: a patient's fields are noted one after another, so most notes join it. */
  private last: Entry | null = null;

  constructor(
    private readonly actor: Actor,
    private readonly requestId: string,
  ) {}

  note(note: AccessNote): void {
    const last = this.last?.note;
    if (
      last &&
      last.operation === note.operation &&
      last.practiceOds === note.practiceOds &&
      last.nhsNumber === note.nhsNumber &&
      last.outcome === note.outcome &&
      (last.reason ?? '') === (note.reason ?? '')
    ) {
      this.last!.fields.add(note.field);
      return;
    }
    const key = `${note.operation}|${note.practiceOds}|${note.nhsNumber}|${note.outcome}|${note.reason ?? ''}`;
    let entry = this.entries.get(key);
    if (entry) entry.fields.add(note.field);
    else this.entries.set(key, (entry = { note, fields: new Set([note.field]) }));
    this.last = entry;
  }

  get size(): number {
    return this.entries.size;
  }

  events(): AuditEventInput[] {
    const a = this.actor;
    const who =
      a.kind === 'PERSON'
        ? { actorKind: 'PERSON' as const, actorId: a.id, supplierId: null, appId: null }
        : a.kind === 'SUPPLIER_APP'
          ? { actorKind: 'SUPPLIER_APP' as const, actorId: a.appId, supplierId: a.supplierId, appId: a.appId }
          : a.kind === 'PLUGIN_RUN'
            ? { actorKind: 'PLUGIN_RUN' as const, actorId: a.runId, supplierId: a.supplierId, appId: null, pluginId: a.versionId }
            : { actorKind: 'ANONYMOUS' as const, actorId: 'anonymous', supplierId: null, appId: null };
    return [...this.entries.values()].map(({ note, fields }) => ({
      ...who,
      practiceOds: note.practiceOds,
      nhsNumber: note.nhsNumber,
      operation: note.operation,
      detail: { fields: [...fields].sort() },
      outcome: note.outcome,
      reason: note.reason ?? null,
      requestId: this.requestId,
    }));
  }
}
