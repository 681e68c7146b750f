// Appending to the chain inside the caller's transaction, so a governance change and its audit
// commit or roll back together. A rolled-back append leaves no gap: the next one reuses its seq.
// The request path's group-commit writer appends in ONE statement while it knows the head
// (appendIfHeadIs), tries once more from where the head went when another appender moved it, and
// then appends in a transaction as above.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { preparedSql, rowsOf } from '../../db/prepared.js';
import { auditEvents, auditHead } from '../../db/schema/audit.js';
import { auditHash, GENESIS_HASH, normaliseEvent, type AuditEvent, type AuditRecord, type NormalisedEvent } from './event.js';

/** A transaction (not a bare Db): the locks on the head must live as long as the caller's change. */
export type AuditTx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Fixed advisory-lock key serialising the appends that start the chain ("audit" in ASCII). */
export const AUDIT_LOCK_KEY = 0x61_75_64_69_74;
const HEAD_ID = 'main';
// PostgreSQL allows 65535 bind parameters per statement; 17 columns x 2000 rows stays below it.
const ROWS_PER_INSERT = 2000;

/** Where the chain ends: the last event's seq and hash (seq 0 and the genesis hash when empty). */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** Links stored-form events onto the head: consecutive seqs, each hash over the previous one, one shared time. */
function link(head: AuditHead, events: readonly NormalisedEvent[]): AuditRecord[] {
  let seq = head.seq;
  let prevHash = head.hash;
  const at = new Date();
  return events.map((event): AuditRecord => {
    seq += 1;
    const unhashed = { seq, id: randomUUID(), at, ...event, prevHash };
    const record = { ...unhashed, hash: auditHash(unhashed) };
    prevHash = record.hash;
    return record;
  });
}

const headOf = (records: readonly AuditRecord[], before: AuditHead): AuditHead => {
  const last = records[records.length - 1];
  return last ? { seq: last.seq, hash: last.hash } : before;
};

/**
 * Appends inside the caller's transaction, holding the chain's head from here until that
 * transaction ends: every other appender queues for it meanwhile, so the caller should append
 * last, just before its commit. Two statements: lock and read the head row, then the
 * single-statement append onto it (which cannot miss, the row being locked).
 */
