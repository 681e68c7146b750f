// Appointment management at a practice served by GP Connect, through the same mutations as the
// sandbox: the exact FHIR interactions the provider receives (method, path, Ssp-InteractionID,
// If-Match, body), the typed errors its refusals become, and the audit and events a write leaves.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../../server/db/schema/audit.js';
import { outboxEvents } from '../../server/db/schema/events.js';
import { practices } from '../../server/db/schema/governance.js';
import { availableBackends } from '../support/backends.js';
import { book, enabledApps, ORG, type EnabledApp, type Managed } from '../support/booking.js';
import { outcome, type RecordedRequest } from './support/fake-provider.js';
import { GP_PRACTICE, startGpConnectEstate, type GpConnectEstate } from './support/estate.js';
import { JANE_FOUNDATIONS, fixture } from './support/fixtures.js';
import { INTERACTION, installDiary, type ProviderDiary } from './support/provider-diary.js';

const AMEND = `mutation($p: String!, $id: String!, $d: String, $c: String) { amendAppointment(practiceOdsCode: $p, appointmentId: $id, description: $d, comment: $c) { __typename ... on Error { code message } ... on Appointment { id description comment version status } } }`;
const CANCEL = `mutation($p: String!, $id: String!, $r: String!) { cancelAppointment(practiceOdsCode: $p, appointmentId: $id, reason: $r) { __typename ... on Error { code message } ... on Appointment { id status cancellationReason version } } }`;
const READ = `query($p: String!, $id: String!) { appointment(practiceOdsCode: $p, appointmentId: $id) { __typename ... on Error { code } ... on Appointment { id status description comment slotIds nhsNumber version bookingOrganisation { odsCode name type } } } }`;
const FREE = `query($o: String!, $f: DateTime!, $t: DateTime!) { practice(odsCode: $o) { ... on Practice { slots(from: $f, to: $t) { __typename ... on SlotList { slots { id } } } } } }`;
const MINE = `query($n: String!, $f: DateTime!, $t: DateTime!) { patient(nhsNumber: $n) { ... on Patient { appointments(from: $f, to: $t) { ... on AppointmentList { appointments { id status description } } } } } }`;
const ODS = GP_PRACTICE.odsCode;
const BASE = '/A00001/STU3/1/gpconnect/fhir';

