// Plugin effects on both back ends: booking and cancelling appointments and sending documents to the
// review queue through the same domain functions as the API (audited under the run id, the same
// outbox events), log lines, and every
// refusal (scope, undeclared kind, other practice, disabled mid-run, one effect the domain refuses)
// leaving every table as it was.
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../server/db/schema/audit.js';
import { documents, outboxEvents } from '../../server/db/schema/events.js';
import { practiceTasks } from '../../server/db/schema/plugins.js';
import { sbAppointments, sbSlots } from '../../server/db/schema/sandbox.js';
import { toDomainEvent } from '../../server/domain/events/outbox.js';
import { createPluginHost } from '../../server/plugins/host.js';
import { triggerFromOutbox } from '../../server/plugins/events.js';
import { availableBackends } from '../support/backends.js';
import { futureSchedule, patientAt } from '../support/booking.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { disable, live, pluginSupplier, runNow, type PluginPeople } from './support.js';

const ALL_EFFECTS = ['practice-task.create', 'appointment.book', 'appointment.cancel', 'document.send', 'log'];
const SCOPES = ['patient/Patient.rs', 'patient/Appointment.cud', 'patient/DocumentReference.c', 'system/Task.c'];
const manifest = (name: string, effects = ALL_EFFECTS, extra: Record<string, unknown> = {}) => ({
  name, version: '1.0.0', description: 'Proposes the effects under test.', triggers: [{ kind: 'manual' }], scopes: SCOPES, effects, limits: { timeoutMs: 2000 }, ...extra,
});
/** A bundle whose run returns exactly these effects. */
const proposing = (...effects: Array<Record<string, unknown>>) => `export default { run() { return ${JSON.stringify(effects)}; } };`;
const book = (nhsNumber: string, slotIds: string[]) => ({ kind: 'appointment.book', nhsNumber, slotIds, description: 'Annual review', comment: 'Booked by the recall plugin' });
const cancel = (appointmentId: string) => ({ kind: 'appointment.cancel', appointmentId, reason: 'Recall no longer needed' });
const task = (nhsNumber: string) => ({ kind: 'practice-task.create', nhsNumber, title: 'Call the patient' });
const letter = (nhsNumber: string, text = 'Please complete the questionnaire before your appointment.') => ({ kind: 'document.send', nhsNumber, title: 'Pre-appointment questionnaire', text });

