// Sending, filing and rejecting documents. Each success commits the document change, its audit
// event and its domain event in one transaction; each refusal is audited on its own and leaves the
// documents and the outbox untouched.
import type { AuditOperation } from '../audit/operations.js';
import type { Db, DbOrTx } from '../../db/client.js';
import type { Actor } from '../actors.js';
import { isPracticeUser } from '../actors.js';
import { appendAuditEvents, type AuditTx } from '../audit/append.js';
import type { AuditEventInput } from '../audit/event.js';
import { auditWho } from '../events/actor-audit.js';
import type { EventType } from '../events/catalogue.js';
import { recordEvent } from '../events/outbox.js';
import { sortableId } from '../ids.js';
import type { PracticeRecord } from '../practices.js';
import { checkContent, MIME_TYPES } from './content.js';
import { documentAt, insertDocument, lockDocument, recordReview } from './repository.js';
import { rejectionReasonProblem, reviewProblem, titleProblem, type ReviewOutcome, type SentDocument } from './rules.js';

export interface DocumentContext {
  db: Db;
  actor: Actor;
  requestId: string;
  /** The practice the patient is registered with (send) or the document belongs to (review, read). */
  practice: PracticeRecord;
}

export type DocumentRefusalCode =
  | 'VALIDATION_FAILED'
  | 'DOCUMENT_TOO_LARGE'
  | 'INVALID_BASE64'
  | 'UNSUPPORTED_DOCUMENT_TYPE'
  | 'DOCUMENT_NOT_FOUND'
  | 'INVALID_TRANSITION'
  | 'NOT_SUPPORTED';

export class DocumentRefused {
  constructor(
    readonly code: DocumentRefusalCode,
    readonly message: string,
  ) {}
}

/**
 * Only the sandbox connector keeps the record in our own store. GP Connect offers third parties no
 * interaction that files a document into the record (a real deployment sends it by MESH instead),
 * so on such a practice a document is refused before it is stored: see README, "Send a document".
 */
export const filesIntoRecord = (practice: PracticeRecord) => practice.connector === 'sandbox';

const notFiledHere = (practice: PracticeRecord) =>
  new DocumentRefused('NOT_SUPPORTED', `Practice ${practice.odsCode} is served by GP Connect, which has no document filing for third parties; send it to the practice by MESH.`);

/** The document's public facts, as events and webhooks carry them (never the content). */
export function documentData(d: SentDocument): Record<string, unknown> {
  return {
    documentId: d.id,
    practiceOdsCode: d.practiceOds,
    nhsNumber: d.nhsNumber,
    title: d.title,
    contentType: MIME_TYPES[d.contentType],
    sizeBytes: d.sizeBytes,
    sha256: d.sha256,
    status: d.status,
    senderAppId: d.senderAppId,
    sentAt: d.sentAt.toISOString(),
    reviewedBy: d.reviewedByName,
    reviewedAt: d.reviewedAt?.toISOString() ?? null,
    rejectionReason: d.rejectionReason,
  };
}

function auditOf(ctx: DocumentContext, operation: AuditOperation, nhsNumber: string | null, detail: Record<string, unknown>) {
  return (outcome: 'ALLOWED' | 'REFUSED', reason: string | null): AuditEventInput => ({
    ...auditWho(ctx.actor),
    ...(ctx.actor.kind === 'PLUGIN_RUN' ? { actorKind: 'PLUGIN_RUN', actorId: ctx.actor.runId, supplierId: ctx.actor.supplierId } : {}),
    practiceOds: ctx.practice.odsCode,
    nhsNumber,
    operation,
    detail,
    outcome,
    reason,
    requestId: ctx.requestId,
  });
}

async function refuse(ctx: DocumentContext, audit: ReturnType<typeof auditOf>, refusal: DocumentRefused): Promise<DocumentRefused> {
  await ctx.db.transaction((tx) => appendAuditEvents(tx, [audit('REFUSED', `${refusal.code}: ${refusal.message}`)]));
  return refusal;
}

async function commit(tx: DbOrTx, ctx: DocumentContext, audit: ReturnType<typeof auditOf>, type: EventType, doc: SentDocument) {
  // The audit goes last: it holds the chain's head until the commit, and every appender waits for it.
  await recordEvent(tx, { type, practiceOds: doc.practiceOds, nhsNumber: doc.nhsNumber, supplierId: doc.supplierId, appId: doc.senderAppId, data: documentData(doc), requestId: ctx.requestId });
  await appendAuditEvents(tx as AuditTx, [audit('ALLOWED', null)]);
}

export interface SendRequest {
  nhsNumber: string;
  title: string;
  contentBase64: string;
}

