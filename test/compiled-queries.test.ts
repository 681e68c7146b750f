// Compiled queries (graphql-jit, server/http/compiled-queries.ts): a document's first execution runs
// on the standard executor, later ones compiled. Each query below is asked three times and must
// answer the same every time, errors and refusals included, and leave the same audit events.
import { asc, inArray } from 'drizzle-orm';
import { getOperationAST } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEvents } from '../server/db/schema/audit.js';
import { PAGE_QUERY } from '../bench/queries.js';
import { availableBackends } from './support/backends.js';
import { RECORD_QUERY } from './support/queries.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Operations run compiled, counted by name: proof the comparison below is not standard against standard. */
const compiledRuns = vi.hoisted(() => new Map<string, number>());
vi.mock('graphql-jit', async (importOriginal) => {
  const jit = await importOriginal<typeof import('graphql-jit')>();
  return {
    ...jit,
    compileQuery: (...args: Parameters<typeof jit.compileQuery>) => {
      const compiled = jit.compileQuery(...args) as Parameters<typeof jit.isCompiledQuery>[0];
      if (!jit.isCompiledQuery(compiled)) return compiled;
      const name = getOperationAST(args[1], args[2])?.name?.value ?? '';
      const query = compiled.query.bind(compiled);
      compiled.query = (root: unknown, context: unknown, variables: Parameters<typeof query>[2]) => {
        compiledRuns.set(name, (compiledRuns.get(name) ?? 0) + 1);
        return query(root, context, variables);
      };
      return compiled;
    },
  };
});