describe.each(await availableBackends())('GP Connect appointment management (%s)', (backend) => {
  let estate: GpConnectEstate;
  let diary: ProviderDiary;
  let booker: EnabledApp;
  let now = Date.now(); // the capability statement's cache clock, moved on to make it read afresh
  const db = () => estate.app.database.db;
  const sent = () => estate.provider.requests.map((r) => `${r.method} ${r.url.pathname.replace(BASE, '')} ${String(r.headers['ssp-interactionid'])}`);
  const last = (method: string): RecordedRequest => estate.provider.requests.filter((r) => r.method === method).at(-1)!;
  const gql = <T,>(query: string, variables: Record<string, unknown>, requestId?: string) =>
    estate.app.gql<T>(query, variables, booker.token, requestId ? { 'x-request-id': requestId } : undefined);
  const eventsOf = (requestId: string) => db().select().from(outboxEvents).where(eq(outboxEvents.requestId, requestId));
  const auditOf = (requestId: string, operation: string) =>
    db().select().from(auditEvents).where(and(eq(auditEvents.requestId, requestId), eq(auditEvents.operation, operation)));
  const bookOne = async (slotIds: string[], requestId?: string) =>
    book(estate.app, booker.token, { nhsNumber: JANE_FOUNDATIONS, slotIds, comment: 'Prefers mornings' }, requestId ? { 'x-request-id': requestId } : undefined);

  beforeAll(async () => {
    estate = await startGpConnectEstate(backend, { clock: () => now });
    await estate.setSandbox(true);
    [booker] = (await enabledApps(estate.app, 1, [ODS])) as [EnabledApp];
  });
  afterAll(() => estate.close());
  beforeEach(async () => {
    diary = installDiary(estate.provider);
    estate.provider.requests.length = 0;
    await db().update(practices).set({ systemId: 'EMIS_WEB' }).where(eq(practices.odsCode, ODS));
  });

  it('books contiguous free slots with one POST /Appointment carrying the booking organisation, the slots and the patient', async () => {
    const from = new Date().toISOString();
    const to = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const free = await gql<{ practice: { slots: { slots: Array<{ id: string }> } } }>(FREE, { o: ODS, f: from, t: to });
    expect(free.data!.practice.slots.slots.map((s) => s.id)).toEqual(diary.slotIds.filter((id) => !diary.practiceOnlySlotIds.includes(id)));
    estate.provider.requests.length = 0;

    const booked = await bookOne(['s2', 's1'], 'gpc-book');
    expect(booked).toMatchObject({ __typename: 'Appointment', id: '1', status: 'BOOKED', slotIds: ['s1', 's2'], description: 'Asthma review', comment: 'Prefers mornings', nhsNumber: JANE_FOUNDATIONS, practiceOdsCode: ODS, bookingOrganisation: { odsCode: ORG.odsCode, type: ORG.type } });
    expect(booked.version).toBe(String(diary.appointments.get('1')!.version));
    expect(new Date(booked.end).getTime() - new Date(booked.start).getTime()).toBe(20 * 60_000);
    expect(sent()).toEqual([
      'GET /Patient urn:nhs:names:services:gpconnect:fhir:rest:search:patient-1',
      `GET /Slot ${INTERACTION.searchSlots}`,
      `POST /Appointment ${INTERACTION.book}`,
    ]);
    // The free-slot search names the organisation that books, so the provider offers only what it may book.
    expect(estate.provider.requests[1]!.url.searchParams.getAll('searchFilter')).toEqual([
      `https://fhir.nhs.uk/Id/ods-organization-code|${ORG.odsCode}`,
      `https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1|${ORG.type}`,
    ]);
    const post = last('POST');
    expect(post.headers['content-type']).toBe('application/fhir+json;charset=utf-8');
    expect(post.headers['if-match']).toBeUndefined();
    const body = post.body as Record<string, unknown>;
    const [s1, s2] = [diary.slotIds[0], diary.slotIds[1]];
    expect(body).toEqual({
      resourceType: 'Appointment',
      meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Appointment-1'] },
      contained: [
        {
          resourceType: 'Organization',
          id: '1',
          meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Organization-1'] },
          identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: ORG.odsCode }],
          type: [{ coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1', code: ORG.type }] }],
          name: ORG.name,
        },
      ],
      extension: [{ url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-GPConnect-BookingOrganisation-1', valueReference: { reference: '#1' } }],
      status: 'booked',
      description: 'Asthma review',
      comment: 'Prefers mornings',
      start: booked.start.replace(/\.\d{3}Z$/, '.000Z'),
      end: booked.end.replace(/\.\d{3}Z$/, '.000Z'),
      slot: [{ reference: `Slot/${s1}` }, { reference: `Slot/${s2}` }],
      created: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/),
      participant: [
        { actor: { reference: 'Patient/2' }, status: 'accepted' },
        { actor: { reference: 'Location/17' }, status: 'accepted' },
      ],
    });
    const [event] = await eventsOf('gpc-book');
    expect(event).toMatchObject({ type: 'appointment.booked', practiceOds: ODS, nhsNumber: JANE_FOUNDATIONS, appId: booker.appId, data: expect.objectContaining({ appointmentId: '1', slotIds: ['s1', 's2'] }) });
    expect((await auditOf('gpc-book', 'BOOK_APPOINTMENT')).map((a) => [a.outcome, a.nhsNumber])).toContainEqual(['ALLOWED', JANE_FOUNDATIONS]);

    // The booked slots leave the free list; the patient's appointments in the period include the booking.
    estate.provider.requests.length = 0;
    const after = await gql<{ practice: { slots: { slots: Array<{ id: string }> } } }>(FREE, { o: ODS, f: from, t: to });
    expect(after.data!.practice.slots.slots.map((s) => s.id)).not.toContain('s1');
    const mine = await gql<{ patient: { appointments: { appointments: Array<{ id: string; status: string }> } } }>(MINE, { n: JANE_FOUNDATIONS, f: from, t: to });
    expect(mine.data!.patient.appointments.appointments).toEqual([{ id: '1', status: 'BOOKED', description: 'Asthma review' }]);
    expect(sent()).toContain('GET /Patient/2/Appointment urn:nhs:names:services:gpconnect:fhir:rest:search:patient_appointments-1');
  });

  it('reads one appointment by id with the read interaction and finds its NHS number from the patient reference', async () => {
    const booked = await bookOne(['s3']);
    estate.provider.requests.length = 0;
    const read = await gql<{ appointment: Record<string, unknown> }>(READ, { p: ODS, id: booked.id });
    expect(read.data!.appointment).toEqual({
      __typename: 'Appointment',
      id: booked.id,
      status: 'BOOKED',
      description: 'Asthma review',
      comment: 'Prefers mornings',
      slotIds: ['s3'],
      nhsNumber: JANE_FOUNDATIONS,
      version: booked.version,
      bookingOrganisation: ORG,
    });
    expect(sent()).toEqual([`GET /Appointment/${booked.id} ${INTERACTION.read}`, `GET /Patient/2 ${INTERACTION.readPatient}`]);
  });

  it('amends only description and comment with PUT and If-Match of the version the provider returned', async () => {
    const booked = await bookOne(['s4']);
    const before = structuredClone(diary.appointments.get(booked.id)!.resource);
    estate.provider.requests.length = 0;
    const amended = await gql<{ amendAppointment: Managed }>(AMEND, { p: ODS, id: booked.id, c: 'Bring inhaler' }, 'gpc-amend');
    expect(amended.data!.amendAppointment).toMatchObject({ __typename: 'Appointment', description: 'Asthma review', comment: 'Bring inhaler', status: 'BOOKED' });
    expect(amended.data!.amendAppointment.version).not.toBe(booked.version);
    expect(sent()).toEqual([`GET /Appointment/${booked.id} ${INTERACTION.read}`, `GET /Patient/2 ${INTERACTION.readPatient}`, `PUT /Appointment/${booked.id} ${INTERACTION.amend}`]);
    const put = last('PUT');
    expect(put.headers['if-match']).toBe(`W/"${booked.version}"`);
    // Everything but the comment goes back exactly as the provider sent it.
    expect(put.body).toEqual({ ...before, comment: 'Bring inhaler' });
    const [event] = await eventsOf('gpc-amend');
    expect(event).toMatchObject({ type: 'appointment.amended', nhsNumber: JANE_FOUNDATIONS, data: expect.objectContaining({ appointmentId: booked.id, comment: 'Bring inhaler' }) });
    expect((await auditOf('gpc-amend', 'AMEND_APPOINTMENT')).map((a) => a.outcome)).toContain('ALLOWED');

    const tooLong = await gql<{ amendAppointment: Managed }>(AMEND, { p: ODS, id: booked.id, d: 'x'.repeat(101) });
    expect(tooLong.data!.amendAppointment.code).toBe('VALIDATION_FAILED');
    expect(estate.provider.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('cancels with status cancelled and the cancellation-reason extension, freeing the slot; refuses a second cancel and a past appointment', async () => {
    const booked = await bookOne(['s5']);
    const before = structuredClone(diary.appointments.get(booked.id)!.resource);
    estate.provider.requests.length = 0;
    const cancelled = await gql<{ cancelAppointment: Managed }>(CANCEL, { p: ODS, id: booked.id, r: 'Patient feels better' }, 'gpc-cancel');
    expect(cancelled.data!.cancelAppointment).toMatchObject({ __typename: 'Appointment', status: 'CANCELLED', cancellationReason: 'Patient feels better' });
    const put = last('PUT');
    expect(put.headers['ssp-interactionid']).toBe(INTERACTION.cancel);
    expect(put.headers['if-match']).toBe(`W/"${booked.version}"`);
    expect(put.body).toEqual({
      ...before,
      status: 'cancelled',
      extension: [
        ...(before.extension as unknown[]),
        { url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-GPConnect-AppointmentCancellationReason-1', valueString: 'Patient feels better' },
      ],
    });
    expect(diary.busy.has('s5')).toBe(false);
    expect((await eventsOf('gpc-cancel')).map((e) => e.type)).toEqual(['appointment.cancelled']);

    const again = await gql<{ cancelAppointment: Managed }>(CANCEL, { p: ODS, id: booked.id, r: 'Again' });
    expect(again.data!.cancelAppointment.code).toBe('INVALID_TRANSITION');

    const later = await bookOne(['s6']);
    diary.appointments.get(later.id)!.resource.start = new Date(Date.now() - 3_600_000).toISOString();
    estate.provider.requests.length = 0;
    const past = await gql<{ cancelAppointment: Managed }>(CANCEL, { p: ODS, id: later.id, r: 'Too late' }, 'gpc-past');
    expect(past.data!.cancelAppointment.code).toBe('INVALID_TRANSITION');
    expect(estate.provider.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    expect(await eventsOf('gpc-past')).toEqual([]);
    expect((await auditOf('gpc-past', 'CANCEL_APPOINTMENT')).map((a) => [a.outcome, a.reason])).toContainEqual(['REFUSED', expect.stringMatching(/^INVALID_TRANSITION: /)]);
  });

  it("maps the provider's refusals to typed errors, with no event and a refusal in the audit trail", async () => {
    const booked = await bookOne(['s7']);
    const refusals: Array<[string, (r: RecordedRequest) => boolean, number, string, () => Promise<Managed>, string]> = [
      ['taken', (r) => r.method === 'POST', 409, 'DUPLICATE_REJECTED', () => bookOne(['s8'], 'gpc-taken'), 'SLOT_UNAVAILABLE'],
      ['invalid', (r) => r.method === 'POST', 422, 'INVALID_RESOURCE', () => bookOne(['s8'], 'gpc-invalid'), 'VALIDATION_FAILED'],
      ['moved-on', (r) => r.method === 'PUT', 409, 'FHIR_CONSTRAINT_VIOLATION', async () => (await gql<{ amendAppointment: Managed }>(AMEND, { p: ODS, id: booked.id, c: 'x' }, 'gpc-moved-on')).data!.amendAppointment, 'VERSION_CONFLICT'],
      ['forbidden', (r) => r.method === 'PUT', 403, 'ACCESS_DENIED', async () => (await gql<{ cancelAppointment: Managed }>(CANCEL, { p: ODS, id: booked.id, r: 'x' }, 'gpc-forbidden')).data!.cancelAppointment, 'NOT_YOUR_APPOINTMENT'],
      ['unknown', (r) => r.method === 'GET' && r.url.pathname.includes('/Appointment/'), 404, 'REFERENCE_NOT_FOUND', async () => (await gql<{ cancelAppointment: Managed }>(CANCEL, { p: ODS, id: '404', r: 'x' }, 'gpc-unknown')).data!.cancelAppointment, 'APPOINTMENT_NOT_FOUND'],
    ];
    for (const [name, when, status, spineCode, act, code] of refusals) {
      const diaryAnswer = estate.provider.override!;
      estate.provider.override = (r) => (when(r) ? { status, body: outcome(spineCode) } : diaryAnswer(r));
      const refused = await act();
      estate.provider.override = diaryAnswer;
      expect([refused.__typename, refused.code], name).toEqual(['ActionRefused', code]);
      expect(refused.message, name).not.toMatch(/diagnostics/);
      expect(await eventsOf(`gpc-${name}`), name).toEqual([]);
      const audited = await db().select().from(auditEvents).where(eq(auditEvents.requestId, `gpc-${name}`));
      expect(audited.map((a) => a.outcome), name).toContain('REFUSED');
    }
    expect(diary.appointments.get(booked.id)!.resource.status).toBe('booked');

    const read = await gql<{ appointment: Managed }>(READ, { p: ODS, id: 'no-such' });
    expect(read.data!.appointment).toEqual({ __typename: 'ActionRefused', code: 'APPOINTMENT_NOT_FOUND' });
  });

  it('refuses a slot that is not among the free slots the booking organisation may book, without a POST', async () => {
    const [practiceOnly] = diary.practiceOnlySlotIds;
    const refused = await bookOne([practiceOnly!], 'gpc-not-offered');
    expect([refused.__typename, refused.code]).toEqual(['ActionRefused', 'SLOT_UNAVAILABLE']);
    const gap = await bookOne(['s9', 's11']);
    expect(gap.code).toBe('SLOTS_NOT_CONTIGUOUS');
    expect(estate.provider.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('a system whose capability matrix has no amend answers NOT_SUPPORTED without asking the provider', async () => {
    const booked = await bookOne(['s10']);
    await db().update(practices).set({ systemId: 'MICROTEST_EVOLUTION' }).where(eq(practices.odsCode, ODS));
    estate.provider.requests.length = 0;
    const amended = await gql<{ amendAppointment: Managed }>(AMEND, { p: ODS, id: booked.id, c: 'x' });
    expect(amended.data!.amendAppointment.code).toBe('NOT_SUPPORTED');
    expect(estate.provider.requests).toEqual([]);
  });

  it("refuses booking, amending and cancelling that the provider's capability statement leaves out, before asking it", async () => {
    const booked = await bookOne(['s10']);
    expect(booked.__typename).toBe('Appointment');
    const statement = fixture('foundations--get_capability_statement_response_example.json') as { rest: Array<{ resource: Array<{ type: string; interaction?: Array<{ code: string }> }> }> };
    for (const resource of statement.rest[0]!.resource) {
      if (resource.type === 'Appointment') resource.interaction = (resource.interaction ?? []).filter((i) => i.code !== 'create' && i.code !== 'update');
    }
    const diaryAnswers = estate.provider.override;
    estate.provider.requests.length = 0;
    estate.provider.override = (request) => (request.url.pathname.endsWith('/metadata') ? { status: 200, body: statement } : diaryAnswers?.(request));
    now += 2 * 3_600_000; // past the cached statement's lifetime
    try {
      await bookOne(['s11']).then((r) => expect(r.code).toBe('NOT_SUPPORTED'));
      const amended = await gql<{ amendAppointment: Managed }>(AMEND, { p: ODS, id: booked.id, c: 'x' });
      expect(amended.data!.amendAppointment.code).toBe('NOT_SUPPORTED');
      const cancelled = await gql<{ cancelAppointment: Managed }>(CANCEL, { p: ODS, id: booked.id, r: 'Not needed' });
      expect(cancelled.data!.cancelAppointment.code).toBe('NOT_SUPPORTED');
      expect(estate.provider.requests.filter((r) => r.method === 'POST' || r.method === 'PUT')).toEqual([]);
    } finally {
      estate.provider.override = diaryAnswers;
      now += 2 * 3_600_000;
    }
  });
});
