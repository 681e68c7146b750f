// Documents sent into a patient's record: the supplier app sends, the practice's review queue
// holds, a practice user files or rejects. Rules live in domain/documents; this file maps them.
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { maySendFor } from '../document-rules.js';
import { DOCUMENT_CONTENT_TYPES, MIME_TYPES } from '../../domain/documents/content.js';
import { documentAt, documentContentBase64, documentPage, filedDocuments } from '../../domain/documents/repository.js';
import { DOCUMENT_STATUSES, type SentDocument } from '../../domain/documents/rules.js';
import { DocumentRefused, mayReadDocument, reviewDocument, sendDocument, type DocumentContext } from '../../domain/documents/service.js';
import { normaliseOdsCode } from '../../domain/identifiers.js';
import { PATIENT_NOT_AVAILABLE } from '../patient-lookups.js';
import { errorRefs, resolveResultType, typedError, TypedError, type ErrorCode } from './errors.js';
import { keysetConnection } from './pagination.js';
import { locatePatient } from './patient.js';
import { PatientType, PracticeType } from './refs.js';

const DocumentStatusEnum = builder.enumType('DocumentStatus', {
  values: DOCUMENT_STATUSES,
  description: 'AWAITING_REVIEW in the practice queue; FILED into the patient\'s record; REJECTED with a reason.',
});
const DocumentContentTypeEnum = builder.enumType('DocumentContentType', { values: DOCUMENT_CONTENT_TYPES, description: 'Decided from the bytes, never from a name or a claimed type.' });

export const DocumentType = builder.objectRef<SentDocument>('Document').implement({
  description: "A document sent for a patient. The sending app sees its status; the practice's users see everything, content included.",
  fields: (t) => ({
    id: t.exposeString('id'),
    practiceOdsCode: t.exposeString('practiceOds'),
    nhsNumber: t.exposeString('nhsNumber'),
    title: t.exposeString('title'),
    contentType: t.field({ type: DocumentContentTypeEnum, resolve: (d) => d.contentType }),
    mimeType: t.string({ resolve: (d) => MIME_TYPES[d.contentType] }),
    sizeBytes: t.exposeInt('sizeBytes', { description: 'Decoded size in bytes.' }),
    sha256: t.exposeString('sha256', { description: 'SHA-256 of the decoded bytes, lower-case hex.' }),
    status: t.field({ type: DocumentStatusEnum, resolve: (d) => d.status }),
    senderAppId: t.exposeString('senderAppId', { nullable: true }),
    sentAt: t.field({ type: 'DateTime', resolve: (d) => d.sentAt }),
    reviewedBy: t.exposeString('reviewedByName', { nullable: true, description: 'The practice user who filed or rejected it.' }),
    reviewedAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => d.reviewedAt }),
    rejectionReason: t.exposeString('rejectionReason', { nullable: true }),
    contentBase64: t.string({
      nullable: true,
      description: "The document's bytes, base64. For the users of the document's practice only.",
      resolve: (d, _, ctx) => documentContentBase64(ctx.db, d.id),
    }),
  }),
});

const SendDocumentResult = builder.unionType('SendDocumentResult', {
  types: [DocumentType, errorRefs.ActionRefused, errorRefs.PatientNotFound, errorRefs.InvalidNhsNumber],
  resolveType: resolveResultType('Document'),
});

const DocumentResult = builder.unionType('DocumentResult', {
  types: [DocumentType, errorRefs.ActionRefused, errorRefs.DocumentNotFound, errorRefs.PracticeNotFound],
  resolveType: resolveResultType('Document'),
});

const SendDocumentInput = builder.inputType('SendDocumentInput', {
  fields: (t) => ({
    nhsNumber: t.string({ required: true }),
    title: t.string({ required: true, description: 'At most 200 characters.' }),
    contentBase64: t.string({ required: true, description: 'PDF or plain UTF-8 text, standard padded base64, at most 5 MB decoded.' }),
  }),
});

function answer(outcome: SentDocument | DocumentRefused): SentDocument | TypedError {
  if (!(outcome instanceof DocumentRefused)) return outcome;
  return outcome.code === 'DOCUMENT_NOT_FOUND' ? typedError('DocumentNotFound', 'DOCUMENT_NOT_FOUND') : new TypedError('ActionRefused', outcome.code as ErrorCode, outcome.message);
}