/** A supplier app (or a plugin run) sends a document for a patient registered at ctx.practice. */
export async function sendDocument(ctx: DocumentContext, request: SendRequest): Promise<SentDocument | DocumentRefused> {
  const detail: Record<string, unknown> = { base64Chars: request.contentBase64.length, titleChars: request.title.length };
  const audit = auditOf(ctx, 'SEND_DOCUMENT', request.nhsNumber, detail);
  const actor = ctx.actor;
  if (actor.kind !== 'SUPPLIER_APP' && actor.kind !== 'PLUGIN_RUN') return refuse(ctx, audit, new DocumentRefused('VALIDATION_FAILED', 'Documents are sent by supplier apps.'));
  if (!filesIntoRecord(ctx.practice)) return refuse(ctx, audit, notFiledHere(ctx.practice));
  const badTitle = titleProblem(request.title);
  if (badTitle) return refuse(ctx, audit, new DocumentRefused(badTitle.code, badTitle.message));
  const content = checkContent(request.contentBase64);
  if ('code' in content) return refuse(ctx, audit, new DocumentRefused(content.code, content.message));
  const id = sortableId('doc');
  Object.assign(detail, { documentId: id, contentType: content.contentType, sizeBytes: content.bytes.length, sha256: content.sha256 });
  return ctx.db.transaction(async (tx) => {
    const doc = await insertDocument(tx, {
      id,
      practiceOds: ctx.practice.odsCode,
      nhsNumber: request.nhsNumber,
      senderAppId: actor.kind === 'SUPPLIER_APP' ? actor.appId : null,
      supplierId: actor.supplierId,
      sentBy: actor.kind === 'SUPPLIER_APP' ? actor.appId : actor.runId,
      title: request.title,
      contentType: content.contentType,
      sha256: content.sha256,
      sizeBytes: content.bytes.length,
      contentBase64: request.contentBase64,
    });
    await commit(tx, ctx, audit, 'document.received', doc);
    return doc;
  });
}

export interface ReviewRequest {
  documentId: string;
  outcome: ReviewOutcome;
  /** Required to reject; ignored when filing. */
  reason: string | null;
}

/** A practice user of the document's practice files it into the record or rejects it. */
export async function reviewDocument(ctx: DocumentContext, request: ReviewRequest): Promise<SentDocument | DocumentRefused> {
  const operation = request.outcome === 'FILED' ? 'FILE_DOCUMENT' : 'REJECT_DOCUMENT';
  const detail: Record<string, unknown> = { documentId: request.documentId, ...(request.outcome === 'REJECTED' ? { reason: request.reason } : {}) };
  const actor = ctx.actor;
  const known = await documentAt(ctx.db, ctx.practice.odsCode, request.documentId);
  const audit = auditOf(ctx, operation, known?.nhsNumber ?? null, detail);
  if (!isPracticeUser(actor) || actor.practiceOds !== ctx.practice.odsCode || !known) {
    return refuse(ctx, audit, new DocumentRefused('DOCUMENT_NOT_FOUND', 'No such document at this practice.'));
  }
  if (request.outcome === 'REJECTED') {
    const bad = rejectionReasonProblem(request.reason ?? '');
    if (bad) return refuse(ctx, audit, new DocumentRefused(bad.code, bad.message));
  }
  const outcome = await ctx.db.transaction(async (tx) => {
    const doc = await lockDocument(tx, ctx.practice.odsCode, request.documentId);
    if (!doc) return new DocumentRefused('DOCUMENT_NOT_FOUND', 'No such document at this practice.');
    const illegal = reviewProblem(doc.status, request.outcome);
    if (illegal) return new DocumentRefused(illegal.code, illegal.message);
    // A practice moved to GP Connect after the document arrived: it can still be rejected, not filed.
    if (request.outcome === 'FILED' && !filesIntoRecord(ctx.practice)) return notFiledHere(ctx.practice);
    const reviewed = await recordReview(tx, doc.id, {
      status: request.outcome,
      reviewedBy: actor.id,
      reviewedByName: actor.name,
      reason: request.outcome === 'REJECTED' ? request.reason : null,
      at: new Date(),
    });
    await commit(tx, ctx, audit, request.outcome === 'FILED' ? 'document.filed' : 'document.rejected', reviewed);
    return reviewed;
  });
  return outcome instanceof DocumentRefused ? refuse(ctx, audit, outcome) : outcome;
}

/**
 * Who may read one document: the users of its practice, and the app that sent it (its status, not
 * its content: the permission map gives content to practice users only). Anyone else is told it
 * does not exist, exactly as for an id that names nothing.
 */
export function mayReadDocument(actor: Actor, doc: SentDocument): boolean {
  if (isPracticeUser(actor)) return actor.practiceOds === doc.practiceOds;
  return actor.kind === 'SUPPLIER_APP' && doc.senderAppId === actor.appId;
}
