// One SQL statement per record section for any number of patients.
import { asc, desc, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import * as t from '../../db/schema/sandbox.js';
import type { SectionItems } from '../../domain/clinical-record.js';
import type { Section } from '../../domain/sections.js';
import * as m from './mappers.js';

export type SectionRows<S extends Section> = Array<{ nhsNumber: string; item: SectionItems[S] }>;
type Reader<S extends Section> = (db: DbOrTx, nhsNumbers: string[]) => Promise<SectionRows<S>>;

function rowsOf<R extends { nhsNumber: string }, I>(rows: R[], map: (row: R) => I) {
  return rows.map((row) => ({ nhsNumber: row.nhsNumber, item: map(row) }));
}

export const SECTION_READERS: { [S in Section]: Reader<S> } = {
  ALLERGIES: async (db, n) =>
    rowsOf(await db.select().from(t.sbAllergies).where(inArray(t.sbAllergies.nhsNumber, n)).orderBy(desc(t.sbAllergies.assertedDate), asc(t.sbAllergies.id)), m.toAllergy),
  MEDICATIONS: async (db, n) =>
    rowsOf(await db.select().from(t.sbMedications).where(inArray(t.sbMedications.nhsNumber, n)).orderBy(desc(t.sbMedications.startDate), asc(t.sbMedications.id)), m.toMedication),
  PROBLEMS: async (db, n) =>
    rowsOf(await db.select().from(t.sbProblems).where(inArray(t.sbProblems.nhsNumber, n)).orderBy(desc(t.sbProblems.onsetDate), asc(t.sbProblems.id)), m.toProblem),
  IMMUNISATIONS: async (db, n) =>
    rowsOf(await db.select().from(t.sbImmunisations).where(inArray(t.sbImmunisations.nhsNumber, n)).orderBy(desc(t.sbImmunisations.date), asc(t.sbImmunisations.id)), m.toImmunisation),
  CONSULTATIONS: async (db, n) =>
    rowsOf(await db.select().from(t.sbConsultations).where(inArray(t.sbConsultations.nhsNumber, n)).orderBy(desc(t.sbConsultations.date), asc(t.sbConsultations.id)), m.toConsultation),
  INVESTIGATIONS: async (db, n) =>
    rowsOf(await db.select().from(t.sbInvestigations).where(inArray(t.sbInvestigations.nhsNumber, n)).orderBy(desc(t.sbInvestigations.date), asc(t.sbInvestigations.id)), m.toInvestigation),
  REFERRALS: async (db, n) =>
    rowsOf(await db.select().from(t.sbReferrals).where(inArray(t.sbReferrals.nhsNumber, n)).orderBy(desc(t.sbReferrals.date), asc(t.sbReferrals.id)), m.toReferral),
  UNCATEGORISED: async (db, n) =>
    rowsOf(await db.select().from(t.sbObservations).where(inArray(t.sbObservations.nhsNumber, n)).orderBy(desc(t.sbObservations.date), asc(t.sbObservations.id)), m.toObservation),
  DIARY_ENTRIES: async (db, n) =>
    rowsOf(await db.select().from(t.sbDiaryEntries).where(inArray(t.sbDiaryEntries.nhsNumber, n)).orderBy(asc(t.sbDiaryEntries.plannedDate), asc(t.sbDiaryEntries.id)), m.toDiaryEntry),
};
