// Writes the synthetic estate into the database. Idempotent: rows have deterministic ids and are
// inserted with ON CONFLICT DO NOTHING, and a completed run with the same parameters is skipped.
import { eq } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';
import * as g from '../db/schema/governance.js';
import * as sb from '../db/schema/sandbox.js';
import { generatePatient, type PatientRows } from './patient-generator.js';
import { isoDate } from './random.js';
import {
  MAX_SANDBOX_PATIENTS,
  practiceForPatient,
  sandboxNhsNumbers,
  sandboxPeople,
  sandboxPractices,
  withheldSectionsFor,
} from './sandbox-estate.js';
import { generateSchedules } from './schedule-generator.js';

export interface SeedOptions {
  seed: number;
  patients: number;
  /** Day the data set is laid out around; defaults to today (kept from the first run). */
  anchor?: Date;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  skipped: boolean;
  patients: number;
  practices: number;
  anchorDate: string;
}

const RUN_KEY = 'sandbox';
const PATIENT_BATCH = 250;
const ROW_BATCH = 1000;

async function insertRows(db: Db, table: PgTable, rows: object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROW_BATCH) {
    const chunk = rows.slice(i, i + ROW_BATCH);
    if (chunk.length > 0) await db.insert(table).values(chunk as never).onConflictDoNothing();
  }
}

const SECTION_TABLES: Array<[keyof Omit<PatientRows, 'patient'>, PgTable]> = [
  ['allergies', sb.sbAllergies],
  ['medications', sb.sbMedications],
  ['problems', sb.sbProblems],
  ['immunisations', sb.sbImmunisations],
  ['consultations', sb.sbConsultations],
  ['investigations', sb.sbInvestigations],
  ['referrals', sb.sbReferrals],
  ['observations', sb.sbObservations],
  ['diaryEntries', sb.sbDiaryEntries],
];

export async function seedSandbox(db: Db, options: SeedOptions): Promise<SeedResult> {
  const total = Math.min(options.patients, MAX_SANDBOX_PATIENTS);
  const practices = sandboxPractices(total);
  const [previous] = await db.select().from(g.seedRuns).where(eq(g.seedRuns.key, RUN_KEY));
  const anchorDate = previous?.anchorDate ?? isoDate(options.anchor ?? new Date());
  const result = { patients: total, practices: practices.length, anchorDate };
  if (previous?.completedAt && previous.seed === options.seed && previous.patients === total) {
    return { skipped: true, ...result };
  }
  await db
    .insert(g.seedRuns)
    .values({ key: RUN_KEY, seed: options.seed, patients: total, anchorDate, completedAt: null })
    .onConflictDoUpdate({ target: g.seedRuns.key, set: { seed: options.seed, patients: total, completedAt: null } });

  await insertRows(db, g.practices, practices.map((p) => ({ ...p, connector: 'sandbox', isSandbox: true })));
  await insertRows(db, g.people, sandboxPeople(practices));

  const anchor = new Date(`${anchorDate}T00:00:00Z`);
  const patientsByPractice = new Map<string, string[]>(practices.map((p) => [p.odsCode, []]));
  const numbers = sandboxNhsNumbers();
  for (let done = 0; done < total; ) {
    const batch: PatientRows[] = [];
    for (; done < total && batch.length < PATIENT_BATCH; done++) {
      const nhsNumber = numbers.next().value as string;
      const practice = practiceForPatient(done, practices);
      patientsByPractice.get(practice.odsCode)?.push(nhsNumber);
      batch.push(generatePatient(options.seed, nhsNumber, practice.odsCode, anchor, withheldSectionsFor(done)));
    }
    await insertRows(db, sb.sbPatients, batch.map((b) => b.patient));
    await insertRows(db, g.patientRegistrations, batch.map((b) => ({ nhsNumber: b.patient.nhsNumber, practiceOds: b.patient.practiceOds })));
    for (const [key, table] of SECTION_TABLES) await insertRows(db, table, batch.flatMap((b): object[] => b[key]));
    options.onProgress?.(done, total);
  }

  for (const [odsCode, patients] of patientsByPractice) {
    const rows = generateSchedules(options.seed, odsCode, patients, anchor);
    await insertRows(db, sb.sbSchedules, rows.schedules);
    await insertRows(db, sb.sbSlots, rows.slots);
    await insertRows(db, sb.sbAppointments, rows.appointments);
  }
  await db.update(g.seedRuns).set({ completedAt: new Date() }).where(eq(g.seedRuns.key, RUN_KEY));
  return { skipped: false, ...result };
}
