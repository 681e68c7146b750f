// @ts-check
// Appointment follow-up: on appointment.booked, a pre-appointment questionnaire for the patient,
// drafted with the appointment's details and sent to the practice's document review queue, and a
// task to send it to the patient by the day before the appointment (or today when it is sooner).
import { definePlugin } from '@gp-open-integration/sdk/plugin';

const DAY_MS = 24 * 60 * 60 * 1000;

const QUESTIONS = [
  'What would you like to talk about at this appointment?',
  'Have your symptoms changed since you booked? If so, how?',
  'Are you taking any medicines, including ones you bought yourself, that the practice may not know about?',
  'Do you need an interpreter, step-free access or anything else to make the appointment easier?',
];

/**
 * @param {{ id: string, start: string, practitioner?: string | null }} appointment
 * @param {string} when
 */
function questionnaire(appointment, when) {
  const withWhom = appointment.practitioner ? ` with ${appointment.practitioner}` : '';
  return [
    `Pre-appointment questionnaire (appointment ${appointment.id})`,
    '',
    `Your appointment is on ${when}${withWhom}. Answering these questions before you come helps us make the most of the time.`,
    '',
    ...QUESTIONS.map((question, i) => `${i + 1}. ${question}`),
    '',
  ].join('\n');
}

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
    const when = appointment.start.slice(0, 16).replace('T', ' ');
    const dayBefore = new Date(Math.max(Date.parse(appointment.start) - DAY_MS, Date.parse(context.now)));
    const title = `Pre-appointment questionnaire for ${when}`;
    return [
      { kind: 'document.send', nhsNumber: patient.nhsNumber, title, text: questionnaire(appointment, when) },
      {
        kind: 'practice-task.create',
        nhsNumber: patient.nhsNumber,
        title: 'Send pre-appointment questionnaire',
        detail: `Appointment ${appointment.id} on ${when}${appointment.practitioner ? ` with ${appointment.practitioner}` : ''}: send the patient "${title}" from the document review queue.`,
        dueDate: dayBefore.toISOString().slice(0, 10),
      },
    ];
  },
});
