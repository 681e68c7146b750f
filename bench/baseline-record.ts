// The baseline: the same patient record fetched by one hand-written SQL statement, no GraphQL,
// no permissions, no mapping. It bounds what any API layer over this store could reach.
import type { Sql } from 'postgres';

const section = (table: string, order: string) =>
  `'${table}', coalesce((select json_agg(x order by ${order}) from sandbox.${table} x where x.nhs_number = p.nhs_number), '[]'::json)`;

const RECORD_SQL = `
  select json_build_object(
    'nhsNumber', p.nhs_number, 'givenName', p.given_name, 'familyName', p.family_name,
    'birthDate', p.birth_date, 'gender', p.gender, 'practiceOds', r.practice_ods, 'systemId', pr.system_id,
    ${section('allergies', 'x.asserted_date desc')},
    ${section('medications', 'x.start_date desc')},
    ${section('problems', 'x.onset_date desc')},
    ${section('immunisations', 'x.date desc')},
    ${section('consultations', 'x.date desc')},
    ${section('investigations', 'x.date desc')},
    ${section('referrals', 'x.date desc')},
    ${section('observations', 'x.date desc')},
    ${section('diary_entries', 'x.planned_date')}
  ) as record
  from patient_registrations r
  join practices pr on pr.ods_code = r.practice_ods
  join sandbox.patients p on p.nhs_number = r.nhs_number
  where r.nhs_number = $1`;

export async function baselineRecord(sql: Sql, nhsNumber: string): Promise<unknown> {
  const rows = await sql.unsafe(RECORD_SQL, [nhsNumber], { prepare: true });
  return rows[0]?.record ?? null;
}
