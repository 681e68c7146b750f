// On PostgreSQL every statement with parameters is sent as a named statement, kept per connection:
// unnamed, the driver describes it first and waits, so each one cost two round trips. Observed on
// the server itself, through the connection's own list of prepared statements.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NAMED_PARAMETERS } from '../server/db/named-statements.js';
import { practices } from '../server/db/schema/governance.js';
import { sbSchedules } from '../server/db/schema/sandbox.js';
import { availableBackends, openTestDatabase, type TestDatabase } from './support/backends.js';

const onPostgres = (await availableBackends()).includes('postgres');

describe.skipIf(!onPostgres)('named statements (postgres)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
  });
  afterAll(() => database.close());

  type Tx = Parameters<Parameters<TestDatabase['db']['transaction']>[0]>[0];
  /** The statements this connection holds prepared, matching `fragment`. */
  const preparedOnThisConnection = async (tx: Tx, fragment: string) => {
    const rows = (await tx.execute(sql`select statement from pg_prepared_statements where statement like ${`%${fragment}%`}`)) as unknown as Array<{ statement: string }>;
    return rows.map((r) => r.statement);
  };

  it('names a statement with parameters once per connection and uses it again, in a transaction too', async () => {
    await database.db.transaction(async (tx) => {
      for (const ods of ['A00001', 'A00002', 'A00003']) {
        expect(await tx.select().from(practices).where(eq(practices.odsCode, ods))).toEqual([]);
      }
      const named = await preparedOnThisConnection(tx, 'from "practices" where "practices"."ods_code" = $1');
      expect(named).toHaveLength(1); // three runs, one statement
    });
  });

  it('leaves unnamed a statement without parameters and a bulk insert whose text varies with its rows', async () => {
    const rows = Math.ceil((MAX_NAMED_PARAMETERS + 1) / 6);
    await database.db.transaction(async (tx) => {
      await tx.select({ n: sql<number>`count(*)` }).from(practices);
      await tx.insert(sbSchedules).values(
        Array.from({ length: rows }, (_, i) => ({ id: `s-${i}`, practiceOds: 'A00001', practitioner: 'Dr A', practitionerRole: 'GP', location: 'Main', serviceType: 'GP' })),
      );
      expect(await preparedOnThisConnection(tx, 'count(*)')).toEqual([]);
      expect(await preparedOnThisConnection(tx, 'insert into "sandbox"."schedules"')).toEqual([]);
    });
  });
});
