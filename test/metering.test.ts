// Every caller is metered, tried as an attacker would over real HTTP on loopback: a person's nested
// connections under aliases, anonymous callers from one address, and introspection amplification,
// while a clinician keeps reading. Load is bounded in count; nothing here asserts a wall-clock time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from './support/backends.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The attack: practices(100) -> patients(100) -> practice -> patients(100), under 30 aliases. */
const NESTED = `a: practices(first: 100) { edges { node { patients(first: 100) { edges { node { nhsNumber practice { patients(first: 100) { edges { node { nhsNumber givenName } } } } } } } } } }`;
const NESTED_ATTACK = `{ ${Array.from({ length: 30 }, (_, i) => NESTED.replace('a:', `a${i}:`)).join(' ')} }`;
const SCHEMA_TREE = '__schema { types { name fields { name args { name } type { name ofType { name ofType { name } } } } } }';
const INTROSPECTION_ATTACK = `{ ${Array.from({ length: 30 }, (_, i) => `s${i}: ${SCHEMA_TREE}`).join(' ')} }`;
const READ = 'query($n: String!) { patient(nhsNumber: $n) { __typename ... on Patient { nhsNumber allergies { status } } } }';

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }>; extensions?: { cost?: { requestedQueryCost: number } } };
}

describe.each(await availableBackends())('metering every caller (%s)', (backend) => {
  let app: TestApp;
  let server: { url: string; close(): Promise<void> };
  let developer: string;
  let clinician: string;
  let ownPatient: string;

  const post = async (query: string, token: string | null, variables: Record<string, unknown> = {}): Promise<Answer> => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };

  beforeAll(async () => {
    // Budgets that barely restore, so each refusal below follows from the counts alone.
    app = await startTestApp(backend, {
      env: {
        PERSON_RATE_LIMIT_CAPACITY: '5000',
        PERSON_RATE_LIMIT_RESTORE_PER_SECOND: '0.001',
        ANONYMOUS_RATE_LIMIT_CAPACITY: '250',
        ANONYMOUS_RATE_LIMIT_RESTORE_PER_SECOND: '0.001',
      },
    });
    server = await app.listen();
    developer = await app.tokenFor('developer');
    clinician = await app.tokenFor('clinician.Z91001');
    const listed = await post('{ practice(odsCode: "Z91001") { ... on Practice { patients(first: 1) { edges { node { nhsNumber } } } } } }', clinician);
    ownPatient = (listed.body.data as { practice: { patients: { edges: Array<{ node: { nhsNumber: string } }> } } }).practice.patients.edges[0]!.node.nhsNumber;
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
  });

  it("refuses a person's nested connections under aliases before any SQL runs", async () => {
    app.statements.length = 0;
    const answer = await post(NESTED_ATTACK, developer);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('MAX_COST_EXCEEDED');
    expect(answer.body.data ?? null).toBeNull();
    expect(app.statements).toEqual([]);
    // One level of the same query alone: 100 practices x 100 patients x (practice + 100 patients).
    expect((await post(`{ ${NESTED} }`, developer)).body.errors?.[0]?.message).toMatch(/Query cost \d{6,} exceeds the maximum of 5000/);
  });

  it('gives a person a budget of their own: spent, it throttles them and nobody else', async () => {
    const costly = '{ practices(first: 8) { edges { node { patients(first: 100) { edges { node { nhsNumber } } } } } } }'; // 2 + 8 x 103
    const answers: Answer[] = [];
    for (let i = 0; i < 7; i += 1) answers.push(await post(costly, developer));
    expect(answers[0]!.body.extensions?.cost?.requestedQueryCost).toBe(826);
    expect(answers.slice(0, 6).map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers[6]!.status).toBe(429);
    expect(answers[6]!.body.errors?.[0]?.extensions?.code).toBe('THROTTLED');
    const read = await post(READ, clinician, { n: ownPatient });
    expect(read.status).toBe(200);
    expect(read.body.data?.patient).toMatchObject({ __typename: 'Patient', nhsNumber: ownPatient });
  });

  it('allows one __schema per request, charges it, and refuses 30 of them unexecuted', async () => {
    const many = await post(INTROSPECTION_ATTACK, clinician);
    expect(many.status).toBe(400);
    expect(many.body.errors?.[0]?.extensions?.code).toBe('TOO_MANY_INTROSPECTIONS');
    expect(many.body.data ?? null).toBeNull();
    const one = await post(`{ ${SCHEMA_TREE} }`, clinician);
    expect(one.status).toBe(200);
    expect(one.body.extensions?.cost?.requestedQueryCost).toBe(100);
    expect(JSON.stringify(one.body.data)).toContain('"Patient"');
  });

  it('limits anonymous callers per client address, introspection included, while a clinician reads', async () => {
    // 250 points: two introspections (100 each), then public reads of 1 until the budget is gone.
    expect((await post(`{ ${SCHEMA_TREE} }`, null)).status).toBe(200);
    expect((await post(`{ ${SCHEMA_TREE} }`, null)).status).toBe(200);
    const third = await post(`{ ${SCHEMA_TREE} }`, null);
    expect(third.status).toBe(429);
    expect(third.body.data ?? null).toBeNull();
    // A bounded burst from the same address alongside a clinician's reads: all the reads succeed.
    const burst = Array.from({ length: 80 }, () => post('{ clinicalSystems { id } }', null));
    const reads = Array.from({ length: 5 }, () => post(READ, clinician, { n: ownPatient }));
    const [anonymous, clinical] = await Promise.all([Promise.all(burst), Promise.all(reads)]);
    const statuses = anonymous.map((a) => a.status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(50);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(30);
    for (const read of clinical) expect(read.body.data?.patient).toMatchObject({ __typename: 'Patient' });
  });
});

describe.each(await availableBackends())('introspection policy (%s)', (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(backend, { env: { INTROSPECTION: 'authenticated' } });
  });
  afterAll(() => app?.close());

  it('refuses anonymous introspection when only authenticated callers may introspect, and serves a token holder', async () => {
    const anonymous = await app.gql('{ __schema { queryType { name } } }');
    expect(anonymous.status).toBe(403);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
    const typeProbe = await app.gql('{ __type(name: "Patient") { fields { name } } }');
    expect(typeProbe.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
    expect((await app.gql('{ clinicalSystems { id } }')).status).toBe(200); // the rest of the public API still answers
    const withToken = await app.gql<{ __schema: { queryType: { name: string } } }>('{ __schema { queryType { name } } }', {}, await app.tokenFor('developer'));
    expect(withToken.data!.__schema.queryType.name).toBe('Query');
  });
});
