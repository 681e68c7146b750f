// Booking, amending, cancelling and reading appointments through whichever connector serves the
// practice. Every outcome is audited: a success with its event in the write's transaction (or, for
// a provider, in one transaction right after it confirmed), a refusal on its own.
import type { AuditOperation } from '../audit/operations.js';
import type { Db, DbOrTx } from '../../db/client.js';
import type { PracticeRecord } from '../practices.js';
import { ConnectorError, type AppointmentWrites, type ClinicalSystemConnector, type CommitWrite, type RequestMeta } from '../../systems/types.js';
import type { Actor } from '../actors.js';
import { appendAuditEvents, type AuditTx } from '../audit/append.js';
import type { AuditEventInput } from '../audit/event.js';
import { capabilityOf, type CapabilityArea } from '../clinical-systems.js';
import { auditWho } from '../events/actor-audit.js';
import type { EventType } from '../events/catalogue.js';
import { recordEvent } from '../events/outbox.js';
import {
  amendProblem,
  bookingRequestProblem,
  cancelProblem,
  type AmendRequest,
  type BookingRequest,
  type CancelRequest,
  type ManagedAppointment,
} from './booking.js';

export interface WriteContext {
  db: Db;
  actor: Actor;
  meta: RequestMeta;
  practice: PracticeRecord;
  connector: ClinicalSystemConnector;
}

type Outcome = ManagedAppointment | ConnectorError;

/** The appointment's public facts, as events and webhooks carry them. */
export function appointmentData(a: ManagedAppointment): Record<string, unknown> {
  return {
    appointmentId: a.id,
    practiceOdsCode: a.practiceOds,
    nhsNumber: a.nhsNumber,
    status: a.status,
    start: a.start.toISOString(),
    end: a.end.toISOString(),
    slotIds: a.slotIds,
    description: a.description,
    comment: a.comment,
    cancellationReason: a.cancellationReason,
    bookingOrganisation: a.bookingOrganisation,
    version: a.version,
  };
}

async function run(
  ctx: WriteContext,
  area: CapabilityArea,
  operation: AuditOperation,
  eventType: EventType,
  detail: Record<string, unknown>,
  nhsNumber: string | null,
  problem: { code: string; message: string } | null,
  write: (writes: AppointmentWrites, commit: CommitWrite) => Promise<Outcome>,
): Promise<Outcome> {
  const audit = (outcome: 'ALLOWED' | 'REFUSED', patient: string | null, reason: string | null): AuditEventInput => ({
    ...auditWho(ctx.actor),
    practiceOds: ctx.practice.odsCode,
    nhsNumber: patient,
    operation,
    detail,
    outcome,
    reason,
    requestId: ctx.meta.requestId,
  });
  const refuse = async (error: ConnectorError) => {
    await ctx.db.transaction((tx) => appendAuditEvents(tx, [audit('REFUSED', nhsNumber, `${error.code}: ${error.message}`)]));
    return error;
  };
  if (problem) return refuse(new ConnectorError('VALIDATION_FAILED', problem.message));
  const writes = ctx.connector.appointmentWrites;
  if (!writes || capabilityOf(ctx.practice.systemId, area).support === 'NOT_SUPPORTED') {
    return refuse(new ConnectorError('NOT_SUPPORTED', `${ctx.practice.systemId} does not support ${area.toLowerCase().replaceAll('_', ' ')} here.`));
  }
  // The audit goes last: it holds the chain's head until the commit, and every appender waits for it.
  const record = async (tx: DbOrTx, appointment: ManagedAppointment) => {
    await recordEvent(tx, { type: eventType, practiceOds: appointment.practiceOds, nhsNumber: appointment.nhsNumber, supplierId: auditWho(ctx.actor).supplierId, appId: auditWho(ctx.actor).appId, data: appointmentData(appointment), requestId: ctx.meta.requestId });
    await appendAuditEvents(tx as AuditTx, [audit('ALLOWED', appointment.nhsNumber, null)]);
  };
  const commit: CommitWrite = (appointment, tx) => (tx ? record(tx, appointment) : ctx.db.transaction((own) => record(own, appointment)));
  const outcome = await write(writes, commit);
  return outcome instanceof ConnectorError ? refuse(outcome) : outcome;
}

export const bookAppointment = (ctx: WriteContext, request: BookingRequest) =>
  run(ctx, 'BOOK_APPOINTMENT', 'BOOK_APPOINTMENT', 'appointment.booked', { slotIds: request.slotIds, bookingOrganisation: request.bookingOrganisation }, request.nhsNumber, bookingRequestProblem(request), (w, c) =>
    w.book(ctx.practice, request, ctx.meta, c),
  );

export const amendAppointment = (ctx: WriteContext, request: AmendRequest) =>
  run(ctx, 'AMEND_APPOINTMENT', 'AMEND_APPOINTMENT', 'appointment.amended', { appointmentId: request.appointmentId, fields: Object.keys(request).filter((k) => k !== 'appointmentId') }, null, amendProblem(request), (w, c) =>
    w.amend(ctx.practice, request, ctx.meta, c),
  );

export const cancelAppointment = (ctx: WriteContext, request: CancelRequest) =>
  run(ctx, 'CANCEL_APPOINTMENT', 'CANCEL_APPOINTMENT', 'appointment.cancelled', { appointmentId: request.appointmentId, reason: request.reason }, null, cancelProblem(request), (w, c) =>
    w.cancel(ctx.practice, request, ctx.meta, c),
  );

export async function readAppointment(ctx: Omit<WriteContext, 'db' | 'actor'>, appointmentId: string): Promise<Outcome> {
  const writes = ctx.connector.appointmentWrites;
  if (!writes) return new ConnectorError('NOT_SUPPORTED', 'This practice does not offer appointment reads by id.');
  return writes.read(ctx.practice, appointmentId, ctx.meta);
}
