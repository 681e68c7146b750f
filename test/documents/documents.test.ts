// Send document, end to end: a supplier app sends, the practice's queue holds it, a practice user
// files or rejects it; the record, the audit trail and the outbox say so.
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../server/db/schema/audit.js';
import { documents, outboxEvents } from '../../server/db/schema/events.js';
import { availableBackends } from '../support/backends.js';
import { enabledApps, patientAt, type EnabledApp } from '../support/booking.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { DOCUMENT_SCOPES, PDF, QUEUE, READ, READ_CONTENT, RECORD, TEXT, review, send, type Doc } from './support.js';

describe.each(await availableBackends())('send document (%s)', (backend) => {
  let app: TestApp;
  let sender: EnabledApp;
  let other: EnabledApp;
  let patient: string;
  let clinician: string;
  const db = () => app.database.db;

  beforeAll(async () => {
    app = await startTestApp(backend, { patients: 16 });
    [sender, other] = (await enabledApps(app, 2, ['Z91001'], DOCUMENT_SCOPES)) as [EnabledApp, EnabledApp];
    patient = await patientAt(app, 'Z91001');
    clinician = await app.tokenFor('clinician.Z91001');
  });
  afterAll(() => app?.close());

  it('sends a PDF into the review queue (not the record); a clinician files it and it appears in the record with who filed it', async () => {
    const sent = await send(app, sender.token, { nhsNumber: patient, title: 'Discharge summary', content: PDF }, { 'x-request-id': 'doc-send-1' });
    expect(sent).toMatchObject({ __typename: 'Document', status: 'AWAITING_REVIEW', contentType: 'PDF', mimeType: 'application/pdf', sizeBytes: PDF.length, sha256: createHash('sha256').update(PDF).digest('hex'), practiceOdsCode: 'Z91001', nhsNumber: patient, senderAppId: sender.appId, reviewedBy: null });
    const queue = await app.gql<{ practice: { documents: { edges: Array<{ node: { id: string } }> } } }>(QUEUE, { o: 'Z91001' }, clinician);
    expect(queue.data!.practice.documents.edges.map((e) => e.node.id)).toContain(sent.id);
    const before = await app.gql<{ patient: { documents: Doc[] } }>(RECORD, { n: patient }, clinician);
    expect(before.data!.patient.documents.map((d) => d.id)).not.toContain(sent.id);

    const filed = await review(app, clinician, 'Z91001', sent.id, undefined, { 'x-request-id': 'doc-file-1' });
    expect(filed).toMatchObject({ __typename: 'Document', status: 'FILED', reviewedBy: expect.any(String) });
    expect(new Date(filed.reviewedAt!).getTime()).toBeGreaterThan(0);
    const record = await app.gql<{ patient: { documents: Doc[] } }>(RECORD, { n: patient }, clinician);
    expect(record.data!.patient.documents).toContainEqual(expect.objectContaining({ id: sent.id, status: 'FILED', reviewedBy: filed.reviewedBy }));
    const after = await app.gql<{ practice: { documents: { edges: Array<{ node: { id: string } }> } } }>(QUEUE, { o: 'Z91001' }, clinician);
    expect(after.data!.practice.documents.edges.map((e) => e.node.id)).not.toContain(sent.id);

    const content = await app.gql<{ document: Doc }>(READ_CONTENT, { p: 'Z91001', id: sent.id }, clinician);
    expect(Buffer.from(content.data!.document.contentBase64!, 'base64').equals(PDF)).toBe(true);

    const events = await db().select().from(outboxEvents).where(eq(outboxEvents.appId, sender.appId));
    expect(events.filter((e) => (e.data as { documentId: string }).documentId === sent.id).map((e) => e.type)).toEqual(['document.received', 'document.filed']);
    const audited = await db().select().from(auditEvents).where(and(eq(auditEvents.requestId, 'doc-send-1'), eq(auditEvents.operation, 'SEND_DOCUMENT'), eq(auditEvents.outcome, 'ALLOWED')));
    expect(audited.map((a) => a.appId)).toContain(sender.appId);
    const fileAudit = await db().select().from(auditEvents).where(and(eq(auditEvents.requestId, 'doc-file-1'), eq(auditEvents.operation, 'FILE_DOCUMENT')));
    expect(fileAudit.map((a) => [a.outcome, a.actorId])).toContainEqual(['ALLOWED', 'clinician.Z91001']);
  });

  it('rejects with a reason the sender sees; the sender reads its status but not the content, another app sees nothing', async () => {
    const sent = await send(app, sender.token, { nhsNumber: patient, title: 'Letter', content: TEXT });
    expect(sent).toMatchObject({ contentType: 'PLAIN_TEXT', sizeBytes: TEXT.length });
    const rejected = await review(app, clinician, 'Z91001', sent.id, 'Wrong patient: please check the NHS number');
    expect(rejected).toMatchObject({ status: 'REJECTED', rejectionReason: 'Wrong patient: please check the NHS number' });
    const mine = await app.gql<{ document: Doc }>(READ, { p: 'Z91001', id: sent.id }, sender.token);
    expect(mine.data!.document).toMatchObject({ __typename: 'Document', status: 'REJECTED', rejectionReason: 'Wrong patient: please check the NHS number' });
    const content = await app.gql<{ document: Doc }>(READ_CONTENT, { p: 'Z91001', id: sent.id }, sender.token);
    expect(content.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(content.data?.document?.contentBase64 ?? null).toBeNull();
    const theirs = await app.gql<{ document: Doc }>(READ, { p: 'Z91001', id: sent.id }, other.token);
    expect(theirs.data!.document).toMatchObject({ __typename: 'DocumentNotFound', code: 'DOCUMENT_NOT_FOUND' });
    const [row] = await db().select().from(documents).where(eq(documents.id, sent.id));
    expect(row).toMatchObject({ status: 'REJECTED', reviewedBy: 'clinician.Z91001' });
  });

  it('pages the queue by status, oldest first; only the practice reads it; an app with the read scope sees filed documents in the record but not their content', async () => {
    const [reader] = (await enabledApps(app, 1, ['Z91001'], ['patient/Patient.rs', 'patient/DocumentReference.rs'])) as [EnabledApp];
    const second = await patientAt(app, 'Z91001', 1);
    const sent: Doc[] = [];
    for (const title of ['Queue 1', 'Queue 2', 'Queue 3']) sent.push(await send(app, sender.token, { nhsNumber: second, title }));
    await review(app, clinician, 'Z91001', sent[1]!.id, 'Unreadable scan');
    type Page = { practice: { documents: { edges: Array<{ node: { id: string; status: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } };
    const awaiting: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = (await app.gql<Page>(QUEUE, { o: 'Z91001', s: 'AWAITING_REVIEW', first: 1, after }, clinician)).data!;
      awaiting.push(...page.practice.documents.edges.map((e) => e.node.id));
      if (!page.practice.documents.pageInfo.hasNextPage) break;
      after = page.practice.documents.pageInfo.endCursor;
    }
    expect(awaiting.filter((id) => sent.some((d) => d.id === id))).toEqual([sent[0]!.id, sent[2]!.id]);
    const rejected = await app.gql<Page>(QUEUE, { o: 'Z91001', s: 'REJECTED', first: 100 }, clinician);
    expect(rejected.data!.practice.documents.edges.map((e) => e.node.id)).toContain(sent[1]!.id);
    expect(rejected.data!.practice.documents.edges.every((e) => e.node.status === 'REJECTED')).toBe(true);
    const bySender = await app.gql(QUEUE, { o: 'Z91001' }, sender.token);
    expect(bySender.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await review(app, clinician, 'Z91001', sent[0]!.id);
    const record = await app.gql<{ patient: { documents: Doc[] } }>(RECORD, { n: second }, reader.token);
    expect(record.data!.patient.documents.map((d) => d.id)).toEqual([sent[0]!.id]);
    const content = await app.gql(`query($n: String!) { patient(nhsNumber: $n) { ... on Patient { documents { id contentBase64 } } } }`, { n: second }, reader.token);
    expect(content.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const refused = await db().select().from(auditEvents).where(and(eq(auditEvents.appId, reader.appId), eq(auditEvents.operation, 'READ_DOCUMENT_CONTENT'), eq(auditEvents.outcome, 'REFUSED')));
    expect(refused.map((a) => a.nhsNumber)).toContain(second);
  });
});