async function practiceContext(ctx: GraphQLContext, practiceOdsCode: string): Promise<DocumentContext | TypedError> {
  const odsCode = normaliseOdsCode(practiceOdsCode);
  const practice = odsCode ? await ctx.loaders.practice.load(odsCode) : null;
  if (!practice) return typedError('PracticeNotFound', 'PRACTICE_NOT_FOUND');
  return { db: ctx.db, actor: ctx.actor, requestId: ctx.requestId, practice };
}

builder.mutationField('sendDocument', (t) =>
  t.field({
    type: SendDocumentResult,
    description: "Sends a document for a patient into their practice's review queue (never straight into the record). Send an Idempotency-Key header to retry safely.",
    args: { input: t.arg({ type: SendDocumentInput, required: true }) },
    resolve: async (_, { input }, ctx) => {
      const located = await locatePatient(ctx, input.nhsNumber);
      const hidden = () => typedError('PatientNotFound', 'PATIENT_NOT_FOUND', PATIENT_NOT_AVAILABLE);
      if (!('practice' in located)) return located.code === 'PATIENT_NOT_FOUND' ? hidden() : located;
      // Refused by the permission rule (which audited why): the same answer as for no registration.
      if (!maySendFor(ctx, located.nhsNumber)) return hidden();
      const context = { db: ctx.db, actor: ctx.actor, requestId: ctx.requestId, practice: located.practice };
      return answer(await sendDocument(context, { nhsNumber: located.nhsNumber, title: input.title, contentBase64: input.contentBase64 }));
    },
  }),
);

builder.mutationField('fileDocument', (t) =>
  t.field({
    type: DocumentResult,
    description: "Files a document awaiting review into the patient's record, recording who filed it and when.",
    args: { practiceOdsCode: t.arg.string({ required: true }), documentId: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => {
      const context = await practiceContext(ctx, a.practiceOdsCode);
      if (context instanceof TypedError) return context;
      return answer(await reviewDocument(context, { documentId: a.documentId, outcome: 'FILED', reason: null }));
    },
  }),
);

builder.mutationField('rejectDocument', (t) =>
  t.field({
    type: DocumentResult,
    description: 'Rejects a document awaiting review, with a reason (at most 500 characters) the sender sees.',
    args: { practiceOdsCode: t.arg.string({ required: true }), documentId: t.arg.string({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => {
      const context = await practiceContext(ctx, a.practiceOdsCode);
      if (context instanceof TypedError) return context;
      return answer(await reviewDocument(context, { documentId: a.documentId, outcome: 'REJECTED', reason: a.reason }));
    },
  }),
);

builder.queryField('document', (t) =>
  t.field({
    type: DocumentResult,
    nullable: true,
    description: "One document by id: the practice's users see any of the practice's documents; an app sees only those it sent.",
    args: { practiceOdsCode: t.arg.string({ required: true }), documentId: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => {
      const context = await practiceContext(ctx, a.practiceOdsCode);
      if (context instanceof TypedError) return context;
      const doc = await documentAt(ctx.db, context.practice.odsCode, a.documentId);
      return doc && mayReadDocument(ctx.actor, doc) ? doc : typedError('DocumentNotFound', 'DOCUMENT_NOT_FOUND');
    },
  }),
);

builder.objectField(PracticeType, 'documents', (t) =>
  t.connection(
    {
      type: DocumentType,
      nullable: true,
      description: "The practice's documents in one status, oldest first: AWAITING_REVIEW is the review queue.",
      args: { status: t.arg({ type: DocumentStatusEnum, required: true, defaultValue: 'AWAITING_REVIEW' }) },
      resolve: (practice, args, ctx) => keysetConnection<SentDocument>(args, (d) => d.id, (page) => documentPage(ctx.db, practice.odsCode, args.status, page)),
    },
    { name: 'DocumentConnection' },
    { name: 'DocumentEdge' },
  ),
);

builder.objectField(PatientType, 'documents', (t) =>
  t.field({
    type: [DocumentType],
    description: "Documents filed into the patient's record, newest first, with who filed them and when.",
    resolve: async (patient, _, ctx) => (await filedDocuments(ctx.db, patient.practice.odsCode, [patient.nhsNumber])).get(patient.nhsNumber) ?? [],
  }),
);
