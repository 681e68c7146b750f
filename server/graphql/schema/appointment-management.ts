// Appointment management: book, amend, cancel and read one appointment, on any connector.
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { amendAppointment, bookAppointment, cancelAppointment, readAppointment, type WriteContext } from '../../domain/scheduling/appointments.js';
import type { ManagedAppointment } from '../../domain/scheduling/booking.js';
import { ConnectorError } from '../../systems/types.js';
import { errorRefs, fromConnectorError, resolveResultType, typedError, TypedError, type ErrorCode } from './errors.js';
import { locatePatient } from './patient.js';
import { AppointmentType } from './scheduling.js';

const AppointmentResult = builder.unionType('AppointmentResult', {
  types: [AppointmentType, errorRefs.ActionRefused, errorRefs.ClinicalSystemError, errorRefs.PatientNotFound, errorRefs.InvalidNhsNumber, errorRefs.PracticeNotFound],
  resolveType: resolveResultType('Appointment'),
});

const BookingOrganisationInput = builder.inputType('BookingOrganisationInput', {
  fields: (t) => ({
    odsCode: t.string({ required: true }),
    name: t.string({ required: true }),
    type: t.string({ required: true, description: 'GP Connect organisation type, e.g. gp-practice, urgent-care.' }),
  }),
});

const BookAppointmentInput = builder.inputType('BookAppointmentInput', {
  fields: (t) => ({
    nhsNumber: t.string({ required: true }),
    slotIds: t.stringList({ required: true, description: 'One slot, or several contiguous slots of one schedule.' }),
    description: t.string({ required: true, description: 'At most 100 characters.' }),
    comment: t.string({ required: false, description: 'At most 500 characters.' }),
    bookingOrganisation: t.field({ type: BookingOrganisationInput, required: true }),
    deliveryChannels: t.stringList({ required: false, description: 'Channels you can offer (In-person, Telephone, Video); any when omitted.' }),
  }),
});

/** Connector failures of a write are refusals the caller can act on; provider outages stay ClinicalSystemError. */
const WRITE_REFUSALS = new Set(['VALIDATION_FAILED', 'SLOT_NOT_FOUND', 'SLOT_UNAVAILABLE', 'SLOT_IN_PAST', 'SLOTS_NOT_CONTIGUOUS', 'NOT_BOOKABLE', 'APPOINTMENT_NOT_FOUND', 'INVALID_TRANSITION', 'NOT_YOUR_APPOINTMENT', 'VERSION_CONFLICT', 'NOT_SUPPORTED']);

function answer(outcome: ManagedAppointment | ConnectorError): ManagedAppointment | TypedError {
  if (!(outcome instanceof ConnectorError)) return outcome;
  return WRITE_REFUSALS.has(outcome.code) ? new TypedError('ActionRefused', outcome.code as ErrorCode, outcome.message) : fromConnectorError(outcome);
}

async function writeContext(ctx: GraphQLContext, odsCode: string): Promise<WriteContext | TypedError> {
  const practice = await ctx.loaders.practice.load(odsCode);
  if (!practice) return typedError('PracticeNotFound', 'PRACTICE_NOT_FOUND');
  return { db: ctx.db, actor: ctx.actor, meta: ctx.meta, practice, connector: ctx.loaders.connectorFor(practice) };
}

builder.mutationField('bookAppointment', (t) =>
  t.field({
    type: AppointmentResult,
    description: "Books free future slots for a patient at their registered practice. Send an Idempotency-Key header to retry safely.",
    args: { input: t.arg({ type: BookAppointmentInput, required: true }) },
    resolve: async (_, { input }, ctx) => {
      const located = await locatePatient(ctx, input.nhsNumber);
      if (!('practice' in located)) return located;
      const write = await writeContext(ctx, located.practice.odsCode);
      if (!('practice' in write)) return write;
      return answer(
        await bookAppointment(write, {
          nhsNumber: located.nhsNumber,
          slotIds: input.slotIds,
          description: input.description,
          comment: input.comment ?? null,
          bookingOrganisation: input.bookingOrganisation,
          deliveryChannels: input.deliveryChannels ?? null,
        }),
      );
    },
  }),
);

builder.mutationField('amendAppointment', (t) =>
  t.field({
    type: AppointmentResult,
    description: 'Changes only the description (at most 100 characters) and/or the comment (at most 500).',
    args: {
      practiceOdsCode: t.arg.string({ required: true }),
      appointmentId: t.arg.string({ required: true }),
      description: t.arg.string({ required: false }),
      comment: t.arg.string({ required: false }),
    },
    resolve: async (_, a, ctx) => {
      const write = await writeContext(ctx, a.practiceOdsCode);
      if (!('practice' in write)) return write;
      return answer(
        await amendAppointment(write, {
          appointmentId: a.appointmentId,
          ...(a.description !== undefined ? { description: a.description } : {}),
          ...(a.comment !== undefined ? { comment: a.comment } : {}),
        }),
      );
    },
  }),
);

builder.mutationField('cancelAppointment', (t) =>
  t.field({
    type: AppointmentResult,
    description: 'Cancels a future appointment with a reason; its slots become free again.',
    args: { practiceOdsCode: t.arg.string({ required: true }), appointmentId: t.arg.string({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => {
      const write = await writeContext(ctx, a.practiceOdsCode);
      if (!('practice' in write)) return write;
      return answer(await cancelAppointment(write, { appointmentId: a.appointmentId, reason: a.reason }));
    },
  }),
);

builder.queryField('appointment', (t) =>
  t.field({
    type: AppointmentResult,
    nullable: true,
    description: 'One appointment at a practice, by id.',
    args: { practiceOdsCode: t.arg.string({ required: true }), appointmentId: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => {
      const write = await writeContext(ctx, a.practiceOdsCode);
      if (!('practice' in write)) return write;
      return answer(await readAppointment(write, a.appointmentId));
    },
  }),
);
