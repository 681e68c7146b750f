// Bad input gets a clear, typed answer; unexpected failures are masked; the server keeps serving.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from './support/backends.js';
import { RECORD_QUERY } from './support/queries.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PATIENT_RESULT = 'query P($n: String!) { patient(nhsNumber: $n) { __typename ... on Error { code message } ... on Patient { nhsNumber } } }';

describe.each(await availableBackends())('bad input (%s)', (backend) => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp(backend, { env: { MAX_QUERY_DEPTH: '8', MAX_QUERY_ALIASES: '5', MAX_QUERY_TOKENS: '400', MAX_BODY_BYTES: '20000' } });
    token = await app.tokenFor('developer');
  });
  afterAll(() => app.close());

  it.each([
    ['943476591', 'An NHS number is 10 digits.'],
    ['9434765918', 'The NHS number fails the Modulus 11 check digit.'],
    ['abc', 'An NHS number is 10 digits.'],
  ])('answers INVALID_NHS_NUMBER for %s', async (n, message) => {
    const response = await app.gql<{ patient: { __typename: string; code: string; message: string } }>(PATIENT_RESULT, { n }, token);
    expect(response.errors).toBeUndefined();
    expect(response.data!.patient).toEqual({ __typename: 'InvalidNhsNumber', code: 'INVALID_NHS_NUMBER', message });
  });

  it('answers PATIENT_NOT_FOUND for a valid number nobody is registered with', async () => {
    const response = await app.gql<{ patient: { __typename: string; code: string } }>(PATIENT_RESULT, { n: '9434765919' }, token);
    expect(response.data!.patient).toMatchObject({ __typename: 'PatientNotFound', code: 'PATIENT_NOT_FOUND' });
  });

  it('answers INVALID_ODS_CODE and PRACTICE_NOT_FOUND', async () => {
    const q = 'query Q($o: String!) { practice(odsCode: $o) { __typename ... on Error { code } } }';
    expect((await app.gql<{ practice: { code: string } }>(q, { o: 'nope' }, token)).data!.practice.code).toBe('INVALID_ODS_CODE');
    expect((await app.gql<{ practice: { code: string } }>(q, { o: 'A00000' }, token)).data!.practice.code).toBe('PRACTICE_NOT_FOUND');
  });

  it('refuses a slot search longer than 14 days with INVALID_DATE_RANGE', async () => {
    const q = '{ practice(odsCode: "Z91001") { ... on Practice { slots(from: "2026-06-01T00:00:00Z", to: "2026-06-30T00:00:00Z") { __typename ... on Error { code message } } } } }';
    const response = await app.gql<{ practice: { slots: { code: string } } }>(q, {}, token);
    expect(response.data!.practice.slots.code).toBe('INVALID_DATE_RANGE');
  });

  it('refuses "first" above 100 with a clear message', async () => {
    const response = await app.gql('{ practices(first: 101) { edges { node { odsCode } } } }', {}, token);
    expect(response.errors?.[0]?.message).toBe('"first" must be between 0 and 100.');
  });

  it('refuses a malformed date argument', async () => {
    const response = await app.gql('{ patient(nhsNumber: "9990000018") { ... on Patient { consultations(from: "last tuesday") { status } } } }', {}, token);
    expect(response.errors?.[0]?.message).toMatch(/YYYY-MM-DD/);
  });

  it('limits query depth, aliases and tokens with clear errors', async () => {
    const deep = '{ practices { edges { node { patients { edges { node { allergies { items { reactions { manifestation { code } } } } } } } } } } }';
    expect((await app.gql(deep, {}, token)).errors?.[0]?.message).toMatch(/depth/i);
    const aliases = `{ ${Array.from({ length: 8 }, (_, i) => `a${i}: clinicalSystems { id }`).join(' ')} }`;
    expect((await app.gql(aliases, {}, token)).errors?.[0]?.message).toMatch(/aliases/i);
    const tokens = `{ clinicalSystems { ${'id '.repeat(500)} } }`;
    expect((await app.gql(tokens, {}, token)).errors?.[0]?.message).toMatch(/token/i);
  });

  it('refuses an oversized body with 413 before parsing it', async () => {
    const response = await app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ clinicalSystems { id } } # ${'x'.repeat(30_000)}` }),
    });
    expect(response.status).toBe(413);
  });

  it('refuses a body streamed past the cap without a Content-Length, and a malformed Content-Length', async () => {
    const chunks = [JSON.stringify({ query: '{ clinicalSystems { id } }' }).slice(0, -1), `, "padding": "${'x'.repeat(30_000)}"}`];
    const streamed = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const oversized = await app.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: streamed, duplex: 'half' } as RequestInit);
    expect(oversized.status).toBe(413);
    const malformed = await app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '26, 26' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });

  it('reads a body the same way whatever its encoding or media type, and refuses one that is not JSON', async () => {
    const post = (contentType: string, body: Uint8Array<ArrayBuffer> | string, auth = true) =>
      app.fetch('/graphql', { method: 'POST', headers: { 'content-type': contentType, ...(auth ? { authorization: `Bearer ${token}` } : {}) }, body });
    const answer = async (response: Response) => {
      const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
      return { status: response.status, data: body.data, errors: body.errors };
    };
    const query = JSON.stringify({ query: '{ clinicalSystems { id } }' });
    const plain = await answer(await post('application/json', query));
    expect(plain).toMatchObject({ status: 200, data: { clinicalSystems: expect.any(Array) } });
    // A leading byte order mark is dropped, as Request.json() does; so is the media type's charset.
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(query)]);
    expect(await answer(await post('application/json; charset=utf-8', bom))).toEqual(plain);
    expect(await answer(await post('application/graphql+json', query))).toEqual(plain);
    for (const auth of [true, false]) {
      const broken = await answer(await post('application/json', '{"query": "{ clinicalSystems { id } }"', auth));
      expect(broken.status).toBe(400);
      expect(broken.errors?.[0]).toMatchObject({ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } });
    }
    expect((await answer(await post('application/json', 'null'))).errors?.[0]?.message).toBe('POST body is expected to be object but received null');
  });

  it('masks an unexpected failure (no SQL, no stack) and keeps serving', async () => {
    await app.database.db.execute(sql`alter table sandbox.referrals rename to referrals_gone`);
    try {
      const response = await app.gql<{ patient: unknown }>(RECORD_QUERY, { nhsNumber: '9990000018' }, token);
      // Paths name the failed section fields; nothing else may say what went wrong inside.
      const text = JSON.stringify(response.errors?.map(({ path: _path, ...rest }) => rest));
      expect(response.errors?.length).toBeGreaterThan(0);
      for (const error of response.errors ?? []) expect(error.message).toBe('Unexpected error.');
      expect(text).not.toMatch(/referrals|sandbox|select|stack|relation/i);
      // Demographics still arrive: failed sections are null, not the whole patient.
      expect((response.data?.patient as { nhsNumber: string } | null)?.nhsNumber).toBe('9990000018');
    } finally {
      await app.database.db.execute(sql`alter table sandbox.referrals_gone rename to referrals`);
    }
    const after = await app.gql<{ patient: { __typename: string } }>(PATIENT_RESULT, { n: '9990000018' }, token);
    expect(after.data!.patient.__typename).toBe('Patient');
  });
});
