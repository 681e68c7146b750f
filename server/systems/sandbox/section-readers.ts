// Reads the demographics and any set of record sections for any number of patients in ONE SQL
// statement: each section is a correlated json_agg subquery. Fewer statements matter more than anything else per request.
import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import * as t from '../../db/schema/sandbox.js';
import type { PatientDemographics, SectionItem } from '../../domain/clinical-record.js';
import type { Section } from '../../domain/sections.js';
import * as m from './mappers.js';

type SectionTable = PgTable & { nhsNumber: PgColumn; id: PgColumn };

interface SectionSource {
  table: SectionTable;
  /** Newest first (diary: soonest first), then id, so answers are stable. */
  order: (table: SectionTable) => SQL;
  map: (row: never) => SectionItem;
}

const newestFirst = (column: PgColumn) => (table: SectionTable) => sql`${column} desc nulls last, ${table.id}`;

const SOURCES: Record<Section, SectionSource> = {
  ALLERGIES: { table: t.sbAllergies, order: newestFirst(t.sbAllergies.assertedDate), map: m.toAllergy },
  MEDICATIONS: { table: t.sbMedications, order: newestFirst(t.sbMedications.startDate), map: m.toMedication },
  PROBLEMS: { table: t.sbProblems, order: newestFirst(t.sbProblems.onsetDate), map: m.toProblem },
  IMMUNISATIONS: { table: t.sbImmunisations, order: newestFirst(t.sbImmunisations.date), map: m.toImmunisation },
  CONSULTATIONS: { table: t.sbConsultations, order: newestFirst(t.sbConsultations.date), map: m.toConsultation },
  INVESTIGATIONS: { table: t.sbInvestigations, order: newestFirst(t.sbInvestigations.date), map: m.toInvestigation },
  REFERRALS: { table: t.sbReferrals, order: newestFirst(t.sbReferrals.date), map: m.toReferral },
  UNCATEGORISED: { table: t.sbObservations, order: newestFirst(t.sbObservations.date), map: m.toObservation },
  DIARY_ENTRIES: { table: t.sbDiaryEntries, order: (x) => sql`${t.sbDiaryEntries.plannedDate} nulls last, ${x.id}`, map: m.toDiaryEntry },
};

/**
 * json_build_object('id', col, 'code', col, ...): rows come back shaped like drizzle's own, less the
 * NHS number, which every row of a patient repeats and no mapper reads (~5% of the statement's time).
 */
function rowAsJson(table: PgTable): SQL {
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => key !== 'nhsNumber');
  const pairs = columns.map(([key, column]) => sql`${sql.raw(`'${key}'`)}, ${column}`);
  return sql`json_build_object(${sql.join(pairs, sql`, `)})`;
}

/** The outer patient's NHS number, qualified: drizzle renders bare column names inside a select. */
const OUTER_NHS_NUMBER = sql`${sql.identifier('patients')}.${sql.identifier('nhs_number')}`;

function sectionSubquery(source: SectionSource): SQL {
  const { table } = source;
  return sql`(select coalesce(json_agg(${rowAsJson(table)} order by ${source.order(table)}), '[]'::json) from ${table} where ${table.nhsNumber} = ${OUTER_NHS_NUMBER})`;
}

export interface PatientSections {
  demographics: PatientDemographics;
  withheldSections: string[];
  sections: Map<Section, SectionItem[]>;
}

type SectionRow = typeof t.sbPatients.$inferSelect & Record<string, unknown>;
type Prepared = { execute(values: { ods: string; numbers: string[] }): Promise<SectionRow[]> };

/** Building this statement costs more CPU than running it, so it is prepared once per section set. */
const preparedByDb = new WeakMap<DbOrTx, Map<string, Prepared>>();

function statementFor(db: DbOrTx, sections: Section[]): Prepared {
  let cache = preparedByDb.get(db);
  if (!cache) preparedByDb.set(db, (cache = new Map()));
  const key = [...sections].sort().join(',');
  let statement = cache.get(key);
  if (!statement) {
    const selected = Object.fromEntries(sections.map((s) => [s, sectionSubquery(SOURCES[s])]));
    statement = db
      .select({ ...getTableColumns(t.sbPatients), ...selected })
      .from(t.sbPatients)
      .where(and(eq(t.sbPatients.practiceOds, sql.placeholder('ods')), sql`${t.sbPatients.nhsNumber} = any(${sql.placeholder('numbers')}::text[])`))
      .prepare(`sandbox_sections_${cache.size}`) as unknown as Prepared;
    cache.set(key, statement);
  }
  return statement;
}

/** Patients of one practice with the requested sections; absent numbers are not in the map. */
export async function readPatientSections(db: DbOrTx, practiceOds: string, nhsNumbers: string[], sections: Section[]): Promise<Map<string, PatientSections>> {
  const rows = await statementFor(db, sections).execute({ ods: practiceOds, numbers: nhsNumbers });
  const result = new Map<string, PatientSections>();
  for (const row of rows) {
    const bySection = new Map<Section, SectionItem[]>();
    for (const section of sections) {
      const raw = row[section];
      const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as never[];
      bySection.set(section, list.map(SOURCES[section].map));
    }
    const demographics: PatientDemographics = {
      nhsNumber: row.nhsNumber,
      givenName: row.givenName,
      familyName: row.familyName,
      birthDate: row.birthDate,
      gender: row.gender as PatientDemographics['gender'],
      practiceOds: row.practiceOds,
    };
    result.set(row.nhsNumber, { demographics, withheldSections: row.withheldSections, sections: bySection });
  }
  return result;
}
