// The document review queue: documents apps sent for the practice's patients wait here until a
// practice user reads them (PDF in the page's frame, text in the page) and files each into the
// patient's record or rejects it with a reason the sender sees.
import type { SentDocument } from '../../api-types.js';
import { button, form, heading, insetText, pagination, summaryList, table, tag, textarea, type FieldError, type TagColour } from '../../components.js';
import { formatBytes, formatDateTime, formatNhsNumber } from '../../format.js';
import { html, type Html } from '../../html.js';
import { enumLabel } from '../../labels.js';
import { page, rawBody, redirect, type ConsoleNavItem, type ConsoleRequest, type ConsoleResult, type ConsoleRoute } from '../../routes.js';
import { formText, isRefused, problems, seg, type ApiRefusal } from '../common.js';

const BASE = '/console/practice/documents';
const PRACTICE_ROLES = ['PRACTICE_ADMIN', 'CLINICIAN'] as const;
const STATUSES = ['AWAITING_REVIEW', 'FILED', 'REJECTED'] as const;
const STATUS_COLOUR: Record<string, TagColour> = { AWAITING_REVIEW: 'blue', FILED: 'green', REJECTED: 'red' };
const PAGE_SIZE = 25;
/** The API's limit on a rejection reason. */
const REASON_MAX = 500;

/** The queue asks within one practice, so not for the practice. */
type Doc = Omit<SentDocument, 'practiceOdsCode'>;

const DOC_FIELDS = 'id nhsNumber title contentType mimeType sizeBytes sha256 status senderAppId sentAt reviewedBy reviewedAt rejectionReason';

const QUEUE = /* GraphQL */ `
  query Queue($odsCode: String!, $status: DocumentStatus!, $first: Int, $after: String) {
    practice(odsCode: $odsCode) {
      __typename
      ... on Practice { documents(status: $status, first: $first, after: $after) { edges { node { ${DOC_FIELDS} } } pageInfo { hasNextPage endCursor } } }
      ... on Error { code message }
    }
  }`;

const statusTag = (status: string) => tag(enumLabel('DocumentStatus', status), STATUS_COLOUR[status]);