describe.each(await availableBackends())('plugin effects (%s)', (backend) => {
  let app: TestApp;
  let people: PluginPeople;
  let own: string;
  let other: string;
  let slots: string[];
  let otherSlots: string[];
  let counter = 0;
  const unique = (stem: string) => `${stem}-${++counter}`;

  beforeAll(async () => {
    app = await startTestApp(backend, { patients: 40 });
    people = await pluginSupplier(app);
    own = await patientAt(app, 'Z91001', 0);
    other = await patientAt(app, 'Z91002', 0);
    slots = (await futureSchedule(app, 'Z91001', 6)).slotIds;
    otherSlots = (await futureSchedule(app, 'Z91002', 2)).slotIds;
  });
  afterAll(() => app.close());

  const db = () => app.database.db;
  /** Everything an effect could change, to compare before and after a refused run. */
  const snapshot = async () => ({
    appointments: await db().select().from(sbAppointments).orderBy(asc(sbAppointments.id)),
    slots: await db().select({ id: sbSlots.id, status: sbSlots.status }).from(sbSlots).orderBy(asc(sbSlots.id)),
    tasks: await db().select().from(practiceTasks).orderBy(asc(practiceTasks.id)),
    documents: await db().select({ id: documents.id, status: documents.status }).from(documents).orderBy(asc(documents.id)),
    outbox: (await db().select({ id: outboxEvents.id }).from(outboxEvents)).length,
  });
  const auditOf = (runId: string) => db().select().from(auditEvents).where(eq(auditEvents.requestId, runId));
  async function refusedWithNothingApplied(name: string, outcome: string, error: RegExp) {
    const before = await snapshot();
    const run = await runNow(app, people.admin, name);
    expect(run).toMatchObject({ __typename: 'PluginRun', outcome, effectsApplied: 0, error: expect.stringMatching(error) });
    expect(await snapshot()).toEqual(before);
    expect((await auditOf(run.id as string)).map((e) => [e.operation, e.outcome])).toEqual([['RUN_PLUGIN', 'REFUSED']]);
    return run;
  }

  it('books and cancels through the API’s domain functions: audited under the run id, with the same outbox events', async () => {
    const name = unique('book');
    await live(app, people, manifest(name), proposing(book(own, slots.slice(0, 2)), { kind: 'log', message: 'recall booked', level: 'info' }));
    const run = await runNow(app, people.admin, name);
    expect(run).toMatchObject({ outcome: 'OK', error: null, effectsApplied: 2 });

    const [appointment] = await db().select().from(sbAppointments).where(eq(sbAppointments.bookedBy, run.id as string));
    expect(appointment).toMatchObject({ nhsNumber: own, practiceOds: 'Z91001', status: 'booked', slotIds: slots.slice(0, 2), description: 'Annual review', bookingOrganisation: { odsCode: 'Z91001', type: 'gp-practice' } });
    const taken = await db().select().from(sbSlots).where(eq(sbSlots.status, 'busy'));
    expect(taken.map((s) => s.id)).toEqual(expect.arrayContaining(slots.slice(0, 2)));

    const audit = await auditOf(run.id as string);
    expect(audit.map((e) => e.operation).sort()).toEqual(['BOOK_APPOINTMENT', 'PLUGIN_LOG', 'RUN_PLUGIN']);
    expect(audit.every((e) => e.actorKind === 'PLUGIN_RUN' && e.actorId === run.id && e.supplierId === people.supplierId && e.practiceOds === 'Z91001')).toBe(true);
    expect(audit.find((e) => e.operation === 'PLUGIN_LOG')!.detail).toEqual({ message: 'recall booked', level: 'info' });

    const [event] = await db().select().from(outboxEvents).where(eq(outboxEvents.requestId, run.id as string));
    expect(event).toMatchObject({ type: 'appointment.booked', practiceOds: 'Z91001', nhsNumber: own, supplierId: people.supplierId, data: expect.objectContaining({ appointmentId: appointment!.id }) });
    // Webhooks hear it; plugins do not, so two plugins cannot trigger each other for ever.
    expect(triggerFromOutbox(toDomainEvent(event!))).toBeNull();

    const canceller = unique('cancel');
    await live(app, people, manifest(canceller), proposing(cancel(appointment!.id)));
    const cancelled = await runNow(app, people.admin, canceller);
    expect(cancelled).toMatchObject({ outcome: 'OK', effectsApplied: 1 });
    const [after] = await db().select().from(sbAppointments).where(eq(sbAppointments.id, appointment!.id));
    expect(after).toMatchObject({ status: 'cancelled', cancellationReason: 'Recall no longer needed' });
    expect((await db().select().from(sbSlots).where(eq(sbSlots.id, slots[0]!)))[0]!.status).toBe('free');
    expect((await db().select().from(outboxEvents).where(eq(outboxEvents.requestId, cancelled.id as string))).map((e) => e.type)).toEqual(['appointment.cancelled']);
    expect((await auditOf(cancelled.id as string)).map((e) => e.operation).sort()).toEqual(['CANCEL_APPOINTMENT', 'RUN_PLUGIN']);
  });

  it('sends a document to the practice’s review queue through the documents API, audited under the run id', async () => {
    const name = unique('letter');
    await live(app, people, manifest(name), proposing(letter(own)));
    const run = await runNow(app, people.admin, name);
    expect(run).toMatchObject({ outcome: 'OK', error: null, effectsApplied: 1 });
    const [sent] = await db().select().from(documents).where(eq(documents.sentBy, run.id as string));
    expect(sent).toMatchObject({ practiceOds: 'Z91001', nhsNumber: own, title: 'Pre-appointment questionnaire', contentType: 'PLAIN_TEXT', status: 'AWAITING_REVIEW', supplierId: people.supplierId, senderAppId: null });
    expect((await db().select().from(outboxEvents).where(eq(outboxEvents.requestId, run.id as string))).map((e) => e.type)).toEqual(['document.received']);
    const audit = await auditOf(run.id as string);
    expect(audit.map((e) => e.operation).sort()).toEqual(['RUN_PLUGIN', 'SEND_DOCUMENT']);
    expect(audit.find((e) => e.operation === 'SEND_DOCUMENT')).toMatchObject({ actorKind: 'PLUGIN_RUN', actorId: run.id, nhsNumber: own, outcome: 'ALLOWED' });
  });

  it('refuses an effect whose scope the practice withheld, with nothing applied', async () => {
    for (const effect of [book(own, [slots[2]!]), cancel('appt_any'), task(own), letter(own)]) {
      const name = unique('no-scope');
      // The practice consents to reading only.
      await live(app, people, manifest(name), proposing(effect), ['patient/Patient.rs']);
      await refusedWithNothingApplied(name, 'EFFECTS_REFUSED', /needs scope (patient\/Appointment\.cud|system\/Task\.c|patient\/DocumentReference\.c)/);
    }
  });

  it('refuses an effect kind the manifest does not declare, with nothing applied', async () => {
    for (const [effect, declared] of [[book(own, [slots[2]!]), ['log']], [cancel('appt_any'), ['appointment.book']], [{ kind: 'log', message: 'hello' }, ['practice-task.create']], [letter(own), ['log']]] as const) {
      const name = unique('undeclared');
      await live(app, people, manifest(name, [...declared]), proposing(effect));
      await refusedWithNothingApplied(name, 'EFFECTS_REFUSED', /not declared in the manifest/);
    }
  });

  it('refuses effects on another practice’s patient, slots or appointment, with nothing applied', async () => {
    // An appointment at Z91002, stored as the booking mutation stores it.
    const [booked] = await db().insert(sbAppointments).values({
      id: 'appt-other-practice', slotId: otherSlots[0]!, slotIds: [otherSlots[0]!], nhsNumber: other, practiceOds: 'Z91002',
      start: new Date(Date.now() + 86_400_000), end: new Date(Date.now() + 87_000_000), status: 'booked', createdAt: new Date(), bookedBy: 'someone',
    }).returning();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [book(other, [otherSlots[1]!]), /not registered at Z91001/],
      [book(own, [otherSlots[1]!]), /SLOT_NOT_FOUND/],
      [cancel(booked!.id), /APPOINTMENT_NOT_FOUND/],
      [letter(other), /not registered at Z91001/],
    ];
    for (const [effect, error] of cases) {
      const name = unique('other-practice');
      await live(app, people, manifest(name), proposing(effect));
      await refusedWithNothingApplied(name, 'EFFECTS_REFUSED', error);
    }
  });

  it('applies all or nothing: a later effect the domain refuses undoes the earlier ones', async () => {
    const cases = [
      // The second booking asks for a slot the first just took.
      [task(own), book(own, [slots[3]!]), { kind: 'log', message: 'two bookings' }, book(own, [slots[3]!])],
      // A booking, then a cancellation of an appointment that does not exist.
      [book(own, [slots[4]!]), cancel('appt-does-not-exist')],
      // A document, then one whose content the documents API refuses.
      [letter(own), task(own), { kind: 'document.send', nhsNumber: own, title: 'Scan', contentBase64: 'not base64!' }],
    ];
    for (const effects of cases) {
      const name = unique('all-or-nothing');
      await live(app, people, manifest(name), proposing(...effects));
      const run = await refusedWithNothingApplied(name, 'EFFECTS_REFUSED', /^effect \d: (SLOT_UNAVAILABLE|APPOINTMENT_NOT_FOUND|INVALID_BASE64)/);
      expect(await db().select().from(sbAppointments).where(eq(sbAppointments.bookedBy, run.id as string))).toEqual([]);
    }
    // Alone, the same booking is applied: it was the later effect that undid it.
    const name = unique('alone');
    await live(app, people, manifest(name), proposing(book(own, [slots[3]!])));
    expect(await runNow(app, people.admin, name)).toMatchObject({ outcome: 'OK', effectsApplied: 1 });
  });

  it('refuses every effect of a run in flight when the practice disables the plugin', async () => {
    const name = unique('disabled');
    const probe = manifest(name, ALL_EFFECTS, { input: { query: 'query Probe($odsCode: String!) { practice(odsCode: $odsCode) { __typename } }' } });
    await live(app, people, probe, proposing(task(own), book(own, [slots[5]!]), letter(own), { kind: 'log', message: 'never written' }));
    const host = createPluginHost({
      db: db(),
      tokens: app.api.plugins.tokens,
      threads: 1,
      // The practice disables the plugin between the input query and the sandbox.
      api: async (request) => {
        const response = await app.api.yoga.fetch(request);
        await disable(app, people.admin, name);
        return response;
      },
    });
    try {
      const before = await snapshot();
      const run = await host.run('Z91001', name, { kind: 'manual', by: 'test' });
      expect(run).toMatchObject({ outcome: 'DISABLED', effectsApplied: 0 });
      expect(await snapshot()).toEqual(before);
    } finally {
      await host.close();
    }
  });
});
