// The sandbox generator: deterministic, idempotent, valid identifiers, real codes.
import { count } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientRegistrations, practices } from '../server/db/schema/governance.js';
import { sbAllergies, sbMedications, sbPatients, sbSlots } from '../server/db/schema/sandbox.js';
import { normaliseNhsNumber, normaliseOdsCode } from '../server/domain/identifiers.js';
import { seedSandbox } from '../server/seed/seed.js';
import { availableBackends, openTestDatabase, type TestDatabase } from './support/backends.js';
import { ANCHOR } from './support/test-app.js';

describe.each(await availableBackends())('sandbox seeding (%s)', (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(() => database.close());

  const counts = async () => {
    const db = database.db;
    const n = async (table: PgTable) => (await db.select({ n: count() }).from(table))[0]!.n;
    return {
      patients: await n(sbPatients),
      registrations: await n(patientRegistrations),
      practices: await n(practices),
      allergies: await n(sbAllergies),
      medications: await n(sbMedications),
      slots: await n(sbSlots),
    };
  };

  it('creates the requested size with valid identifiers, and a second run changes nothing', async () => {
    const first = await seedSandbox(database.db, { seed: 7, patients: 120, anchor: ANCHOR });
    expect(first).toMatchObject({ skipped: false, patients: 120, practices: 8 });
    const after = await counts();
    expect(after.patients).toBe(120);
    expect(after.registrations).toBe(120);
    expect(after.practices).toBe(8);
    expect(after.allergies).toBeGreaterThan(0);
    expect(after.slots).toBeGreaterThan(1000);

    const second = await seedSandbox(database.db, { seed: 7, patients: 120, anchor: ANCHOR });
    expect(second.skipped).toBe(true);
    expect(await counts()).toEqual(after);

    const rows = await database.db.select().from(sbPatients);
    for (const p of rows) {
      expect(normaliseNhsNumber(p.nhsNumber)).toBe(p.nhsNumber);
      expect(p.nhsNumber.startsWith('999')).toBe(true);
      expect(normaliseOdsCode(p.practiceOds)).toBe(p.practiceOds);
    }
  });

  it('grows an existing data set without duplicating rows, deterministically', async () => {
    const before = await database.db.select().from(sbMedications);
    await seedSandbox(database.db, { seed: 7, patients: 150, anchor: ANCHOR });
    expect((await counts()).patients).toBe(150);
    const again = await database.db.select().from(sbMedications);
    const byId = new Map(again.map((m) => [m.id, m]));
    for (const m of before) expect(byId.get(m.id)).toEqual(m);
  });
});
