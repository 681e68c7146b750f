// SQL for sent documents: the queue, the patient's filed documents, and the locked row a review
// changes. Nothing here decides who may do what; service.ts does.
import { and, asc, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { documents } from '../../db/schema/events.js';
import type { PageRequest } from '../practices.js';
import type { DocumentContentType } from './content.js';
import type { DocumentStatus, ReviewOutcome, SentDocument } from './rules.js';

type Row = typeof documents.$inferSelect;

/** Every column but the content: metadata reads never load the bytes. */
const META = {
  id: documents.id,
  practiceOds: documents.practiceOds,
  nhsNumber: documents.nhsNumber,
  senderAppId: documents.senderAppId,
  supplierId: documents.supplierId,
  sentBy: documents.sentBy,
  title: documents.title,
  contentType: documents.contentType,
  sizeBytes: documents.sizeBytes,
  sha256: documents.sha256,
  status: documents.status,
  reviewReason: documents.reviewReason,
  reviewedBy: documents.reviewedBy,
  reviewedByName: documents.reviewedByName,
  reviewedAt: documents.reviewedAt,
  createdAt: documents.createdAt,
};

function toDocument(row: Omit<Row, 'content'>): SentDocument {
  return {
    id: row.id,
    practiceOds: row.practiceOds,
    nhsNumber: row.nhsNumber,
    senderAppId: row.senderAppId,
    supplierId: row.supplierId,
    sentBy: row.sentBy,
    title: row.title,
    contentType: row.contentType as DocumentContentType,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    status: row.status as DocumentStatus,
    rejectionReason: row.reviewReason,
    reviewedBy: row.reviewedBy,
    reviewedByName: row.reviewedByName,
    reviewedAt: row.reviewedAt,
    sentAt: row.createdAt,
  };
}

/** A document as it is first stored: what it was sent with, before any review. */
export type NewDocument = Omit<SentDocument, 'status' | 'rejectionReason' | 'reviewedBy' | 'reviewedByName' | 'reviewedAt' | 'sentAt'> & {
  /** Checked strict base64 of the bytes: the database decodes it (a bytea parameter is slow to pass to PGlite). */
  contentBase64: string;
};

export async function insertDocument(tx: DbOrTx, { contentBase64, ...doc }: NewDocument): Promise<SentDocument> {
  const [row] = await tx
    .insert(documents)
    .values({ ...doc, content: sql`decode(${contentBase64}, 'base64')`, status: 'AWAITING_REVIEW', createdAt: new Date() })
    .returning(META);
  return toDocument(row!);
}

export async function documentAt(db: DbOrTx, practiceOds: string, id: string): Promise<SentDocument | null> {
  const [row] = await db.select(META).from(documents).where(and(eq(documents.id, id), eq(documents.practiceOds, practiceOds)));
  return row ? toDocument(row) : null;
}

/** The row a review changes, locked so two reviewers cannot both decide it. */
export async function lockDocument(tx: DbOrTx, practiceOds: string, id: string): Promise<SentDocument | null> {
  const [row] = await tx.select(META).from(documents).where(and(eq(documents.id, id), eq(documents.practiceOds, practiceOds))).for('update');
  return row ? toDocument(row) : null;
}

export async function recordReview(
  tx: DbOrTx,
  id: string,
  review: { status: ReviewOutcome; reviewedBy: string; reviewedByName: string; reason: string | null; at: Date },
): Promise<SentDocument> {
  const [row] = await tx
    .update(documents)
    .set({ status: review.status, reviewedBy: review.reviewedBy, reviewedByName: review.reviewedByName, reviewReason: review.reason, reviewedAt: review.at })
    .where(eq(documents.id, id))
    .returning(META);
  return toDocument(row!);
}

/** The practice's documents in one status, by id (which sorts by time sent). */
export async function documentPage(db: DbOrTx, practiceOds: string, status: DocumentStatus, page: PageRequest): Promise<SentDocument[]> {
  const rows = await db
    .select(META)
    .from(documents)
    .where(
      and(
        eq(documents.practiceOds, practiceOds),
        eq(documents.status, status),
        page.after ? gt(documents.id, page.after) : undefined,
        page.before ? lt(documents.id, page.before) : undefined,
      ),
    )
    .orderBy(page.inverted ? desc(documents.id) : asc(documents.id))
    .limit(page.limit);
  return rows.map(toDocument);
}

/** Filed documents of these patients at a practice (one statement for a whole request). */
export async function filedDocuments(db: DbOrTx, practiceOds: string, nhsNumbers: readonly string[]): Promise<Map<string, SentDocument[]>> {
  const found = new Map<string, SentDocument[]>(nhsNumbers.map((n) => [n, []]));
  if (nhsNumbers.length === 0) return found;
  const rows = await db
    .select(META)
    .from(documents)
    .where(and(eq(documents.practiceOds, practiceOds), inArray(documents.nhsNumber, [...nhsNumbers]), eq(documents.status, 'FILED')))
    .orderBy(desc(documents.reviewedAt), desc(documents.id));
  for (const row of rows) found.get(row.nhsNumber)?.push(toDocument(row));
  return found;
}

/** The bytes, base64 (without the line breaks encode() puts in), for a reader the permission map let through. */
export async function documentContentBase64(db: DbOrTx, id: string): Promise<string | null> {
  const [row] = await db
    .select({ content: sql<string>`translate(encode(${documents.content}, 'base64'), E'\n', '')` })
    .from(documents)
    .where(eq(documents.id, id));
  return row?.content ?? null;
}