describe.each(await availableBackends())('compiled queries (%s)', (backend) => {
  let app: TestApp;
  let developer: string;
  let patient: string;

  beforeAll(async () => {
    app = await startTestApp(backend, { patients: 40 });
    developer = await app.tokenFor('developer');
    const page = await app.gql<{ practice: { patients: { edges: Array<{ node: { nhsNumber: string } }> } } }>(
      'query First { practice(odsCode: "Z91001") { ... on Practice { patients(first: 1) { edges { node { nhsNumber } } } } } }',
      {},
      developer,
    );
    patient = page.data!.practice.patients.edges[0]!.node.nhsNumber;
  });
  afterAll(() => app.close());

  async function auditOf(requestId: string) {
    const rows = await app.database.db.select().from(auditEvents).where(inArray(auditEvents.requestId, [requestId])).orderBy(asc(auditEvents.seq));
    return rows.map((r) => ({ operation: r.operation, practiceOds: r.practiceOds, nhsNumber: r.nhsNumber, detail: r.detail, outcome: r.outcome, reason: r.reason }));
  }

  const CASES: Array<{ name: string; query: () => string; variables: () => Record<string, unknown>; token?: () => string | undefined }> = [
    { name: 'Page', query: () => PAGE_QUERY, variables: () => ({ odsCode: 'Z91001', first: 10 }) },
    { name: 'Record', query: () => RECORD_QUERY, variables: () => ({ nhsNumber: patient }) },
    { name: 'Record', query: () => RECORD_QUERY, variables: () => ({ nhsNumber: '1234567890' }) },
    { name: 'Record', query: () => RECORD_QUERY, variables: () => ({ nhsNumber: '12' }) },
    {
      name: 'Refused',
      // The refused field is non-null, so its error nulls the whole answer; last, so both executors decide the same fields (see below).
      query: () => 'query Refused($n: String!) { patient(nhsNumber: $n) { __typename } myPluginRuns { edges { node { id } } } auditEvents(first: 1) { edges { node { __typename } } } }',
      variables: () => ({ n: patient }),
    },
    {
      name: 'BadOptions',
      query: () => 'query BadOptions($n: String!) { patient(nhsNumber: $n) { ... on Patient { nhsNumber consultations(from: "2020-01-01", mostRecent: 2) { status } allergies { status } } } }',
      variables: () => ({ n: patient }),
    },
    { name: 'Anonymous', query: () => 'query Anonymous { patient(nhsNumber: "9990000018") { __typename } }', variables: () => ({}), token: () => undefined },
  ];

  /** The same request three times (the first on the standard executor, then compiled): answers and audit events. */
  async function threeTimes(label: string, c: (typeof CASES)[number]) {
    const runs = [];
    for (const attempt of [1, 2, 3]) {
      const requestId = `compiled-${backend}-${label.replace(/\W/g, '')}-${attempt}`;
      const response = await app.gql(c.query(), c.variables(), c.token ? c.token() : developer, { 'x-request-id': requestId });
      // The cost budget left differs from one request to the next, whichever executor answers.
      const { extensions, ...answer } = response as typeof response & { extensions?: { cost?: { throttleStatus?: unknown } } };
      runs.push({ answer, cost: { ...extensions?.cost, throttleStatus: undefined }, audit: await auditOf(requestId) });
    }
    return runs;
  }

  it.each(CASES.map((c, i) => [`${c.name} ${i}`, c] as const))('answers %s the same compiled as on the standard executor', async (label, c) => {
    const runs = await threeTimes(label, c);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    // Down to the order of the answer's members (errors before data, as the standard executor has them).
    for (const run of runs) expect(Object.keys(run.answer)).toEqual(Object.keys(runs[0]!.answer));
  });

  // The standard executor stops deciding a selection's fields once a non-null one among them has
  // failed at once; the compiled query decides them all. The answer is the same (the failure nulls
  // it), and the audit trail then holds each decision made: every event of the standard execution,
  // and the decisions on the fields the standard executor left undecided.
  it('answers the same when fields follow a refused non-null field, and audits the decisions made on them too', async () => {
    const after = {
      name: 'After',
      query: () => 'query After($n: String!) { patient(nhsNumber: $n) { __typename } auditEvents(first: 1) { edges { node { __typename } } } practiceTasks { id } myPluginRuns { edges { node { id } } } }',
      variables: () => ({ n: patient }),
    };
    const [standard, compiled] = await threeTimes('After', after);
    expect(compiled!.answer).toEqual(standard!.answer);
    expect(standard!.answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(compiled!.audit).toEqual(expect.arrayContaining(standard!.audit));
    expect(compiled!.audit.map((e) => e.operation).sort()).toEqual(['READ_PATIENT_RECORD', 'auditEvents', 'myPluginRuns', 'practiceTasks']);
  });

  it('ran every case after the first compiled', () => {
    for (const name of new Set(CASES.map((c) => c.name))) expect(compiledRuns.get(name) ?? 0, name).toBeGreaterThanOrEqual(2);
  });

  it('leaves documents with @skip or @include to the standard executor', async () => {
    // graphql-jit would keep only the first condition of a fragment spread twice.
    const query = 'query Conditions($a: Boolean!, $b: Boolean!) { clinicalSystems { ...F @include(if: $a) ...F @include(if: $b) } } fragment F on ClinicalSystem { name }';
    for (const attempt of [1, 2, 3]) {
      const response = await app.gql<{ clinicalSystems: Array<{ name?: string }> }>(query, { a: false, b: true }, developer);
      expect(response.data!.clinicalSystems[0]!.name, `attempt ${attempt}`).toEqual(expect.any(String));
    }
    expect(compiledRuns.get('Conditions')).toBeUndefined();
  });

  it('leaves variables that do not coerce to the standard executor, whose errors clients know', async () => {
    const query = 'query Vars($first: Int!) { practice(odsCode: "Z91001") { ... on Practice { patients(first: $first) { edges { node { nhsNumber } } } } } }';
    await app.gql(query, { first: 1 }, developer);
    const before = compiledRuns.get('Vars') ?? 0;
    const bad = await app.gql(query, { first: 'ten' }, developer);
    expect(bad.errors?.[0]?.message).toBe('Variable "$first" got invalid value "ten"; Int cannot represent non-integer value: "ten"');
    expect(compiledRuns.get('Vars') ?? 0).toBe(before);
  });
});
