// Appointment management on the sandbox: what a supplier app sees when it books, amends, cancels and
// reads; what refusals leave behind (nothing but an audit event); and fifty apps racing for one slot.
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../server/db/schema/audit.js';
import { outboxEvents } from '../../server/db/schema/events.js';
import { sbAppointments, sbSlots } from '../../server/db/schema/sandbox.js';
import { availableBackends } from '../support/backends.js';
import { book, enabledApps, futureSchedule, patientAt, type EnabledApp, type Managed } from '../support/booking.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const AMEND = `mutation($p: String!, $id: String!, $d: String, $c: String) { amendAppointment(practiceOdsCode: $p, appointmentId: $id, description: $d, comment: $c) { __typename ... on Error { code message } ... on Appointment { description comment version status } } }`;
const CANCEL = `mutation($p: String!, $id: String!, $r: String!) { cancelAppointment(practiceOdsCode: $p, appointmentId: $id, reason: $r) { __typename ... on Error { code message } ... on Appointment { status cancellationReason version } } }`;
const READ = `query($p: String!, $id: String!) { appointment(practiceOdsCode: $p, appointmentId: $id) { __typename ... on Error { code } ... on Appointment { id status description slotIds } } }`;
const FREE = `query($o: String!, $f: DateTime!, $t: DateTime!) { practice(odsCode: $o) { ... on Practice { slots(from: $f, to: $t) { ... on SlotList { slots { id } } } } } }`;

