// Appointment management over the sandbox store. The slots are locked (FOR UPDATE) before they are
// checked, so of many concurrent bookings of one slot exactly one sees it free; the change and its
// audit and event (through `commit`) share one transaction.
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import * as t from '../../db/schema/sandbox.js';
import { slotsProblem, type BookingOrganisation, type ManagedAppointment } from '../../domain/scheduling/booking.js';
import type { Appointment } from '../../domain/scheduling.js';
import { sortableId } from '../../domain/ids.js';
import { ConnectorError, type AppointmentWrites, type PracticeRecord, type RequestMeta } from '../types.js';

type Row = typeof t.sbAppointments.$inferSelect;

function toManaged(row: Row): ManagedAppointment {
  return {
    id: row.id,
    start: row.start,
    end: row.end,
    status: row.status.toUpperCase() as Appointment['status'],
    description: row.description,
    comment: row.comment,
    practitioner: null,
    location: null,
    createdAt: row.createdAt,
    nhsNumber: row.nhsNumber,
    practiceOds: row.practiceOds,
    slotIds: row.slotIds ?? [row.slotId],
    bookingOrganisation: (row.bookingOrganisation as BookingOrganisation | null) ?? null,
    cancellationReason: row.cancellationReason,
    version: String(row.version),
  };
}

async function lockedAppointment(tx: DbOrTx, practice: PracticeRecord, id: string, meta: RequestMeta): Promise<Row | ConnectorError> {
  const [row] = await tx
    .select()
    .from(t.sbAppointments)
    .where(and(eq(t.sbAppointments.id, id), eq(t.sbAppointments.practiceOds, practice.odsCode)))
    .for('update');
  if (!row) return new ConnectorError('APPOINTMENT_NOT_FOUND', 'No such appointment at this practice.');
  // The booker may change its own booking; the practice may change any of its appointments.
  if (row.bookedBy !== meta.actorId && meta.organisationOds !== practice.odsCode) {
    return new ConnectorError('NOT_YOUR_APPOINTMENT', 'Only whoever booked the appointment (or the practice) may change it.');
  }
  return row;
}

export function sandboxAppointmentWrites(db: DbOrTx): AppointmentWrites {
  return {
    // Inside a transaction, db.transaction opens a savepoint: the caller's rollback undoes the write.
    inTransaction: (tx) => sandboxAppointmentWrites(tx),

    book: (practice, request, meta, commit) =>
      db.transaction(async (tx) => {
        const [patient] = await tx
          .select({ nhsNumber: t.sbPatients.nhsNumber })
          .from(t.sbPatients)
          .where(and(eq(t.sbPatients.nhsNumber, request.nhsNumber), eq(t.sbPatients.practiceOds, practice.odsCode)));
        if (!patient) return new ConnectorError('PATIENT_NOT_FOUND', 'No such patient at this practice.');
        const slots = await tx
          .select()
          .from(t.sbSlots)
          .where(and(inArray(t.sbSlots.id, request.slotIds), eq(t.sbSlots.practiceOds, practice.odsCode)))
          .orderBy(t.sbSlots.start)
          .for('update');
        const refused = slotsProblem(
          request.slotIds,
          slots.map((s) => ({ ...s, free: s.status === 'free' })),
          request,
          new Date(),
        );
        if (refused) return new ConnectorError(refused.code, refused.message);
        await tx.update(t.sbSlots).set({ status: 'busy' }).where(inArray(t.sbSlots.id, request.slotIds));
        const [row] = await tx
          .insert(t.sbAppointments)
          .values({
            id: sortableId('appt'),
            slotId: slots[0]!.id,
            slotIds: slots.map((s) => s.id),
            nhsNumber: request.nhsNumber,
            practiceOds: practice.odsCode,
            start: slots[0]!.start,
            end: slots.at(-1)!.end,
            status: 'booked',
            description: request.description,
            comment: request.comment,
            createdAt: new Date(),
            bookingOrganisation: request.bookingOrganisation,
            bookedBy: meta.actorId,
          })
          .returning();
        const appointment = toManaged(row!);
        await commit(appointment, tx);
        return appointment;
      }),

    amend: (practice, request, meta, commit) =>
      db.transaction(async (tx) => {
        const row = await lockedAppointment(tx, practice, request.appointmentId, meta);
        if (row instanceof ConnectorError) return row;
        if (row.status !== 'booked') return new ConnectorError('INVALID_TRANSITION', `A ${row.status} appointment cannot be amended.`);
        const [updated] = await tx
          .update(t.sbAppointments)
          .set({
            ...(request.description !== undefined ? { description: request.description } : {}),
            ...(request.comment !== undefined ? { comment: request.comment } : {}),
            version: row.version + 1,
          })
          .where(eq(t.sbAppointments.id, row.id))
          .returning();
        const appointment = toManaged(updated!);
        await commit(appointment, tx);
        return appointment;
      }),

    cancel: (practice, request, meta, commit) =>
      db.transaction(async (tx) => {
        const row = await lockedAppointment(tx, practice, request.appointmentId, meta);
        if (row instanceof ConnectorError) return row;
        if (row.status !== 'booked') return new ConnectorError('INVALID_TRANSITION', `A ${row.status} appointment cannot be cancelled.`);
        if (row.start <= new Date()) return new ConnectorError('INVALID_TRANSITION', 'An appointment that has started cannot be cancelled.');
        const [updated] = await tx
          .update(t.sbAppointments)
          .set({ status: 'cancelled', cancellationReason: request.reason, version: row.version + 1 })
          .where(eq(t.sbAppointments.id, row.id))
          .returning();
        // The slots are free again for someone else.
        await tx.update(t.sbSlots).set({ status: 'free' }).where(inArray(t.sbSlots.id, row.slotIds ?? [row.slotId]));
        const appointment = toManaged(updated!);
        await commit(appointment, tx);
        return appointment;
      }),

    async read(practice, appointmentId) {
      const [row] = await db
        .select()
        .from(t.sbAppointments)
        .where(and(eq(t.sbAppointments.id, appointmentId), eq(t.sbAppointments.practiceOds, practice.odsCode)));
      return row ? toManaged(row) : new ConnectorError('APPOINTMENT_NOT_FOUND', 'No such appointment at this practice.');
    },
  };
}
