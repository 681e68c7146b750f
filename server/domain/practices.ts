// Practice directory and patient registrations (our stand-in for a PDS lookup).
import { and, asc, count, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../db/client.js';
import { perDatabase } from '../db/prepared.js';
import { patientRegistrations, practices } from '../db/schema/governance.js';
import type { ClinicalSystemId } from './clinical-systems.js';

export interface PracticeRecord {
  odsCode: string;
  name: string;
  systemId: ClinicalSystemId;
  /** Which connector serves the practice: 'sandbox' or 'gp-connect'. */
  connector: string;
  isSandbox: boolean;
  /** Connector settings (e.g. a GP Connect endpoint); the connector validates them. */
  endpoint: unknown;
}

function toRecord(row: typeof practices.$inferSelect): PracticeRecord {
  return {
    odsCode: row.odsCode,
    name: row.name,
    systemId: row.systemId as ClinicalSystemId,
    connector: row.connector,
    isSandbox: row.isSandbox,
    endpoint: row.endpoint,
  };
}

export async function practicesByOds(db: DbOrTx, odsCodes: readonly string[]): Promise<Map<string, PracticeRecord>> {
  if (odsCodes.length === 0) return new Map();
  const rows = await db.select().from(practices).where(inArray(practices.odsCode, [...odsCodes]));
  return new Map(rows.map((r) => [r.odsCode, toRecord(r)]));
}

/** Keyset page over a unique text key: rows after/before a key, ascending unless inverted. */
export interface PageRequest {
  after?: string | undefined;
  before?: string | undefined;
  limit: number;
  inverted: boolean;
}

function keyset(column: AnyPgColumn, page: PageRequest) {
  return [page.after ? gt(column, page.after) : undefined, page.before ? lt(column, page.before) : undefined];
}

export async function listPractices(db: DbOrTx, page: PageRequest, systemId: ClinicalSystemId | null): Promise<PracticeRecord[]> {
  const rows = await db
    .select()
    .from(practices)
    .where(and(...keyset(practices.odsCode, page), systemId ? eq(practices.systemId, systemId) : undefined))
    .orderBy(page.inverted ? desc(practices.odsCode) : asc(practices.odsCode))
    .limit(page.limit);
  return rows.map(toRecord);
}

/** NHS number -> the practice the patient is registered with (one statement). */
export async function registeredPractices(db: DbOrTx, nhsNumbers: readonly string[]): Promise<Map<string, PracticeRecord>> {
  if (nhsNumbers.length === 0) return new Map();
  const rows = await registrationStatement(db).execute({ numbers: [...nhsNumbers] });
  return new Map(rows.map((r) => [r.nhsNumber, toRecord(r.practice)]));
}

type RegistrationRow = { nhsNumber: string; practice: typeof practices.$inferSelect };
type PreparedRegistrations = { execute(values: { numbers: string[] }): Promise<RegistrationRow[]> };
/** Asked in every patient lookup: the statement is built once per database, not per request. */
const registrationStatement = perDatabase(
  (db) =>
    db
      .select({ nhsNumber: patientRegistrations.nhsNumber, practice: practices })
      .from(patientRegistrations)
      .innerJoin(practices, eq(practices.odsCode, patientRegistrations.practiceOds))
      .where(sql`${patientRegistrations.nhsNumber} = any(${sql.placeholder('numbers')}::text[])`)
      .prepare('registered_practices') as unknown as PreparedRegistrations,
);

export async function registeredPatients(db: DbOrTx, odsCode: string, page: PageRequest): Promise<string[]> {
  const rows = await db
    .select({ nhsNumber: patientRegistrations.nhsNumber })
    .from(patientRegistrations)
    .where(and(eq(patientRegistrations.practiceOds, odsCode), ...keyset(patientRegistrations.nhsNumber, page)))
    .orderBy(page.inverted ? desc(patientRegistrations.nhsNumber) : asc(patientRegistrations.nhsNumber))
    .limit(page.limit);
  return rows.map((r) => r.nhsNumber);
}

export async function countRegisteredPatients(db: DbOrTx, odsCode: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(patientRegistrations).where(eq(patientRegistrations.practiceOds, odsCode));
  return row?.n ?? 0;
}
