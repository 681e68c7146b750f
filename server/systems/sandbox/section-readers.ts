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

/** The columns a section row is read with: all but the NHS number, which every row of a patient repeats and no mapper reads. */
const rowColumns = (table: PgTable) => Object.entries(getTableColumns(table)).filter(([key]) => key !== 'nhsNumber');

/**
 * json_build_array(col, col, ...): a row as its values alone, named again in `rowFrom`. Without a
 * key per value PostgreSQL builds, and the driver parses, far less text on a page of patients.
 */
function rowAsJson(table: PgTable): SQL {
  return sql`json_build_array(${sql.join(rowColumns(table).map(([, column]) => sql`${column}`), sql`, `)})`;
}

/** Names, in rowAsJson's order, for each section's row values. */
const ROW_KEYS = Object.fromEntries(Object.entries(SOURCES).map(([section, source]) => [section, rowColumns(source.table).map(([key]) => key)])) as Record<Section, string[]>;

/** A row as drizzle would give it (less the NHS number), from its values in rowAsJson's order. */
function rowFrom(keys: readonly string[], values: readonly unknown[]): never {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i += 1) row[keys[i]!] = values[i];
  return row as never;
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
      const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as unknown[][];
      const keys = ROW_KEYS[section];
      const { map } = SOURCES[section];
      bySection.set(section, list.map((values) => map(rowFrom(keys, values))));
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
