// Schedules, slots and booked appointments for one sandbox practice, four weeks either side of the
// anchor date.
import type * as t from '../db/schema/sandbox.js';
import * as codes from './codes.js';
import { Random, addDays } from './random.js';

type Row<T extends { $inferInsert: unknown }> = T['$inferInsert'];

export interface ScheduleRows {
  schedules: Row<typeof t.sbSchedules>[];
  slots: Row<typeof t.sbSlots>[];
  appointments: Row<typeof t.sbAppointments>[];
}

const CLINICS = [
  { role: 'General Medical Practitioner', service: 'General practice appointment', minutes: 10 },
  { role: 'Practice Nurse', service: 'Nurse appointment', minutes: 15 },
  { role: 'Healthcare Assistant', service: 'Blood test', minutes: 15 },
];
const SESSIONS = [
  [9, 12],
  [14, 17],
] as const;
const WINDOW_DAYS = 28;

export function generateSchedules(seed: number, practiceOds: string, patients: readonly string[], anchor: Date): ScheduleRows {
  const r = Random.for(seed, 'schedules', practiceOds);
  const rows: ScheduleRows = { schedules: [], slots: [], appointments: [] };
  const day0 = new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth(), anchor.getUTCDate()));
  CLINICS.forEach((clinic, c) => {
    const scheduleId = `${practiceOds}-schedule-${c}`;
    rows.schedules.push({
      id: scheduleId,
      practiceOds,
      practitioner: codes.CLINICIANS[c] ?? 'Clinician',
      practitionerRole: clinic.role,
      location: 'Main surgery',
      serviceType: clinic.service,
    });
    for (let d = -WINDOW_DAYS; d < WINDOW_DAYS; d++) {
      const day = addDays(day0, d);
      const weekday = day.getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      for (const [from, to] of SESSIONS) {
        for (let minute = from * 60; minute + clinic.minutes <= to * 60; minute += clinic.minutes) {
          const start = new Date(day.getTime() + minute * 60_000);
          const end = new Date(start.getTime() + clinic.minutes * 60_000);
          const slotId = `${scheduleId}-${start.toISOString()}`;
          const past = d < 0;
          const patient = patients.length > 0 && r.chance(past ? 0.6 : 0.15) ? r.pick(patients) : null;
          rows.slots.push({
            id: slotId,
            scheduleId,
            practiceOds,
            start,
            end,
            status: patient ? 'busy' : 'free',
            deliveryChannel: r.pick(['In-person', 'In-person', 'Telephone', 'Video']),
          });
          if (patient) {
            rows.appointments.push({
              id: `${slotId}-appointment`,
              slotId,
              nhsNumber: patient,
              practiceOds,
              start,
              end,
              status: past ? 'fulfilled' : 'booked',
              description: clinic.service,
              comment: null,
              createdAt: addDays(start, -r.int(1, 14)),
            });
          }
        }
      }
    }
  });
  return rows;
}
