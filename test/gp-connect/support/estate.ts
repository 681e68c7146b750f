// A test API with the seeded sandbox estate plus one practice served by GP Connect (the fake
// provider): the practice row, its registrations and a clinician of that practice.
import { eq } from 'drizzle-orm';
import { patientRegistrations, people, practices } from '../../../server/db/schema/governance.js';
import { gpConnectConnector, type GpConnectOptions, type GpConnectTiming } from '../../../server/systems/gp-connect/connector.js';
import type { Backend } from '../../support/backends.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { startFakeProvider, type FakeProvider } from './fake-provider.js';
import { JANE, JANE_FOUNDATIONS, JOHN } from './fixtures.js';

export const GP_PRACTICE = { odsCode: 'A00001', name: 'The Trevelyan Practice', systemId: 'EMIS_WEB' } as const;
export const GP_CLINICIAN = `clinician.${GP_PRACTICE.odsCode}`;
export const OUR_ASID = '200000000359';
export const PROVIDER_ASID = '918999198993';
export const ISSUER = 'https://gp-open-integration.test';
export const PLATFORM_ORGANISATION = { odsCode: 'Y90001', name: 'GP Open Integration (test)' };
/** Registered at the GP Connect practice but unknown to its provider. */
export const UNKNOWN_TO_PROVIDER = '9999999972';

export interface GpConnectEstate {
  app: TestApp;
  provider: FakeProvider;
  timings: GpConnectTiming[];
  setSandbox(isSandbox: boolean): Promise<void>;
  setEndpoint(endpoint: unknown): Promise<void>;
  close(): Promise<void>;
}

export async function startGpConnectEstate(backend: Backend, connector: Partial<GpConnectOptions> = {}): Promise<GpConnectEstate> {
  const provider = await startFakeProvider();
  const timings: GpConnectTiming[] = [];
  const app = await startTestApp(backend, {
    connectors: [
      gpConnectConnector({
        asid: OUR_ASID,
        issuer: ISSUER,
        platformOrganisation: PLATFORM_ORGANISATION,
        timeoutMs: 5000,
        onTiming: (t) => timings.push(t),
        ...connector,
      }),
    ],
  });
  const { db } = app.database;
  await db.insert(practices).values({ ...GP_PRACTICE, connector: 'gp-connect', isSandbox: false, endpoint: endpointFor(provider) });
  await db.insert(patientRegistrations).values([JANE, JOHN, JANE_FOUNDATIONS, UNKNOWN_TO_PROVIDER].map((nhsNumber) => ({ nhsNumber, practiceOds: GP_PRACTICE.odsCode })));
  await db.insert(people).values({ id: GP_CLINICIAN, displayName: 'Amelia Hart', role: 'CLINICIAN', practiceOds: GP_PRACTICE.odsCode });
  // The provider's CapabilityStatement is read once and cached: read it now, so tests that count
  // the provider's requests see only the ones their own query causes.
  await app.gql(`{ practice(odsCode: "${GP_PRACTICE.odsCode}") { ... on Practice { capabilities { __typename } } } }`, {}, await app.tokenFor(GP_CLINICIAN));
  provider.requests.length = 0;
  return {
    app,
    provider,
    timings,
    setSandbox: async (isSandbox) => void (await db.update(practices).set({ isSandbox }).where(eq(practices.odsCode, GP_PRACTICE.odsCode))),
    setEndpoint: async (value) => void (await db.update(practices).set({ endpoint: value }).where(eq(practices.odsCode, GP_PRACTICE.odsCode))),
    close: async () => {
      await app.close();
      await provider.close();
    },
  };
}

export function endpointFor(provider: FakeProvider) {
  return { baseUrl: provider.baseUrl, providerAsid: PROVIDER_ASID, providerOds: GP_PRACTICE.odsCode };
}

/** Decodes an unsecured JWT: header, claims and the (empty) signature. */
export function decodeJwt(token: string) {
  const [header, payload, signature] = token.split('.');
  const part = (p: string | undefined) => JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: part(header), claims: part(payload), signature };
}
