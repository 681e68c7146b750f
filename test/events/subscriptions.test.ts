// Subscriptions over SSE: a subscriber hears committed events it could read the subject of, and
// nothing else; each delivery is in the audit trail with the event id.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../server/db/schema/audit.js';
import { outboxEvents } from '../../server/db/schema/events.js';
import { availableBackends } from '../support/backends.js';
import { book, enabledApps, futureSchedule, patientAt, type EnabledApp } from '../support/booking.js';
import { subscribeSse } from '../support/sse.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const EVENTS = 'subscription($types: [String!]) { events(types: $types) { id type practiceOdsCode nhsNumber data } }';
type Received = { data?: { events: { id: string; type: string; practiceOdsCode: string; data: { appointmentId?: string } } }; errors?: Array<{ extensions?: { code?: string } }> };

describe.each(await availableBackends())('subscriptions over SSE (%s)', (backend) => {
  let app: TestApp;
  let booker: EnabledApp;
  let blind: EnabledApp;
  const subscribe = (token: string | null, types: string[] | null = null) =>
    subscribeSse<Received>((url, init) => app.fetch(url, init), '/graphql', EVENTS, { types }, token);

  beforeAll(async () => {
    app = await startTestApp(backend, { patients: 16, env: { EVENTS_DISPATCHER: 'true', EVENTS_POLL_MS: '50' } });
    [booker] = (await enabledApps(app, 1, ['Z91001', 'Z92001'])) as [EnabledApp];
    // Enabled, but without patient/Appointment.rs: it must not hear about appointments.
    [blind] = (await enabledApps(app, 1, ['Z91001'], ['patient/Patient.rs', 'patient/Appointment.cud'])) as [EnabledApp];
  });
  afterAll(() => app?.close());

  it("delivers an appointment event to the practice's clinician and the app, not to another practice or an app without the read scope", async () => {
    const clinician = await subscribe(await app.tokenFor('clinician.Z91001'));
    const otherPractice = await subscribe(await app.tokenFor('clinician.Z92001'));
    const appSub = await subscribe(booker.token, ['appointment.booked']);
    const blindSub = await subscribe(blind.token);
    expect([clinician.status, otherPractice.status, appSub.status]).toEqual([200, 200, 200]);
    await new Promise((r) => setTimeout(r, 100)); // the subscriptions attach to the bus

    const { slotIds } = await futureSchedule(app, 'Z91001', 1);
    const booked = await book(app, booker.token, { nhsNumber: await patientAt(app, 'Z91001'), slotIds });
    const [committed] = await app.database.db.select().from(outboxEvents).where(and(eq(outboxEvents.type, 'appointment.booked'), eq(outboxEvents.practiceOds, 'Z91001')));
    const isIt = (r: Received) => r.data?.events.data.appointmentId === booked.id;
    const seen = await clinician.waitFor(isIt);
    expect(seen.data!.events).toMatchObject({ id: committed!.id, type: 'appointment.booked', practiceOdsCode: 'Z91001' });
    expect((await appSub.waitFor(isIt)).data!.events.id).toBe(committed!.id);

    // A later event at Z92001 reaches its clinician: the stream is live, it just never carried Z91001's.
    const { slotIds: theirs } = await futureSchedule(app, 'Z92001', 1);
    const second = await book(app, booker.token, { nhsNumber: await patientAt(app, 'Z92001'), slotIds: theirs });
    await otherPractice.waitFor((r) => r.data?.events.data.appointmentId === second.id);
    expect(otherPractice.received.some(isIt)).toBe(false);
    expect(blindSub.received).toEqual([]);
    for (const s of [clinician, otherPractice, appSub, blindSub]) s.close();

    const audited = await app.database.db.select().from(auditEvents).where(eq(auditEvents.operation, 'RECEIVE_EVENT'));
    expect(audited.filter((a) => (a.detail as { eventId: string }).eventId === committed!.id).map((a) => a.actorId).sort()).toEqual(['clinician.Z91001', booker.appId].sort());
  });

  it('refuses an anonymous subscriber and an unknown event type', async () => {
    const anonymous = await subscribe(null);
    const refused = await anonymous.waitFor(() => true);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    anonymous.close();
    const unknown = await subscribe(await app.tokenFor('clinician.Z91001'), ['patient.exploded']);
    expect((await unknown.waitFor(() => true)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    unknown.close();
  });
});
