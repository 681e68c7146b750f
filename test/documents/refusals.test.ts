// What a document send or review refuses, and that a refusal writes nothing but its audit event:
// oversized, refused types, bad base64, unknown or hidden patients, oversized titles, illegal
// review transitions, other practices' users, GP Connect practices; and Idempotency-Key retries.
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enablements, pairings } from '../../server/db/schema/access.js';
import { auditEvents } from '../../server/db/schema/audit.js';
import { documents, outboxEvents } from '../../server/db/schema/events.js';
import { patientRegistrations, practices } from '../../server/db/schema/governance.js';
import { MAX_DOCUMENT_BYTES } from '../../server/domain/documents/content.js';
import { availableBackends } from '../support/backends.js';
import { enabledApps, patientAt, type EnabledApp } from '../support/booking.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { DOCUMENT_SCOPES, EXE, PDF, PNG, QUEUE, SEND, TEXT, review, send } from './support.js';

/** Registered at a practice served by GP Connect (no provider needed: nothing reaches it). */
const GP_CONNECT_PATIENT = '9999999972';
const GP_CONNECT_PRACTICE = 'A00001';

describe.each(await availableBackends())('document refusals (%s)', (backend) => {
  let app: TestApp;
  let sender: EnabledApp;
  let notEnabledHere: EnabledApp;
  let readOnly: EnabledApp;
  let patient: string;
  let elsewhere: string;
  let clinician: string;
  const db = () => app.database.db;
  const snapshot = async () => ({
    documents: await db().select({ id: documents.id, status: documents.status, reviewedBy: documents.reviewedBy, reason: documents.reviewReason }).from(documents).orderBy(documents.id),
    events: await db().select({ id: outboxEvents.id }).from(outboxEvents).orderBy(outboxEvents.seq),
  });
  const refusedAudit = async (requestId: string, operation: string) =>
    db().select().from(auditEvents).where(and(eq(auditEvents.requestId, requestId), eq(auditEvents.operation, operation), eq(auditEvents.outcome, 'REFUSED')));

  beforeAll(async () => {
    app = await startTestApp(backend, { patients: 16 });
    await db().insert(practices).values({ odsCode: GP_CONNECT_PRACTICE, name: 'The Trevelyan Practice', systemId: 'EMIS_WEB', connector: 'gp-connect', isSandbox: false, endpoint: null });
    await db().insert(patientRegistrations).values({ nhsNumber: GP_CONNECT_PATIENT, practiceOds: GP_CONNECT_PRACTICE });
    [sender] = (await enabledApps(app, 1, ['Z91001', GP_CONNECT_PRACTICE], DOCUMENT_SCOPES)) as [EnabledApp];
    [notEnabledHere] = (await enabledApps(app, 1, ['Z92001'], DOCUMENT_SCOPES)) as [EnabledApp];
    [readOnly] = (await enabledApps(app, 1, ['Z91001'], ['patient/Patient.rs', 'patient/DocumentReference.rs'])) as [EnabledApp];
    await db().update(pairings).set({ stage: 'LIVE' }).where(and(eq(pairings.supplierId, sender.supplierId), eq(pairings.systemId, 'EMIS_WEB')));
    patient = await patientAt(app, 'Z91001');
    elsewhere = await patientAt(app, 'Z92002');
    clinician = await app.tokenFor('clinician.Z91001');
  });
  afterAll(() => app?.close());

  it('refuses bad content and titles with typed errors, auditing each and writing nothing else', async () => {
    const before = await snapshot();
    const overLimit = Buffer.alloc(MAX_DOCUMENT_BYTES + 1, 'a');
    const cases: Array<[string, { title?: string; content?: Buffer; contentBase64?: string }, string]> = [
      ['over-limit', { content: overLimit }, 'DOCUMENT_TOO_LARGE'],
      ['png', { title: 'scan.pdf', content: PNG }, 'UNSUPPORTED_DOCUMENT_TYPE'],
      ['exe', { title: 'report.pdf', content: EXE }, 'UNSUPPORTED_DOCUMENT_TYPE'],
      ['nul-text', { content: Buffer.from('Results\u0000hidden', 'utf8') }, 'UNSUPPORTED_DOCUMENT_TYPE'],
      ['latin1-text', { content: Buffer.from('caf\xe9 au lait', 'latin1') }, 'UNSUPPORTED_DOCUMENT_TYPE'],
      ['bad-base64', { contentBase64: 'JVBERi0x!!==' }, 'INVALID_BASE64'],
      ['base64-lines', { contentBase64: `${PDF.toString('base64').slice(0, 8)}\n${PDF.toString('base64').slice(8)}` }, 'INVALID_BASE64'],
      ['empty', { contentBase64: '' }, 'VALIDATION_FAILED'],
      ['long-title', { title: 'x'.repeat(201) }, 'VALIDATION_FAILED'],
      ['blank-title', { title: '   ' }, 'VALIDATION_FAILED'],
    ];
    for (const [name, input, code] of cases) {
      const refused = await send(app, sender.token, { nhsNumber: patient, ...input }, { 'x-request-id': `doc-bad-${name}` });
      expect([refused.__typename, refused.code], name).toEqual(['ActionRefused', code]);
      expect(await refusedAudit(`doc-bad-${name}`, 'SEND_DOCUMENT'), name).toHaveLength(1);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('accepts exactly 5 MB (decoded), and refuses a body past the authenticated cap before parsing it', async () => {
    const limit = await send(app, sender.token, { nhsNumber: patient, content: Buffer.alloc(MAX_DOCUMENT_BYTES, 'a') });
    expect(limit).toMatchObject({ __typename: 'Document', sizeBytes: MAX_DOCUMENT_BYTES, contentType: 'PLAIN_TEXT' });
    const before = await snapshot();
    const response = await app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sender.token}` },
      body: JSON.stringify({ query: SEND, variables: { input: { nhsNumber: patient, title: 'Huge', contentBase64: 'A'.repeat(app.env.MAX_AUTHENTICATED_BODY_BYTES) } } }),
    });
    expect(response.status).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  it('gives a forged or malformed bearer token the anonymous body cap, with or without a Content-Length, while a verified app sends past it', async () => {
    const server = await app.listen();
    try {
      const [header, payload] = sender.token.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(86)}`;
      // Past the anonymous cap, well inside the authenticated one.
      const content = Buffer.alloc(app.env.MAX_BODY_BYTES, 'a');
      const body = JSON.stringify({ query: SEND, variables: { input: { nhsNumber: patient, title: 'Past the anonymous cap', contentBase64: content.toString('base64') } } });
      const post = (authorization: string, streamed: boolean) =>
        fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          // A stream goes out chunked, with no Content-Length: the cap must hold while reading.
          ...(streamed ? { body: new Blob([body]).stream(), duplex: 'half' } : { body }),
        } as RequestInit);
      const before = await snapshot();
      for (const authorization of [`Bearer ${forged}`, 'Bearer not-a-token', 'Bearer two words']) {
        for (const streamed of [false, true]) {
          const response = await post(authorization, streamed);
          expect({ authorization, streamed, status: response.status, body: await response.json() }).toEqual({
            authorization,
            streamed,
            status: 413,
            body: { errors: [{ message: `Request body larger than ${app.env.MAX_BODY_BYTES} bytes.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] },
          });
        }
      }
      expect(await snapshot()).toEqual(before);
      for (const streamed of [false, true]) {
        const response = await post(`Bearer ${sender.token}`, streamed);
        const answer = (await response.json()) as { data?: { sendDocument: { __typename: string; sizeBytes: number } } };
        expect({ streamed, status: response.status, sent: answer.data?.sendDocument }).toMatchObject({ streamed, status: 200, sent: { __typename: 'Document', sizeBytes: content.length } });
      }
    } finally {
      await server.close();
    }
  });

  it('answers an unknown patient, a patient elsewhere and a refused scope alike, with the true reason audited', async () => {
    const before = await snapshot();
    const unknown = await send(app, sender.token, { nhsNumber: '9999999964' }, { 'x-request-id': 'doc-hidden-unknown' });
    const otherPractice = await send(app, sender.token, { nhsNumber: elsewhere }, { 'x-request-id': 'doc-hidden-elsewhere' });
    const notEnabled = await send(app, notEnabledHere.token, { nhsNumber: patient }, { 'x-request-id': 'doc-hidden-not-enabled' });
    const noScope = await send(app, readOnly.token, { nhsNumber: patient }, { 'x-request-id': 'doc-hidden-no-scope' });
    for (const answer of [unknown, otherPractice, notEnabled, noScope]) {
      expect({ type: answer.__typename, code: answer.code, message: answer.message }).toEqual({ type: unknown.__typename, code: 'PATIENT_NOT_FOUND', message: unknown.message });
    }
    const reasons = await db().select().from(auditEvents).where(and(inArray(auditEvents.requestId, ['doc-hidden-elsewhere', 'doc-hidden-not-enabled', 'doc-hidden-no-scope']), eq(auditEvents.outcome, 'REFUSED')));
    expect(reasons.map((r) => r.reason).join('\n')).toMatch(/has not enabled this app[\s\S]*not granted|not granted[\s\S]*has not enabled/);
    const invalid = await send(app, sender.token, { nhsNumber: '123' });
    expect(invalid.code).toBe('INVALID_NHS_NUMBER');
    const person = await app.gql(SEND, { input: { nhsNumber: patient, title: 'x', contentBase64: TEXT.toString('base64') } }, clinician);
    expect(person.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses illegal review transitions, reviews by other practices and apps, and a race leaves exactly one decision', async () => {
    const filed = await send(app, sender.token, { nhsNumber: patient, title: 'To file' });
    const rejected = await send(app, sender.token, { nhsNumber: patient, title: 'To reject' });
    expect((await review(app, clinician, 'Z91001', filed.id)).status).toBe('FILED');
    expect((await review(app, clinician, 'Z91001', rejected.id, 'Not ours')).status).toBe('REJECTED');
    const before = await snapshot();
    const attempts: Array<[string, string, string | undefined]> = [
      ['file-rejected', rejected.id, undefined],
      ['reject-twice', rejected.id, 'Again'],
      ['file-twice', filed.id, undefined],
      ['reject-filed', filed.id, 'Changed my mind'],
    ];
    for (const [name, id, reason] of attempts) {
      const refused = await review(app, clinician, 'Z91001', id, reason, { 'x-request-id': `doc-illegal-${name}` });
      expect([refused.__typename, refused.code], name).toEqual(['ActionRefused', 'INVALID_TRANSITION']);
      expect(await refusedAudit(`doc-illegal-${name}`, reason === undefined ? 'FILE_DOCUMENT' : 'REJECT_DOCUMENT'), name).toHaveLength(1);
    }
    const pending = await send(app, sender.token, { nhsNumber: patient, title: 'Pending' });
    const afterSend = await snapshot();
    const otherClinician = await app.tokenFor('clinician.Z92001');
    const crossPractice = await app.gql(`mutation { fileDocument(practiceOdsCode: "Z91001", documentId: "${pending.id}") { __typename } }`, {}, otherClinician);
    expect(crossPractice.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const ownPracticeWrongId = await review(app, otherClinician, 'Z92001', pending.id);
    expect(ownPracticeWrongId.code).toBe('DOCUMENT_NOT_FOUND');
    const byApp = await app.gql(`mutation { rejectDocument(practiceOdsCode: "Z91001", documentId: "${pending.id}", reason: "mine") { __typename } }`, {}, sender.token);
    expect(byApp.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await review(app, clinician, 'Z91001', pending.id, '')).code).toBe('VALIDATION_FAILED');
    expect((await review(app, clinician, 'Z91001', pending.id, 'x'.repeat(501))).code).toBe('VALIDATION_FAILED');
    const queueElsewhere = await app.gql(QUEUE, { o: 'Z91001' }, otherClinician);
    expect(queueElsewhere.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await snapshot()).toEqual(afterSend);
    expect(before.documents.length).toBeLessThan(afterSend.documents.length);

    const raced = await send(app, sender.token, { nhsNumber: patient, title: 'Raced' });
    const admin = await app.tokenFor('admin.Z91001');
    const outcomes = await Promise.all([review(app, clinician, 'Z91001', raced.id), review(app, admin, 'Z91001', raced.id, 'Duplicate')]);
    expect(outcomes.map((o) => o.code ?? o.status).sort()).toEqual(expect.arrayContaining(['INVALID_TRANSITION']));
    expect(outcomes.filter((o) => o.__typename === 'Document')).toHaveLength(1);
    const decided = await db().select().from(outboxEvents).where(inArray(outboxEvents.type, ['document.filed', 'document.rejected']));
    expect(decided.filter((e) => (e.data as { documentId: string }).documentId === raced.id)).toHaveLength(1);
  });

  it('refuses to take a document for a GP Connect practice (no third-party filing there: MESH), storing nothing', async () => {
    const before = await snapshot();
    const refused = await send(app, sender.token, { nhsNumber: GP_CONNECT_PATIENT }, { 'x-request-id': 'doc-gp-connect' });
    expect(refused).toMatchObject({ __typename: 'ActionRefused', code: 'NOT_SUPPORTED' });
    expect(refused.message).toMatch(/MESH/);
    expect(await refusedAudit('doc-gp-connect', 'SEND_DOCUMENT')).toHaveLength(1);
    expect(await snapshot()).toEqual(before);
  });

  it('keeps a queued document of a practice that moved to GP Connect: it can be rejected, not filed', async () => {
    const [mover] = (await enabledApps(app, 1, ['Z93001'], DOCUMENT_SCOPES)) as [EnabledApp];
    const sent = await send(app, mover.token, { nhsNumber: await patientAt(app, 'Z93001'), title: 'Before the move' });
    await db().update(practices).set({ connector: 'gp-connect' }).where(eq(practices.odsCode, 'Z93001'));
    try {
      const clinicianThere = await app.tokenFor('clinician.Z93001');
      const before = await snapshot();
      expect(await review(app, clinicianThere, 'Z93001', sent.id)).toMatchObject({ __typename: 'ActionRefused', code: 'NOT_SUPPORTED' });
      expect(await snapshot()).toEqual(before);
      expect(await review(app, clinicianThere, 'Z93001', sent.id, 'Please send by MESH')).toMatchObject({ status: 'REJECTED' });
    } finally {
      await db().update(practices).set({ connector: 'sandbox' }).where(eq(practices.odsCode, 'Z93001'));
    }
  });

  it('replays a retried send with the same Idempotency-Key (one document) and refuses the key for another body', async () => {
    const key = `doc-${randomUUID()}`;
    const first = await send(app, sender.token, { nhsNumber: patient, title: 'Retried' }, { 'idempotency-key': key });
    const again = await send(app, sender.token, { nhsNumber: patient, title: 'Retried' }, { 'idempotency-key': key });
    expect(again.id).toBe(first.id);
    expect(await db().select().from(documents).where(eq(documents.title, 'Retried'))).toHaveLength(1);
    const other = await app.gql(SEND, { input: { nhsNumber: patient, title: 'Another', contentBase64: TEXT.toString('base64') } }, sender.token, { 'idempotency-key': key });
    expect(other.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await db().select().from(documents).where(eq(documents.title, 'Another'))).toHaveLength(0);
    expect(await db().select().from(enablements).where(eq(enablements.appId, sender.appId))).toHaveLength(2);
  });
});
