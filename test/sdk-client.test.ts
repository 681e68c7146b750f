// The SDK client against the in-process API: typed data, partial answers, refusals with codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, GraphQLRequestError, PatientRecordDocument } from '../sdk/index.js';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { availableBackends } from './support/backends.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe.each(await availableBackends())('SDK client (%s)', (backend) => {
  let app: TestApp;
  let own: string;
  beforeAll(async () => {
    app = await startTestApp(backend);
    const dev = await app.tokenFor('developer');
    const first = async (ods: string) =>
      (await app.gql<{ practice: { patients: { edges: Array<{ node: { nhsNumber: string } }> } } }>(`{ practice(odsCode: "${ods}") { ... on Practice { patients(first: 1) { edges { node { nhsNumber } } } } } }`, {}, dev)).data!
        .practice.patients.edges[0]!.node.nhsNumber;
    own = await first('Z91001');
  });
  afterAll(() => app.close());

  const clientAs = async (person: string) =>
    createClient({ url: 'http://localhost/graphql', token: await app.tokenFor(person), fetch: (input, init) => app.fetch(new URL(String(input)).pathname, init) });

  it('returns typed data', async () => {
    const client = await clientAs('clinician.Z91001');
    const { patient } = await client.request(PatientRecordDocument, { nhsNumber: own });
    expect(patient?.__typename === 'Patient' && patient.nhsNumber).toBe(own);
  });

  it('keeps what was allowed when part of an answer is refused', async () => {
    const client = await clientAs('clinician.Z91001');
    type Both = { mine: { nhsNumber: string } | null; theirs: { patients: unknown } | null };
    // Another practice's patient list is refused outright (a single patient would answer as not found).
    const both = parse(
      `query Both($own: String!) {
        mine: patient(nhsNumber: $own) { ... on Patient { nhsNumber } }
        theirs: practice(odsCode: "Z92001") { ... on Practice { patients(first: 1) { edges { node { nhsNumber } } } } }
      }`,
    ) as TypedDocumentNode<Both, { own: string }>;
    const result = await client.execute(both, { own });
    expect(result.data).toEqual({ mine: { nhsNumber: own }, theirs: { patients: null } });
    expect(result.errors.map((e) => [e.path, e.extensions?.code])).toEqual([[['theirs', 'patients'], 'FORBIDDEN']]);
    const error = await client.request(both, { own }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect((error as GraphQLRequestError).codes).toEqual(['FORBIDDEN']);
    expect((error as GraphQLRequestError).data).toEqual({ mine: { nhsNumber: own }, theirs: { patients: null } });
  });
});