describe.each(await availableBackends())('appointment management (%s)', (backend) => {
  let app: TestApp;
  let booker: EnabledApp;
  let other: EnabledApp;
  let patient: string;
  const db = () => app.database.db;
  const snapshot = async () => ({
    appointments: await db().select().from(sbAppointments).orderBy(sbAppointments.id),
    slots: await db().select().from(sbSlots).orderBy(sbSlots.id),
    events: await db().select().from(outboxEvents),
  });

  beforeAll(async () => {
    app = await startTestApp(backend, { patients: 24, env: { EVENTS_DISPATCHER: 'false' } });
    [booker, other] = (await enabledApps(app, 2, ['Z91001', 'Z94001'])) as [EnabledApp, EnabledApp];
    patient = await patientAt(app, 'Z91001');
  });
  afterAll(() => app?.close());

  it('locks the audit chain\'s head last in a booking and a cancellation, just for the append before the commit', async () => {
    // Every appender queues for the head: whatever a write does after taking it, all of them wait for.
    const { slotIds } = await futureSchedule(app, 'Z91001', 1);
    const headLocked = (s: string) => /^select .* from "audit_head" .*for update/.test(s);
    const inTransaction = (statements: string[]) => {
      const locked = statements.findIndex(headLocked);
      return { before: statements.slice(0, locked), after: statements.slice(locked + 1, locked + 2), locks: statements.filter(headLocked).length };
    };
    app.statements.length = 0;
    const booked = await book(app, booker.token, { nhsNumber: patient, slotIds });
    expect(booked.__typename).toBe('Appointment');
    const booking = inTransaction([...app.statements]);
    expect(booking.locks).toBe(1);
    expect(booking.before.some((s) => s.startsWith('insert into "sandbox"."appointments"'))).toBe(true);
    expect(booking.before.some((s) => s.startsWith('insert into "outbox_events"'))).toBe(true);
    expect(booking.after).toEqual([expect.stringContaining('with moved as')]); // the append, then the commit
    expect(app.statements.some((s) => s.includes('pg_advisory_xact_lock'))).toBe(false);

    app.statements.length = 0;
    const cancelled = await app.gql<{ cancelAppointment: { __typename: string } }>(CANCEL, { p: 'Z91001', id: booked.id, r: 'No longer needed' }, booker.token);
    expect(cancelled.data!.cancelAppointment.__typename).toBe('Appointment');
    const cancelling = inTransaction([...app.statements]);
    expect(cancelling.locks).toBe(1);
    expect(cancelling.before.some((s) => s.startsWith('update "sandbox"."slots"'))).toBe(true);
    expect(cancelling.before.some((s) => s.startsWith('insert into "outbox_events"'))).toBe(true);
    expect(cancelling.after).toEqual([expect.stringContaining('with moved as')]);
  });

  it('books a slot, which leaves the free list; reads it back; the booking is audited and its event committed', async () => {
    const { slotIds } = await futureSchedule(app, 'Z91001', 2);
    const booked = await book(app, booker.token, { nhsNumber: patient, slotIds: [slotIds[0]], comment: 'Prefers mornings' }, { 'x-request-id': 'book-1' });
    expect(booked).toMatchObject({ __typename: 'Appointment', status: 'BOOKED', slotIds: [slotIds[0]], description: 'Asthma review', comment: 'Prefers mornings', nhsNumber: patient, practiceOdsCode: 'Z91001', bookingOrganisation: { odsCode: 'X26001', type: 'urgent-care' } });
    const from = new Date(Date.now()).toISOString();
    const to = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const free = await app.gql<{ practice: { slots: { slots: Array<{ id: string }> } } }>(FREE, { o: 'Z91001', f: from, t: to }, booker.token);
    const freeIds = free.data!.practice.slots.slots.map((s) => s.id);
    expect(freeIds).not.toContain(slotIds[0]);
    expect(freeIds).toContain(slotIds[1]);
    const read = await app.gql<{ appointment: { id: string; status: string } }>(READ, { p: 'Z91001', id: booked.id }, booker.token);
    expect(read.data!.appointment).toMatchObject({ id: booked.id, status: 'BOOKED' });
    const [event] = await db().select().from(outboxEvents).where(eq(outboxEvents.requestId, 'book-1'));
    expect(event).toMatchObject({ type: 'appointment.booked', practiceOds: 'Z91001', nhsNumber: patient, appId: booker.appId });
    const audited = await db().select().from(auditEvents).where(and(eq(auditEvents.requestId, 'book-1'), eq(auditEvents.operation, 'BOOK_APPOINTMENT')));
    expect(audited.map((a) => [a.outcome, a.appId, a.nhsNumber])).toContainEqual(['ALLOWED', booker.appId, patient]);
  });

  it('books several contiguous slots of one schedule as one appointment', async () => {
    const { slotIds } = await futureSchedule(app, 'Z91001', 3);
    const booked = await book(app, booker.token, { nhsNumber: patient, slotIds: [slotIds[1], slotIds[0]] });
    expect(booked.slotIds).toEqual([slotIds[0], slotIds[1]]);
    expect(new Date(booked.end).getTime() - new Date(booked.start).getTime()).toBe(20 * 60_000);
  });

  it('refuses past, taken, unknown, scattered, restricted slots and oversized text with typed errors, changing nothing but the audit trail', async () => {
    const { slotIds } = await futureSchedule(app, 'Z91001', 4);
    const urgentOnlyFor = await futureSchedule(app, 'Z91001', 1, { bookableOrganisationTypes: ['gp-practice'] });
    const video = await futureSchedule(app, 'Z91001', 1, { deliveryChannel: 'Video' });
    const taken = await book(app, other.token, { nhsNumber: patient, slotIds: [slotIds[3]] });
    expect(taken.__typename).toBe('Appointment');
    const [past] = await db().select().from(sbSlots).where(and(eq(sbSlots.practiceOds, 'Z91001'), eq(sbSlots.status, 'free'))).orderBy(sbSlots.start).limit(1);
    const before = await snapshot();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ slotIds: [past!.id] }, 'SLOT_IN_PAST'],
      [{ slotIds: [slotIds[3]] }, 'SLOT_UNAVAILABLE'],
      [{ slotIds: ['no-such-slot'] }, 'SLOT_NOT_FOUND'],
      [{ slotIds: [slotIds[0], slotIds[2]] }, 'SLOTS_NOT_CONTIGUOUS'],
      [{ slotIds: [slotIds[0], urgentOnlyFor.slotIds[0]] }, 'SLOTS_NOT_CONTIGUOUS'],
      [{ slotIds: urgentOnlyFor.slotIds }, 'NOT_BOOKABLE'],
      [{ slotIds: video.slotIds, deliveryChannels: ['In-person', 'Telephone'] }, 'NOT_BOOKABLE'],
      [{ slotIds: [slotIds[0]], description: 'x'.repeat(101) }, 'VALIDATION_FAILED'],
      [{ slotIds: [slotIds[0]], comment: 'x'.repeat(501) }, 'VALIDATION_FAILED'],
      [{ slotIds: [] }, 'VALIDATION_FAILED'],
    ];
    for (const [input, code] of cases) {
      const refused = await book(app, booker.token, { nhsNumber: patient, ...input }, { 'x-request-id': `refused-${code}` });
      expect([refused.__typename, refused.code], JSON.stringify(input)).toEqual(['ActionRefused', code]);
      const audited = await db().select().from(auditEvents).where(and(eq(auditEvents.requestId, `refused-${code}`), eq(auditEvents.operation, 'BOOK_APPOINTMENT'), eq(auditEvents.outcome, 'REFUSED')));
      expect(audited.length).toBeGreaterThan(0);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('amends only description and comment, by the booker; refuses others, oversized text and unknown fields', async () => {
    const { slotIds } = await futureSchedule(app, 'Z91001', 1);
    const booked = await book(app, booker.token, { nhsNumber: patient, slotIds });
    const amended = await app.gql<{ amendAppointment: Managed }>(AMEND, { p: 'Z91001', id: booked.id, c: 'Bring inhaler' }, booker.token);
    expect(amended.data!.amendAppointment).toMatchObject({ description: 'Asthma review', comment: 'Bring inhaler', version: '2' });
    const tooLong = await app.gql<{ amendAppointment: Managed }>(AMEND, { p: 'Z91001', id: booked.id, d: 'x'.repeat(101) }, booker.token);
    expect(tooLong.data!.amendAppointment.code).toBe('VALIDATION_FAILED');
    const notYours = await app.gql<{ amendAppointment: Managed }>(AMEND, { p: 'Z91001', id: booked.id, d: 'Mine now' }, other.token);
    expect(notYours.data!.amendAppointment.code).toBe('NOT_YOUR_APPOINTMENT');
    const startField = await app.gql(`mutation { amendAppointment(practiceOdsCode: "Z91001", appointmentId: "${booked.id}", start: "2030-01-01T00:00:00Z") { __typename } }`, {}, booker.token);
    expect(startField.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const [row] = await db().select().from(sbAppointments).where(eq(sbAppointments.id, booked.id));
    expect(row).toMatchObject({ description: 'Asthma review', comment: 'Bring inhaler', version: 2 });
  });

  it('cancels with a reason (freeing the slot) once; refuses a second cancel and a past appointment', async () => {
    const { slotIds } = await futureSchedule(app, 'Z91001', 1);
    const booked = await book(app, booker.token, { nhsNumber: patient, slotIds });
    const cancelled = await app.gql<{ cancelAppointment: Managed }>(CANCEL, { p: 'Z91001', id: booked.id, r: 'Patient feels better' }, booker.token);
    expect(cancelled.data!.cancelAppointment).toMatchObject({ status: 'CANCELLED', cancellationReason: 'Patient feels better' });
    const [slot] = await db().select().from(sbSlots).where(eq(sbSlots.id, slotIds[0]!));
    expect(slot!.status).toBe('free');
    const again = await app.gql<{ cancelAppointment: Managed }>(CANCEL, { p: 'Z91001', id: booked.id, r: 'Again' }, booker.token);
    expect(again.data!.cancelAppointment.code).toBe('INVALID_TRANSITION');
    const later = await book(app, booker.token, { nhsNumber: patient, slotIds });
    await db().update(sbAppointments).set({ start: new Date(Date.now() - 3_600_000) }).where(eq(sbAppointments.id, later.id));
    const past = await app.gql<{ cancelAppointment: Managed }>(CANCEL, { p: 'Z91001', id: later.id, r: 'Too late' }, booker.token);
    expect(past.data!.cancelAppointment.code).toBe('INVALID_TRANSITION');
    const types = (await db().select().from(outboxEvents).where(inArray(outboxEvents.type, ['appointment.cancelled']))).map((e) => (e.data as { appointmentId: string }).appointmentId);
    expect(types).toContain(booked.id);
    expect(types).not.toContain(later.id);
  });

  it('a system whose capability matrix has no amend refuses with NOT_SUPPORTED (Evolution)', async () => {
    const evolutionPatient = await patientAt(app, 'Z94001');
    const { slotIds } = await futureSchedule(app, 'Z94001', 1);
    const booked = await book(app, booker.token, { nhsNumber: evolutionPatient, slotIds });
    expect(booked.__typename).toBe('Appointment');
    const amended = await app.gql<{ amendAppointment: Managed }>(AMEND, { p: 'Z94001', id: booked.id, c: 'x' }, booker.token);
    expect(amended.data!.amendAppointment.code).toBe('NOT_SUPPORTED');
  });

  it('an app without patient/Appointment.cud is FORBIDDEN, and the refusal is audited', async () => {
    const [readOnly] = await enabledApps(app, 1, ['Z91001'], ['patient/Patient.rs', 'patient/Appointment.rs']);
    const { slotIds } = await futureSchedule(app, 'Z91001', 1);
    const response = await app.gql(
      `mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { __typename } }`,
      { i: { nhsNumber: patient, slotIds, description: 'x', bookingOrganisation: { odsCode: 'X26001', name: 'n', type: 'urgent-care' } } },
      readOnly!.token,
      { 'x-request-id': 'forbidden-book' },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const audited = await db().select().from(auditEvents).where(eq(auditEvents.requestId, 'forbidden-book'));
    expect(audited.map((a) => [a.operation, a.outcome])).toEqual([['BOOK_APPOINTMENT', 'REFUSED']]);
    expect(await db().select().from(sbAppointments).where(eq(sbAppointments.slotId, slotIds[0]!))).toHaveLength(0);
  });

  it('fifty apps booking one slot at once: exactly one appointment and forty-nine SLOT_UNAVAILABLE', async () => {
    const racers = await enabledApps(app, 50, ['Z91001']);
    const { slotIds } = await futureSchedule(app, 'Z91001', 1);
    const results = await Promise.all(racers.map((r) => book(app, r.token, { nhsNumber: patient, slotIds })));
    const outcomes = results.map((r) => r.code ?? r.__typename).sort();
    expect(outcomes.filter((o) => o === 'Appointment')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'SLOT_UNAVAILABLE')).toHaveLength(49);
    expect(await db().select().from(sbAppointments).where(eq(sbAppointments.slotId, slotIds[0]!))).toHaveLength(1);
    const booked = await db().select().from(outboxEvents).where(eq(outboxEvents.type, 'appointment.booked'));
    expect(booked.filter((e) => (e.data as { slotIds: string[] }).slotIds.includes(slotIds[0]!))).toHaveLength(1);
  });
});
