// Batching: the number of SQL statements for a record query over N patients does not grow with N.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from './support/backends.js';
import { PRACTICE_PATIENTS_QUERY } from './support/queries.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe.each(await availableBackends())('batched reads (%s)', (backend) => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp(backend, { patients: 400 });
    token = await app.tokenFor('developer');
  });
  afterAll(() => app.close());

  async function statementsFor(first: number) {
    app.statements.length = 0;
    const response = await app.gql<{ practice: { patients: { edges: unknown[] } } }>(PRACTICE_PATIENTS_QUERY, { odsCode: 'Z91001', first }, token);
    expect(response.errors).toBeUndefined();
    expect(response.data!.practice.patients.edges).toHaveLength(first);
    return app.statements.length;
  }

  it('uses the same number of statements for 2, 10 and 50 patients', async () => {
    await statementsFor(1); // the audit writer's first append also reads the chain's head
    const two = await statementsFor(2);
    const ten = await statementsFor(10);
    const fifty = await statementsFor(50);
    expect(ten).toBe(two);
    expect(fifty).toBe(two);
    // practice lookup, page of registrations, one read of demographics and every section, one audit append.
    expect(two).toBeLessThanOrEqual(4);
  });

  it('asks for each record section once however many patients select it', async () => {
    app.statements.length = 0;
    await statementsFor(30);
    const allergyReads = app.statements.filter((s) => /from "sandbox"\."allergies"/.test(s));
    expect(allergyReads).toHaveLength(1);
  });
});
