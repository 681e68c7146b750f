// Reading the audit trail: newest first, filtered by practice, patient, supplier, time or outcome.
import { and, asc, desc, eq, gt, gte, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditEvents } from '../../db/schema/audit.js';
import type { PageRequest } from '../practices.js';
import { toAuditRecord, type AuditOutcome, type AuditRecord } from './event.js';

export interface AuditFilter {
  practiceOds?: string | undefined;
  nhsNumber?: string | undefined;
  supplierId?: string | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
  outcome?: AuditOutcome | undefined;
}

export class InvalidAuditCursorError extends Error {
  readonly code = 'INVALID_CURSOR';
  constructor(cursor: string) {
    super(`Not an audit cursor: ${JSON.stringify(cursor)}.`);
  }
}

function seqOf(cursor: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(cursor)) throw new InvalidAuditCursorError(cursor);
  return Number(cursor);
}

/** Cursor of a listed event (its seq). */
export const auditCursor = (record: AuditRecord) => String(record.seq);

/**
 * A keyset page, newest first: `after` a cursor means older events, `before` means newer ones;
 * `inverted` walks the same order backwards (oldest first), as the connection helper expects.
 */
export async function listAuditEvents(db: DbOrTx, filter: AuditFilter, page: PageRequest): Promise<AuditRecord[]> {
  const rows = await db
    .select()
    .from(auditEvents)
    .where(
      and(
        filter.practiceOds !== undefined ? eq(auditEvents.practiceOds, filter.practiceOds) : undefined,
        filter.nhsNumber !== undefined ? eq(auditEvents.nhsNumber, filter.nhsNumber) : undefined,
        filter.supplierId !== undefined ? eq(auditEvents.supplierId, filter.supplierId) : undefined,
        filter.from ? gte(auditEvents.at, filter.from) : undefined,
        filter.to ? lt(auditEvents.at, filter.to) : undefined,
        filter.outcome ? eq(auditEvents.outcome, filter.outcome) : undefined,
        page.after !== undefined ? lt(auditEvents.seq, seqOf(page.after)) : undefined,
        page.before !== undefined ? gt(auditEvents.seq, seqOf(page.before)) : undefined,
      ),
    )
    .orderBy(page.inverted ? asc(auditEvents.seq) : desc(auditEvents.seq))
    .limit(page.limit);
  return rows.map(toAuditRecord);
}

/** The practice an event is about (null: none; undefined: no such event). */
export async function auditEventPractice(db: DbOrTx, seq: number): Promise<string | null | undefined> {
  if (!Number.isSafeInteger(seq) || seq < 1) return undefined;
  const [row] = await db.select({ practiceOds: auditEvents.practiceOds }).from(auditEvents).where(eq(auditEvents.seq, seq));
  return row ? row.practiceOds : undefined;
}
