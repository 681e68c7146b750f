// Idempotency-Key on writing mutations: a retried booking returns the first answer and books once;
// the same key on another request is refused; keys are the caller's own and expire after 24 h.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKeys, outboxEvents } from '../../server/db/schema/events.js';
import { sbAppointments } from '../../server/db/schema/sandbox.js';
import { availableBackends } from '../support/backends.js';
import { BOOK, book, enabledApps, futureSchedule, ORG, patientAt, type EnabledApp } from '../support/booking.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe.each(await availableBackends())('idempotency keys (%s)', (backend) => {
  let app: TestApp;
  let booker: EnabledApp;
  let other: EnabledApp;
  let patient: string;
  const appointmentsOn = (slotId: string) => app.database.db.select().from(sbAppointments).where(eq(sbAppointments.slotId, slotId));

  beforeAll(async () => {
    app = await startTestApp(backend, { patients: 16, env: { EVENTS_DISPATCHER: 'false' } });
    [booker, other] = (await enabledApps(app, 2, ['Z91001'])) as [EnabledApp, EnabledApp];
    patient = await patientAt(app, 'Z91001');
  });
  afterAll(() => app?.close());

  it('a retry with the same key and body returns the first result and books once', async () => {
    const { slotIds } = await futureSchedule(app, 'Z91001', 1);
    const first = await book(app, booker.token, { nhsNumber: patient, slotIds }, { 'idempotency-key': 'retry-1' });
    const retry = await book(app, booker.token, { nhsNumber: patient, slotIds }, { 'idempotency-key': 'retry-1' });
    expect(first.__typename).toBe('Appointment');
    expect(retry).toEqual(first); // not SLOT_UNAVAILABLE: the first answer, replayed
    expect(await appointmentsOn(slotIds[0]!)).toHaveLength(1);
    const events = await app.database.db.select().from(outboxEvents).where(eq(outboxEvents.type, 'appointment.booked'));
    expect(events.filter((e) => (e.data as { appointmentId: string }).appointmentId === first.id)).toHaveLength(1);
    // Without a key the same request really runs again, and the slot is taken.
    expect((await book(app, booker.token, { nhsNumber: patient, slotIds })).code).toBe('SLOT_UNAVAILABLE');
  });

  it('the same key with a different body is IDEMPOTENCY_KEY_REUSED (422) and changes nothing', async () => {
    const { slotIds } = await futureSchedule(app, 'Z91001', 2);
    await book(app, booker.token, { nhsNumber: patient, slotIds: [slotIds[0]] }, { 'idempotency-key': 'reuse-1' });
    const response = await app.gql(BOOK, { input: { nhsNumber: patient, slotIds: [slotIds[1]], description: 'Other', bookingOrganisation: ORG } }, booker.token, { 'idempotency-key': 'reuse-1' });
    expect(response.status).toBe(422);
    expect(response.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await appointmentsOn(slotIds[1]!)).toHaveLength(0);
  });

  it("keys are per caller: another app's request with the same key runs as its own", async () => {
    const { slotIds } = await futureSchedule(app, 'Z91001', 2);
    const mine = await book(app, booker.token, { nhsNumber: patient, slotIds: [slotIds[0]] }, { 'idempotency-key': 'shared-name' });
    const theirs = await book(app, other.token, { nhsNumber: patient, slotIds: [slotIds[1]] }, { 'idempotency-key': 'shared-name' });
    expect(theirs.__typename).toBe('Appointment');
    expect(theirs.id).not.toBe(mine.id);
  });

  it('a refused request (FORBIDDEN) gives its key back, so the retry after enablement runs', async () => {
    const [late] = await enabledApps(app, 1, ['Z92001']);
    const { slotIds } = await futureSchedule(app, 'Z91001', 1);
    const refused = await app.gql(BOOK, { input: { nhsNumber: patient, slotIds, description: 'x', bookingOrganisation: ORG } }, late!.token, { 'idempotency-key': 'after-enable' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await app.database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'after-enable'))).toHaveLength(0);
  });

  it('an expired key (24 h) no longer replays: the request runs again', async () => {
    const { slotIds } = await futureSchedule(app, 'Z91001', 1);
    await book(app, booker.token, { nhsNumber: patient, slotIds }, { 'idempotency-key': 'old-key' });
    await app.database.db.update(idempotencyKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(idempotencyKeys.key, 'old-key'));
    const again = await book(app, booker.token, { nhsNumber: patient, slotIds }, { 'idempotency-key': 'old-key' });
    expect(again.code).toBe('SLOT_UNAVAILABLE');
  });

  it('a malformed key is refused before anything runs', async () => {
    const { slotIds } = await futureSchedule(app, 'Z91001', 1);
    const response = await app.gql(BOOK, { input: { nhsNumber: patient, slotIds, description: 'x', bookingOrganisation: ORG } }, booker.token, { 'idempotency-key': 'x'.repeat(256) });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_IDEMPOTENCY_KEY');
    expect(await appointmentsOn(slotIds[0]!)).toHaveLength(0);
  });
});
