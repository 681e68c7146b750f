// Free slots of a practice and a patient's appointments.
import { builder } from '../builder.js';
import { slotSearchRangeProblem, type Appointment, type Slot } from '../../domain/scheduling.js';
import type { BookingOrganisation, ManagedAppointment } from '../../domain/scheduling/booking.js';
import { settle } from '../loaders.js';
import { ConnectorError } from '../../systems/types.js';
import { errorRefs, fromConnectorError, PATIENT_READ_ERRORS, resolveResultType, typedError } from './errors.js';
import { PatientType, PracticeType } from './refs.js';

const SlotStatusEnum = builder.enumType('SlotStatus', { values: ['FREE', 'BUSY'] as const });
const AppointmentStatusEnum = builder.enumType('AppointmentStatus', {
  values: ['BOOKED', 'FULFILLED', 'CANCELLED', 'NOSHOW', 'PENDING', 'ARRIVED'] as const,
});

const SlotType = builder.objectRef<Slot>('Slot').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    start: t.field({ type: 'DateTime', resolve: (s) => s.start }),
    end: t.field({ type: 'DateTime', resolve: (s) => s.end }),
    status: t.field({ type: SlotStatusEnum, resolve: (s) => s.status }),
    deliveryChannel: t.exposeString('deliveryChannel', { nullable: true }),
    practitioner: t.exposeString('practitioner', { nullable: true }),
    practitionerRole: t.exposeString('practitionerRole', { nullable: true }),
    location: t.exposeString('location', { nullable: true }),
    serviceType: t.exposeString('serviceType', { nullable: true }),
  }),
});

/**
 * One appointment type for reads and writes: a patient's appointments carry whose they are; the
 * appointment management answers (book, amend, cancel, read by id) also carry slots and version.
 */
export type AppointmentView = Appointment & Pick<ManagedAppointment, 'nhsNumber' | 'practiceOds'> & Partial<Pick<ManagedAppointment, 'slotIds' | 'bookingOrganisation' | 'cancellationReason' | 'version'>>;

const BookingOrganisationType = builder.objectRef<BookingOrganisation>('BookingOrganisation').implement({
  fields: (t) => ({ odsCode: t.exposeString('odsCode'), name: t.exposeString('name'), type: t.exposeString('type') }),
});

export const AppointmentType = builder.objectRef<AppointmentView>('Appointment').implement({
  description: 'An appointment at a practice. Appointment management answers also carry its slots and version.',
  fields: (t) => ({
    id: t.exposeString('id'),
    practiceOdsCode: t.exposeString('practiceOds'),
    nhsNumber: t.exposeString('nhsNumber'),
    start: t.field({ type: 'DateTime', resolve: (a) => a.start }),
    end: t.field({ type: 'DateTime', resolve: (a) => a.end }),
    status: t.field({ type: AppointmentStatusEnum, resolve: (a) => a.status }),
    description: t.exposeString('description', { nullable: true }),
    comment: t.exposeString('comment', { nullable: true }),
    practitioner: t.exposeString('practitioner', { nullable: true }),
    location: t.exposeString('location', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.createdAt }),
    slotIds: t.stringList({ nullable: true, description: 'The slots it holds (appointment management answers).', resolve: (a) => a.slotIds ?? null }),
    cancellationReason: t.string({ nullable: true, resolve: (a) => a.cancellationReason ?? null }),
    bookingOrganisation: t.field({ type: BookingOrganisationType, nullable: true, resolve: (a) => a.bookingOrganisation ?? null }),
    version: t.string({ nullable: true, description: "The provider's version (appointment management answers): amend and cancel change it.", resolve: (a) => a.version ?? null }),
  }),
});

const SlotList = builder.objectRef<{ slots: Slot[] }>('SlotList').implement({
  fields: (t) => ({ slots: t.field({ type: [SlotType], resolve: (l) => l.slots }) }),
});
const AppointmentList = builder.objectRef<{ appointments: AppointmentView[] }>('AppointmentList').implement({
  fields: (t) => ({ appointments: t.field({ type: [AppointmentType], resolve: (l) => l.appointments }) }),
});

const SlotsResult = builder.unionType('SlotsResult', {
  types: [SlotList, errorRefs.InvalidDateRange, errorRefs.ClinicalSystemError],
  resolveType: resolveResultType('SlotList'),
});
const AppointmentsResult = builder.unionType('AppointmentsResult', {
  // A provider may refuse a patient's appointments search with PATIENT_NOT_FOUND or INVALID_NHS_NUMBER.
  types: [AppointmentList, errorRefs.InvalidDateRange, ...PATIENT_READ_ERRORS.map((name) => errorRefs[name])],
  resolveType: resolveResultType('AppointmentList'),
});

const MAX_APPOINTMENT_RANGE_DAYS = 456;
const DAY = 86_400_000;

builder.objectField(PracticeType, 'slots', (t) =>
  t.field({
    type: SlotsResult,
    nullable: true,
    description: 'Free slots starting in [from, to); at most 14 days, as in GP Connect.',
    args: { from: t.arg({ type: 'DateTime', required: true }), to: t.arg({ type: 'DateTime', required: true }) },
    resolve: async (practice, args, ctx) => {
      const range = { from: args.from, to: args.to };
      const problem = slotSearchRangeProblem(range);
      if (problem) return typedError('InvalidDateRange', 'INVALID_DATE_RANGE', problem);
      const slots = await settle((async () => ctx.loaders.connectorFor(practice).searchSlots(practice, range, ctx.meta))());
      return slots instanceof ConnectorError ? fromConnectorError(slots, ['InvalidDateRange', 'ClinicalSystemError']) : { slots };
    },
  }),
);

builder.objectField(PatientType, 'appointments', (t) =>
  t.field({
    type: AppointmentsResult,
    nullable: true,
    description: 'Appointments starting in [from, to); defaults to 90 days back and 365 ahead.',
    args: { from: t.arg({ type: 'DateTime', required: false }), to: t.arg({ type: 'DateTime', required: false }) },
    resolve: async (patient, args, ctx) => {
      const now = Date.now();
      const from = args.from ?? new Date(Math.floor((now - 90 * DAY) / DAY) * DAY);
      const to = args.to ?? new Date(Math.ceil((now + 365 * DAY) / DAY) * DAY);
      if (to <= from || to.getTime() - from.getTime() > MAX_APPOINTMENT_RANGE_DAYS * DAY) {
        return typedError('InvalidDateRange', 'INVALID_DATE_RANGE', `to must be after from, at most ${MAX_APPOINTMENT_RANGE_DAYS} days later`);
      }
      const appointments = await settle(ctx.loaders.appointments.load({ ...patient, from, to }));
      if (appointments instanceof ConnectorError) return fromConnectorError(appointments, [...PATIENT_READ_ERRORS, 'InvalidDateRange']);
      return { appointments: appointments.map((a) => ({ ...a, nhsNumber: patient.nhsNumber, practiceOds: patient.practice.odsCode })) };
    },
  }),
);
