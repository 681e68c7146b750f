// The review of a sent document: it waits in the practice's queue until a practice user files it
// into the patient's record or rejects it with a reason. Both are final.
import type { DocumentContentType } from './content.js';

export const DOCUMENT_STATUSES = ['AWAITING_REVIEW', 'FILED', 'REJECTED'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export type ReviewOutcome = Exclude<DocumentStatus, 'AWAITING_REVIEW'>;

export const MAX_TITLE = 200;
export const MAX_REJECTION_REASON = 500;

export interface SentDocument {
  id: string;
  practiceOds: string;
  nhsNumber: string;
  senderAppId: string | null;
  supplierId: string | null;
  sentBy: string;
  title: string;
  contentType: DocumentContentType;
  sizeBytes: number;
  sha256: string;
  status: DocumentStatus;
  rejectionReason: string | null;
  reviewedBy: string | null;
  reviewedByName: string | null;
  reviewedAt: Date | null;
  sentAt: Date;
}

export type DocumentRefusal = { code: 'VALIDATION_FAILED' | 'INVALID_TRANSITION'; message: string };

export function titleProblem(title: string): DocumentRefusal | null {
  if (!title.trim()) return { code: 'VALIDATION_FAILED', message: 'A document needs a title.' };
  return title.length > MAX_TITLE ? { code: 'VALIDATION_FAILED', message: `A title is at most ${MAX_TITLE} characters.` } : null;
}

export function rejectionReasonProblem(reason: string): DocumentRefusal | null {
  if (!reason.trim()) return { code: 'VALIDATION_FAILED', message: 'A rejection needs a reason the sender can act on.' };
  return reason.length > MAX_REJECTION_REASON ? { code: 'VALIDATION_FAILED', message: `A rejection reason is at most ${MAX_REJECTION_REASON} characters.` } : null;
}

/** Only a document awaiting review can be filed or rejected, once. */
export function reviewProblem(status: DocumentStatus, to: ReviewOutcome): DocumentRefusal | null {
  if (status === 'AWAITING_REVIEW') return null;
  const verb = to === 'FILED' ? 'filed' : 'rejected';
  return { code: 'INVALID_TRANSITION', message: `The document is already ${status === 'FILED' ? 'filed' : 'rejected'}; it cannot be ${verb}.` };
}
