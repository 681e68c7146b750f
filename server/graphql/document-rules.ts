// Permission rules for documents (see permissions.ts). Sending is decided like a read of the
// patient: a caller who may not send for this patient is answered PATIENT_NOT_FOUND by the
// resolver, exactly as for a number registered nowhere, while the audit keeps the true reason.
import type { AuditOperation } from '../domain/audit/operations.js';
import type { GraphQLResolveInfo } from 'graphql';
import { rule } from 'graphql-shield';
import { isPracticeUser } from '../domain/actors.js';
import type { Decision, PracticeFacts } from '../domain/access.js';
import type { SentDocument } from '../domain/documents/rules.js';
import { DOCUMENT_READ_SCOPE, DOCUMENT_SEND_SCOPE } from '../domain/scopes.js';
import type { GraphQLContext } from './context.js';
import { decideForPractice, noted } from './permission-rules.js';
import { locatePatient } from './schema/patient.js';

const opened = new WeakMap<object, Set<string>>();

/** Whether the sendDocument rule let this request send for this NHS number. */
export const maySendFor = (ctx: object, nhsNumber: string) => opened.get(ctx)?.has(nhsNumber) ?? false;

const practiceUserOf = (ctx: GraphQLContext, odsCode: string): Decision =>
  isPracticeUser(ctx.actor) && ctx.actor.practiceOds === odsCode ? { allowed: true } : { allowed: false, reason: `Only users of practice ${odsCode} review and read its documents.` };

export const canSendDocument = rule({ cache: 'no_cache' })(async (_, args: { input: { nhsNumber: string } }, ctx: GraphQLContext, info: GraphQLResolveInfo) => {
  if (ctx.actor.kind === 'ANONYMOUS') return noted(ctx, info, 'SEND_DOCUMENT', null, null, { allowed: false, reason: 'Authentication required.' });
  if (ctx.actor.kind === 'PERSON') return noted(ctx, info, 'SEND_DOCUMENT', null, null, { allowed: false, reason: 'Documents are sent by supplier apps.' });
  const located = await locatePatient(ctx, args.input.nhsNumber);
  if (!('practice' in located)) {
    noted(ctx, info, 'SEND_DOCUMENT', null, null, { allowed: false, reason: located.code === 'PATIENT_NOT_FOUND' ? 'No patient is registered with this NHS number.' : 'Not a valid NHS number.' });
    return true; // the resolver answers with the typed error
  }
  const decision = await decideForPractice(ctx, located.practice, DOCUMENT_SEND_SCOPE);
  noted(ctx, info, 'SEND_DOCUMENT', located.practice.odsCode, located.nhsNumber, decision);
  if (decision.allowed) opened.set(ctx, (opened.get(ctx) ?? new Set()).add(located.nhsNumber));
  return true;
});

/** fileDocument, rejectDocument: a user of the practice named in `practiceOdsCode`. */
export const canReviewDocument = (operation: AuditOperation) =>
  rule({ cache: 'no_cache' })((_, args: { practiceOdsCode: string }, ctx: GraphQLContext, info: GraphQLResolveInfo) =>
    noted(ctx, info, operation, args.practiceOdsCode, null, ctx.actor.kind === 'ANONYMOUS' ? { allowed: false, reason: 'Authentication required.' } : practiceUserOf(ctx, args.practiceOdsCode)),
  );

/**
 * Query.document: the practice's users, or an app that may send or read documents there (the
 * resolver then shows it only documents it sent; any other id is DOCUMENT_NOT_FOUND).
 */
export const canReadDocument = rule({ cache: 'no_cache' })(async (_, args: { practiceOdsCode: string }, ctx: GraphQLContext, info: GraphQLResolveInfo) => {
  const actor = ctx.actor;
  if (actor.kind === 'ANONYMOUS') return noted(ctx, info, 'READ_DOCUMENT', null, null, { allowed: false, reason: 'Authentication required.' });
  if (actor.kind === 'PERSON') return noted(ctx, info, 'READ_DOCUMENT', args.practiceOdsCode, null, practiceUserOf(ctx, args.practiceOdsCode));
  const practice = await ctx.loaders.practice.load(args.practiceOdsCode);
  if (!practice) return true; // the resolver's PracticeNotFound
  const send = await decideForPractice(ctx, practice, DOCUMENT_SEND_SCOPE);
  return noted(ctx, info, 'READ_DOCUMENT', practice.odsCode, null, send.allowed ? send : await decideForPractice(ctx, practice, DOCUMENT_READ_SCOPE));
});

/** Practice.documents: the review queue, for the practice's own users. */
export const canReadReviewQueue = rule({ cache: 'no_cache' })((practice: PracticeFacts, _, ctx: GraphQLContext, info: GraphQLResolveInfo) =>
  noted(ctx, info, 'LIST_DOCUMENTS', practice.odsCode, null, ctx.actor.kind === 'ANONYMOUS' ? { allowed: false, reason: 'Authentication required.' } : practiceUserOf(ctx, practice.odsCode)),
);

/** Document.contentBase64: the bytes, for the users of the document's practice only. */
export const canReadDocumentContent = rule({ cache: 'no_cache' })((doc: SentDocument, _, ctx: GraphQLContext, info: GraphQLResolveInfo) =>
  noted(ctx, info, 'READ_DOCUMENT_CONTENT', doc.practiceOds, doc.nhsNumber, practiceUserOf(ctx, doc.practiceOds)),
);
