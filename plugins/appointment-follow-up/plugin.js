// @ts-check
// Appointment follow-up: on appointment.booked, a task to send the patient a pre-appointment
// questionnaire, due the day before the appointment (or today when it is sooner).
import { definePlugin } from '@gp-open-integration/sdk/plugin';

const DAY_MS = 24 * 60 * 60 * 1000;

export default definePlugin({
  run(input, context) {
    if (context.trigger.kind !== 'event') return [];
    const { appointmentId } = context.trigger.subject;
    const patient = /** @type {any} */ (input)?.patient;
    if (!patient?.nhsNumber) return [];
    const appointment = (patient.appointments?.appointments ?? []).find((a) => a.id === appointmentId);
    if (!appointment || appointment.status !== 'BOOKED') {
      context.log(`appointment ${appointmentId} not found as booked; nothing proposed`);
      return [];
    }
    const dayBefore = new Date(Math.max(Date.parse(appointment.start) - DAY_MS, Date.parse(context.now)));
    return [
      {
        kind: 'practice-task.create',
        nhsNumber: patient.nhsNumber,
        title: 'Send pre-appointment questionnaire',
        detail: `Appointment ${appointment.id} on ${appointment.start.slice(0, 16).replace('T', ' ')}${appointment.practitioner ? ` with ${appointment.practitioner}` : ''}.`,
        dueDate: dayBefore.toISOString().slice(0, 10),
      },
    ];
  },
});
