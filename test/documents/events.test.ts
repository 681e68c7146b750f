// Document events as subscribers see them: the practice's own users and the sending app hear
// about a document; another app with document scopes at the same practice, and another practice's
// users, hear nothing of it, by SSE subscription or by webhook.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../server/db/schema/audit.js';
import { webhookDeliveries, webhookEndpoints } from '../../server/db/schema/events.js';
import { availableBackends } from '../support/backends.js';
import { enabledApps, patientAt, type EnabledApp } from '../support/booking.js';
import { subscribeSse } from '../support/sse.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { DOCUMENT_SCOPES, review, send } from './support.js';

const EVENTS = 'subscription($types: [String!]) { events(types: $types) { id type practiceOdsCode nhsNumber data } }';
type Received = { data?: { events: { id: string; type: string; data: { documentId?: string; status?: string } } } };
const DOCUMENT_EVENTS = ['document.received', 'document.filed', 'document.rejected'];

const until = async (check: () => Promise<boolean>) => {
  while (!(await check())) await new Promise((r) => setTimeout(r, 25));
};

describe.each(await availableBackends())('document events (%s)', (backend) => {
  let app: TestApp;
  let sender: EnabledApp;
  let other: EnabledApp;
  const subscribe = (token: string) => subscribeSse<Received>((url, init) => app.fetch(url, init), '/graphql', EVENTS, { types: DOCUMENT_EVENTS }, token);

  beforeAll(async () => {
    app = await startTestApp(backend, { patients: 16, env: { EVENTS_DISPATCHER: 'true', EVENTS_POLL_MS: '50' } });
    [sender, other] = (await enabledApps(app, 2, ['Z91001'], DOCUMENT_SCOPES)) as [EnabledApp, EnabledApp];
    // Each app's webhook endpoint for every document event (an unreachable port: only the enqueued deliveries matter here).
    await app.database.db.insert(webhookEndpoints).values(
      [sender, other].map((a) => ({ id: `whe_${randomUUID()}`, appId: a.appId, supplierId: a.supplierId, url: 'http://127.0.0.1:9/hook', secret: `whsec_${Buffer.from(randomUUID()).toString('base64')}`, eventTypes: DOCUMENT_EVENTS, createdBy: 'developer' })),
    );
  });
  afterAll(() => app?.close());

  it("reaches the practice's users and the sending app only, by subscription and by webhook", async () => {
    const clinicianToken = await app.tokenFor('clinician.Z91001');
    const clinician = await subscribe(clinicianToken);
    const otherPractice = await subscribe(await app.tokenFor('clinician.Z92001'));
    const developer = await subscribe(await app.tokenFor('developer'));
    const senderSub = await subscribe(sender.token);
    const otherSub = await subscribe(other.token);
    await new Promise((r) => setTimeout(r, 100)); // the subscriptions attach to the bus

    const patient = await patientAt(app, 'Z91001');
    const sent = await send(app, sender.token, { nhsNumber: patient, title: 'Clinic letter' });
    await review(app, clinicianToken, 'Z91001', sent.id);
    const filedOf = (id: string) => (r: Received) => r.data?.events.type === 'document.filed' && r.data.events.data.documentId === id;
    await clinician.waitFor(filedOf(sent.id));
    await senderSub.waitFor(filedOf(sent.id));
    const mine = (r: Received) => r.data?.events.data.documentId === sent.id;
    expect(clinician.received.filter(mine).map((r) => r.data!.events.type)).toEqual(['document.received', 'document.filed']);
    expect(senderSub.received.filter(mine).map((r) => r.data!.events.type)).toEqual(['document.received', 'document.filed']);

    // The other app's own document reaches it: its stream is live, it just never carried the sender's.
    const theirs = await send(app, other.token, { nhsNumber: patient, title: 'Their letter' });
    await review(app, clinicianToken, 'Z91001', theirs.id, 'Duplicate');
    await otherSub.waitFor((r) => r.data?.events.type === 'document.rejected' && r.data.events.data.documentId === theirs.id);
    await clinician.waitFor((r) => r.data?.events.type === 'document.rejected' && r.data.events.data.documentId === theirs.id);
    expect(otherSub.received.some(mine)).toBe(false);
    expect(senderSub.received.some((r) => r.data?.events.data.documentId === theirs.id)).toBe(false);
    expect(otherPractice.received).toEqual([]);
    expect(developer.received).toEqual([]);
    for (const s of [clinician, otherPractice, developer, senderSub, otherSub]) s.close();

    const deliveriesOf = async (appId: string) => {
      const rows = await app.database.db.select({ eventType: webhookDeliveries.eventType, payload: webhookDeliveries.payload }).from(webhookDeliveries).innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId)).where(eq(webhookEndpoints.appId, appId));
      return rows.map((r) => [r.eventType, (JSON.parse(r.payload) as { data: { documentId: string } }).data.documentId]);
    };
    await until(async () => (await deliveriesOf(other.appId)).length >= 2);
    expect((await deliveriesOf(sender.appId)).sort()).toEqual([['document.filed', sent.id], ['document.received', sent.id]]);
    expect((await deliveriesOf(other.appId)).sort()).toEqual([['document.received', theirs.id], ['document.rejected', theirs.id]]);

    const audited = await app.database.db.select().from(auditEvents).where(eq(auditEvents.operation, 'RECEIVE_EVENT'));
    expect(audited.filter((a) => a.actorId === other.appId).length).toBe(2);
  });
});