export async function appendAuditEvents(tx: AuditTx, events: readonly AuditEvent[]): Promise<AuditRecord[]> {
  if (events.length === 0) return [];
  const normalised = events.map(normaliseEvent);
  let head = await lockHead(tx);
  if (!head) {
    // An empty chain has no head row to lock yet: its first appenders queue on the advisory lock.
    // Only an appender holding no head row takes it, so the two locks cannot deadlock.
    await tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(String(AUDIT_LOCK_KEY))})`);
    head = await lockHead(tx);
  }
  const start = head ?? { seq: 0, hash: GENESIS_HASH };
  if (head) {
    const appended = (await appendIfHeadIs(tx, head, normalised)).records;
    if (appended) return appended; // null only for a batch too large for one statement
  }
  const records = link(start, normalised);
  for (let i = 0; i < records.length; i += ROWS_PER_INSERT) {
    await tx.insert(auditEvents).values(records.slice(i, i + ROWS_PER_INSERT));
  }
  const { seq, hash } = headOf(records, start);
  await tx
    .insert(auditHead)
    .values({ id: HEAD_ID, seq, hash })
    .onConflictDoUpdate({ target: auditHead.id, set: { seq, hash } });
  return records;
}

/** The head row, locked until the transaction ends (a single-statement append waits for it too). */
async function lockHead(tx: AuditTx): Promise<AuditHead | null> {
  const [row] = await tx.select().from(auditHead).where(eq(auditHead.id, HEAD_ID)).for('update');
  return row ? { seq: row.seq, hash: row.hash } : null;
}

const readHeadStatement = preparedSql<Record<string, never>>('audit_read_head', sql`select "seq", "hash" from "audit_head" where "id" = ${HEAD_ID}`);

/**
 * Where the chain ends as committed now, read without a lock: for an appender whose remembered head
 * another appender moved (a governance transaction, another replica), to try appendIfHeadIs again.
 */
export async function readAuditHead(db: Db): Promise<AuditHead> {
  const [row] = await rowsOf<{ seq: number | string; hash: string }>(readHeadStatement(db).execute({}));
  return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** Most events appendIfHeadIs writes in its one statement; larger appends take the locked path. */
export const MAX_SINGLE_STATEMENT_EVENTS = ROWS_PER_INSERT;

/** Prepared: the request path runs it for every batch of audit events. */
const appendIfHeadIsStatement = preparedSql<{ seq: number; hash: string; expectedSeq: number; expectedHash: string; rows: string }>('audit_append_if_head_is', sql`
    with moved as (
      update "audit_head" set "seq" = ${sql.placeholder('seq')}, "hash" = ${sql.placeholder('hash')}
      where "id" = ${HEAD_ID} and "seq" = ${sql.placeholder('expectedSeq')} and "hash" = ${sql.placeholder('expectedHash')}
      returning 1
    ), added as (
      insert into "audit_events" ("seq", "id", "at", "actor_kind", "actor_id", "supplier_id", "app_id", "plugin_id", "practice_ods",
        "nhs_number", "operation", "detail", "outcome", "reason", "request_id", "prev_hash", "hash")
      select v.* from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as v("seq" bigint, "id" text, "at" timestamptz, "actor_kind" text,
        "actor_id" text, "supplier_id" text, "app_id" text, "plugin_id" text, "practice_ods" text, "nhs_number" text, "operation" text,
        "detail" jsonb, "outcome" text, "reason" text, "request_id" text, "prev_hash" text, "hash" text), moved
      returning 1
    )
    select (select count(*)::int from added) as inserted, h."seq", h."hash"
    from (select 1) as one left join "audit_head" as h on h."id" = ${HEAD_ID}`);

/** What appendIfHeadIs did: the records it appended, or none and where the chain ended as it saw it. */
export type AppendAttempt = { records: AuditRecord[]; seen?: undefined } | { records: null; seen: AuditHead | null };

/**
 * The same append as one autocommitted statement, for an appender that remembers where the chain
 * ended: the head moves from `expected` to the new last event and the events are inserted only if
 * the head still is `expected` (compare and swap on the locked head row). If another appender
 * moved the head first, nothing is written, and `seen` is the head as committed when the statement
 * began, to try again from without reading it (null for a batch too large for one statement).
 * The events come in stored form: the writer normalises each caller's events as it accepts them.
 */
export async function appendIfHeadIs(db: DbOrTx, expected: AuditHead, events: readonly NormalisedEvent[]): Promise<AppendAttempt> {
  if (events.length === 0) return { records: [] };
  if (events.length > MAX_SINGLE_STATEMENT_EVENTS) return { records: null, seen: null };
  const records = link(expected, events);
  const next = headOf(records, expected);
  // The rows travel as ONE JSON parameter: cheaper to build and to parse than 17 per event.
  const rows = JSON.stringify(
    records.map((r) => ({
      seq: r.seq, id: r.id, at: r.at.toISOString(), actor_kind: r.actorKind, actor_id: r.actorId, supplier_id: r.supplierId,
      app_id: r.appId, plugin_id: r.pluginId, practice_ods: r.practiceOds, nhs_number: r.nhsNumber, operation: r.operation,
      detail: r.detail, outcome: r.outcome, reason: r.reason, request_id: r.requestId, prev_hash: r.prevHash, hash: r.hash,
    })),
  );
  const [row] = await rowsOf<{ inserted: number; seq: number | string | null; hash: string | null }>(
    appendIfHeadIsStatement(db).execute({ seq: next.seq, hash: next.hash, expectedSeq: expected.seq, expectedHash: expected.hash, rows }),
  );
  if (Number(row?.inserted) === records.length) return { records };
  return { records: null, seen: row?.hash ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH } };
}
