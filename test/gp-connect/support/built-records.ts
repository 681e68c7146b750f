// Structured-record bundles built in a test, in the shapes the GP Connect specification describes,
// and a reader that serves one as the provider's answer and reads Jane's record through the API.
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Backend } from '../../support/backends.js';
import { GP_CLINICIAN, startGpConnectEstate, type GpConnectEstate } from './estate.js';
import { JANE, fixture, resourcesOf } from './fixtures.js';

export type Json = Record<string, unknown>;
export const SCT = 'http://snomed.info/sct';

/** Jane Jackson's Patient resource, as the published examples give it. */
export const janePatient = resourcesOf(fixture('accessrecord_structured--allergies_response1.json')).find((r) => r.resourceType === 'Patient')!;

/** A section (or consultation part) List; an entry is a reference, or a whole `item` element. */
export const list = (code: string, title: string, entries: Array<string | Json>, extra: Json = {}): Json => ({
  resourceType: 'List',
  status: 'current',
  mode: 'snapshot',
  title,
  code: { coding: [{ system: SCT, code, display: title }] },
  entry: entries.map((e) => ({ item: typeof e === 'string' ? { reference: e } : e })),
  ...extra,
});

/** A structured-record Bundle for Jane holding the given resources. */
export const bundle = (...resources: Json[]) => ({ resourceType: 'Bundle', type: 'collection', entry: [janePatient, ...resources].map((resource) => ({ resource })) });

/**
 * Starts a GP Connect estate for the enclosing describe block and returns a reader: it serves
 * `answer` as the provider's structured record and runs `query` for Jane as a clinician.
 */
export function builtRecordReader<T>(backend: Backend, query: string): (answer: Json) => Promise<T> {
  let estate: GpConnectEstate;
  let token: string;
  beforeAll(async () => {
    estate = await startGpConnectEstate(backend);
    token = await estate.app.tokenFor(GP_CLINICIAN);
  });
  afterAll(() => estate.close());
  afterEach(() => {
    estate.provider.override = null;
  });
  return async (answer) => {
    estate.provider.override = (r) => (r.method === 'POST' ? { body: answer } : undefined);
    const response = await estate.app.gql<{ patient: T }>(query, { n: JANE }, token);
    expect(response.errors).toBeUndefined();
    return response.data!.patient;
  };
}