async function queuePage(req: ConsoleRequest): Promise<ConsoleResult> {
  const asked = req.query.get('status') ?? 'AWAITING_REVIEW';
  const status = (STATUSES as readonly string[]).includes(asked) ? asked : 'AWAITING_REVIEW';
  const after = req.query.get('after');
  const data = await req.api<{ practice: (ApiRefusal & { documents?: { edges: { node: Doc }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }) | null }>(QUEUE, {
    odsCode: req.session.practiceOds ?? '',
    status,
    first: PAGE_SIZE,
    ...(after ? { after } : {}),
  });
  const documents = data.practice?.documents;
  if (!documents) {
    return page('Documents', html`${problems({ refusal: { code: data.practice?.code ?? 'PRACTICE_NOT_FOUND', message: data.practice?.message ?? 'Your sign-in names no practice on the platform.' } })}${heading('Documents')}`, { status: 404 });
  }
  const tabs = html`<nav class="nhsuk-u-margin-bottom-4" aria-label="Document status"><ul class="nhsuk-list console-nav__list">${STATUSES.map(
    (s) => html`<li class="console-nav__item"><a class="nhsuk-link" href="${BASE}?status=${s}"${s === status ? html` aria-current="page"` : null}>${enumLabel('DocumentStatus', s)}</a></li>`,
  )}</ul></nav>`;
  const rows = documents.edges.map(({ node: d }) => [
    html`<a class="nhsuk-link" href="${BASE}/${seg(d.id)}">${d.title}</a>`,
    formatNhsNumber(d.nhsNumber),
    html`${enumLabel('DocumentContentType', d.contentType)}<br><span class="nhsuk-body-s">${formatBytes(d.sizeBytes)}</span>`,
    formatDateTime(d.sentAt),
    status === 'AWAITING_REVIEW' ? statusTag(d.status) : html`${statusTag(d.status)}<br><span class="nhsuk-body-s">${formatDateTime(d.reviewedAt)}${d.reviewedBy ? ` by ${d.reviewedBy}` : ''}</span>`,
  ]);
  const empty = status === 'AWAITING_REVIEW' ? 'No documents are waiting for review.' : `No documents have been ${status === 'FILED' ? 'filed' : 'rejected'} yet.`;
  return page(
    'Documents',
    html`${heading('Documents', `Practice ${req.session.practiceOds ?? ''}`)}
      <p class="nhsuk-body">Documents that apps send for your patients wait here until someone at the practice reads them and files them into the patient’s record, or rejects them with a reason the sender sees.</p>
      ${tabs}
      ${table({ caption: enumLabel('DocumentStatus', status), id: 'documents', empty, head: ['Document', 'NHS number', 'Kind', 'Received', 'Status'], rows })}
      ${pagination({ nextHref: documents.pageInfo.hasNextPage && documents.pageInfo.endCursor ? `${BASE}?status=${status}&after=${encodeURIComponent(documents.pageInfo.endCursor)}` : null })}`,
  );
}

async function loadDocument(req: ConsoleRequest, withContent: boolean): Promise<{ doc: Doc | null; refusal: ApiRefusal | null }> {
  const data = await req.api<{ document: (ApiRefusal & Partial<Doc>) | null }>(
    `query Doc($odsCode: String!, $id: String!) { document(practiceOdsCode: $odsCode, documentId: $id) { __typename ... on Error { code message } ... on Document { ${DOC_FIELDS}${withContent ? ' contentBase64' : ''} } } }`,
    { odsCode: req.session.practiceOds ?? '', id: req.params.documentId! },
  );
  const result = data.document;
  if (!result || result.__typename !== 'Document') return { doc: null, refusal: result };
  return { doc: result as Doc, refusal: null };
}

function notFound(refusal: ApiRefusal | null): ConsoleResult {
  return page('Document not found', html`${heading('Document not found')}
    <p class="nhsuk-body">${refusal?.message ?? 'There is no document with this identifier at your practice.'}</p>
    <p class="nhsuk-body"><a class="nhsuk-link" href="${BASE}">Back to the review queue</a></p>`, { status: 404 });
}

function decodeText(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}

function viewer(doc: Doc): Html {
  const contentHref = `${BASE}/${seg(doc.id)}/content`;
  if (doc.contentType === 'PDF') {
    return html`<iframe class="console-document-frame" src="${contentHref}" title="${doc.title} (PDF)" width="100%" height="640"></iframe>
      <p class="nhsuk-body"><a class="nhsuk-link" href="${contentHref}" target="_blank" rel="noopener">Open the PDF on its own<span class="nhsuk-u-visually-hidden">: ${doc.title}</span> (opens in a new tab)</a></p>`;
  }
  return html`<pre class="console-code" data-testid="document-text" tabindex="0" aria-label="Text of ${doc.title}">${decodeText(doc.contentBase64 ?? '')}</pre>`;
}

interface ReviewState {
  reason?: string;
  errors?: FieldError[];
  refusal?: { code: string; message: string } | null;
}

async function documentPage(req: ConsoleRequest, state: ReviewState = {}): Promise<ConsoleResult> {
  const { doc, refusal } = await loadDocument(req, true);
  if (!doc) return notFound(refusal);
  const waiting = doc.status === 'AWAITING_REVIEW';
  const details = summaryList([
    { key: 'Status', value: statusTag(doc.status) },
    { key: 'Patient’s NHS number', value: formatNhsNumber(doc.nhsNumber) },
    { key: 'Received', value: formatDateTime(doc.sentAt) },
    { key: 'Sent by app', value: doc.senderAppId ? html`<code>${doc.senderAppId}</code>` : 'Unknown' },
    { key: 'Kind', value: `${enumLabel('DocumentContentType', doc.contentType)}, ${formatBytes(doc.sizeBytes)}` },
    ...(!waiting ? [{ key: doc.status === 'FILED' ? 'Filed' : 'Rejected', value: `${formatDateTime(doc.reviewedAt)}${doc.reviewedBy ? ` by ${doc.reviewedBy}` : ''}` }] : []),
    ...(doc.rejectionReason ? [{ key: 'Reason for rejecting', value: doc.rejectionReason }] : []),
    { key: 'SHA-256', value: html`<code class="console-hash">${doc.sha256}</code>` },
  ]);
  const decide = waiting
    ? html`<h2 class="nhsuk-heading-m">File into the record</h2>
        <p class="nhsuk-body">Filing puts the document into the record of the patient with NHS number ${formatNhsNumber(doc.nhsNumber)}, with your name and the time.</p>
        ${form({ action: `${BASE}/${seg(doc.id)}/file`, csrfToken: req.csrfToken, body: button({ text: 'File into the patient’s record' }) })}
        <h2 class="nhsuk-heading-m">Reject</h2>
        ${form({
          action: `${BASE}/${seg(doc.id)}/reject`,
          csrfToken: req.csrfToken,
          body: html`${textarea({
            name: 'reason',
            label: 'Why are you rejecting this document?',
            hint: `The sender sees this reason. For example: wrong patient, or not for this practice. At most ${REASON_MAX} characters.`,
            value: state.reason,
            error: state.errors?.find((e) => e.field === 'reason')?.message,
            rows: 3,
          })}
          ${button({ text: 'Reject document', variant: 'warning' })}`,
        })}`
    : insetText(html`<p>This document has been reviewed; there is nothing more to do. <a class="nhsuk-link" href="${BASE}">Back to the review queue</a>.</p>`);
  return page(
    doc.title,
    html`${problems({ refusal: state.refusal, errors: state.errors })}
      ${heading(doc.title, 'Document')}
      ${details}
      <h2 class="nhsuk-heading-m">The document</h2>
      ${viewer(doc)}
      ${decide}`,
    { breadcrumbs: [{ text: 'Documents', href: BASE }], status: state.errors?.length || state.refusal ? 400 : 200 },
  );
}

async function documentContent(req: ConsoleRequest): Promise<ConsoleResult> {
  const { doc, refusal } = await loadDocument(req, true);
  if (!doc) return notFound(refusal);
  const bytes = Buffer.from(doc.contentBase64 ?? '', 'base64');
  const type = doc.contentType === 'PDF' ? 'application/pdf' : 'text/plain; charset=utf-8';
  const filename = `${doc.title.replace(/[^A-Za-z0-9 ._-]/g, '_').slice(0, 80) || 'document'}.${doc.contentType === 'PDF' ? 'pdf' : 'txt'}`;
  return rawBody(new Uint8Array(bytes), type, {
    headers: {
      'content-disposition': `inline; filename="${filename}"`,
      // Shown in the console's own frame; Chromium's PDF viewer does not run in a sandboxed document,
      // so the PDF gets no sandbox but may run nothing and load nothing.
      ...(doc.contentType === 'PDF' ? { 'content-security-policy': "default-src 'none'; frame-ancestors 'self'" } : {}),
    },
  });
}

async function fileDocument(req: ConsoleRequest): Promise<ConsoleResult> {
  const result = await req.api<{ fileDocument: ApiRefusal & { title?: string; nhsNumber?: string } }>(
    'mutation File($odsCode: String!, $id: String!) { fileDocument(practiceOdsCode: $odsCode, documentId: $id) { __typename ... on Error { code message } ... on Document { title nhsNumber } } }',
    { odsCode: req.session.practiceOds ?? '', id: req.params.documentId! },
  );
  const outcome = result.fileDocument;
  if (isRefused(outcome, 'Document')) return documentPage(req, { refusal: { code: outcome.code, message: outcome.message } });
  return redirect(BASE, { kind: 'success', message: `“${outcome.title}” is filed into the record of ${formatNhsNumber(outcome.nhsNumber ?? '')}.` });
}

async function rejectDocument(req: ConsoleRequest): Promise<ConsoleResult> {
  const reason = formText(req.form, 'reason');
  const errors: FieldError[] = [];
  if (!reason) errors.push({ field: 'reason', message: 'Enter why you are rejecting this document' });
  else if (reason.length > REASON_MAX) errors.push({ field: 'reason', message: `The reason must be ${REASON_MAX} characters or fewer (it has ${reason.length})` });
  if (errors.length > 0) return documentPage(req, { reason, errors });
  const result = await req.api<{ rejectDocument: ApiRefusal & { title?: string } }>(
    'mutation Reject($odsCode: String!, $id: String!, $reason: String!) { rejectDocument(practiceOdsCode: $odsCode, documentId: $id, reason: $reason) { __typename ... on Error { code message } ... on Document { title } } }',
    { odsCode: req.session.practiceOds ?? '', id: req.params.documentId!, reason },
  );
  const outcome = result.rejectDocument;
  if (isRefused(outcome, 'Document')) return documentPage(req, { reason, refusal: { code: outcome.code, message: outcome.message } });
  return redirect(BASE, { kind: 'success', message: `“${outcome.title}” is rejected. The sender can see your reason.` });
}

export const routes: ConsoleRoute[] = [
  { method: 'GET', path: BASE, roles: [...PRACTICE_ROLES], handle: queuePage },
  { method: 'GET', path: `${BASE}/:documentId`, roles: [...PRACTICE_ROLES], handle: (req) => documentPage(req) },
  { method: 'GET', path: `${BASE}/:documentId/content`, roles: [...PRACTICE_ROLES], handle: documentContent },
  { method: 'POST', path: `${BASE}/:documentId/file`, roles: [...PRACTICE_ROLES], handle: fileDocument },
  { method: 'POST', path: `${BASE}/:documentId/reject`, roles: [...PRACTICE_ROLES], handle: rejectDocument },
];

export const nav: ConsoleNavItem[] = [{ text: 'Documents', href: BASE, roles: [...PRACTICE_ROLES] }];
