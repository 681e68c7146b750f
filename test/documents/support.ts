// Fixtures for documents: apps allowed to send, the GraphQL operations a sender and a practice
// user run, and sample bytes of each kind the platform accepts or refuses.
import type { TestApp } from '../support/test-app.js';
import type { SentDocument } from '../../server/console/api-types.js';

export const DOCUMENT_SCOPES = ['patient/Patient.rs', 'patient/DocumentReference.c', 'patient/DocumentReference.rs'];

export const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
export const TEXT = Buffer.from('Discharge summary\r\n\tBP 120/80 — follow up in 2 weeks ✓\n', 'utf8');
export const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
/** A Windows executable ("MZ" header), whatever it is called. */
export const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(56)]);

const FIELDS = 'id practiceOdsCode nhsNumber title contentType mimeType sizeBytes sha256 status senderAppId sentAt reviewedBy reviewedAt rejectionReason';
const RESULT = `__typename ... on Error { code message } ... on Document { ${FIELDS} }`;

export const SEND = `mutation($input: SendDocumentInput!) { sendDocument(input: $input) { ${RESULT} } }`;
export const FILE = `mutation($p: String!, $id: String!) { fileDocument(practiceOdsCode: $p, documentId: $id) { ${RESULT} } }`;
export const REJECT = `mutation($p: String!, $id: String!, $r: String!) { rejectDocument(practiceOdsCode: $p, documentId: $id, reason: $r) { ${RESULT} } }`;
export const READ = `query($p: String!, $id: String!) { document(practiceOdsCode: $p, documentId: $id) { ${RESULT} } }`;
export const READ_CONTENT = `query($p: String!, $id: String!) { document(practiceOdsCode: $p, documentId: $id) { ${RESULT} ... on Document { contentBase64 } } }`;
export const QUEUE = `query($o: String!, $s: DocumentStatus, $first: Int, $after: String) { practice(odsCode: $o) { ... on Practice { documents(status: $s, first: $first, after: $after) { edges { node { id title status } } pageInfo { hasNextPage endCursor } } } } }`;
export const RECORD = `query($n: String!) { patient(nhsNumber: $n) { __typename ... on Error { code } ... on Patient { documents { id title status reviewedBy reviewedAt } } } }`;

/** A document as the API answers it, or the refusal that came instead. */
export type Doc = SentDocument & { __typename: string; code?: string; message?: string };

export async function send(app: TestApp, token: string, input: { nhsNumber: string; title?: string; content?: Buffer; contentBase64?: string }, headers?: Record<string, string>): Promise<Doc> {
  const variables = { input: { nhsNumber: input.nhsNumber, title: input.title ?? 'Discharge summary', contentBase64: input.contentBase64 ?? (input.content ?? PDF).toString('base64') } };
  const response = await app.gql<{ sendDocument: Doc }>(SEND, variables, token, headers);
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data.sendDocument;
}

export async function review(app: TestApp, token: string, practice: string, id: string, reason?: string, headers?: Record<string, string>): Promise<Doc> {
  const response = reason === undefined
    ? await app.gql<{ fileDocument: Doc }>(FILE, { p: practice, id }, token, headers)
    : await app.gql<{ rejectDocument: Doc }>(REJECT, { p: practice, id, r: reason }, token, headers);
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return 'fileDocument' in response.data ? response.data.fileDocument : (response.data as { rejectDocument: Doc }).rejectDocument;
}
