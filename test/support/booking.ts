// Fixtures for appointment management: approved, enabled supplier apps with real access tokens,
// and a schedule of future slots (the seeded data set is anchored in the past).
import { randomUUID } from 'node:crypto';
import { clientApps, enablements, pairings, supplierScopes, suppliers } from '../../server/db/schema/access.js';
import { patientRegistrations } from '../../server/db/schema/governance.js';
import { sbSchedules, sbSlots } from '../../server/db/schema/sandbox.js';
import { eq } from 'drizzle-orm';
import { appKey, signAssertion, tokenForm } from './supplier-app.js';
import type { TestApp } from './test-app.js';

export const BOOKING_SCOPES = ['patient/Patient.rs', 'patient/Appointment.rs', 'patient/Appointment.cud', 'system/Slot.rs'];
export const ORG = { odsCode: 'X26001', name: 'Acme Urgent Care', type: 'urgent-care' };

export interface EnabledApp {
  appId: string;
  supplierId: string;
  token: string;
}

/** `count` supplier apps, each its own supplier, in UNSUPPORTED_TEST for every system and enabled at `practices`. */
export async function enabledApps(app: TestApp, count: number, practices: string[], scopes = BOOKING_SCOPES): Promise<EnabledApp[]> {
  const db = app.database.db;
  const key = await appKey('ES384');
  const made = Array.from({ length: count }, () => ({ supplierId: `supplier-${randomUUID()}`, appId: `app-${randomUUID()}` }));
  await db.insert(suppliers).values(made.map((m) => ({ id: m.supplierId, name: 'Booker Ltd', contactName: 'Bo', contactEmail: 'bo@booker.example', useCase: 'Booking', createdBy: 'developer' })));
  await db.insert(supplierScopes).values(made.flatMap((m) => scopes.map((scope) => ({ supplierId: m.supplierId, scope, grantedBy: 'reviewer', grantedAt: new Date() }))));
  await db.insert(clientApps).values(made.map((m) => ({ id: m.appId, supplierId: m.supplierId, name: 'Booker', jwks: { keys: [key.publicJwk] } })));
  const systems = ['EMIS_WEB', 'TPP_SYSTMONE', 'CEGEDIM_VISION', 'MICROTEST_EVOLUTION'];
  await db.insert(pairings).values(made.flatMap((m) => systems.map((systemId) => ({ id: randomUUID(), supplierId: m.supplierId, systemId, stage: 'UNSUPPORTED_TEST' }))));
  await db.insert(enablements).values(made.flatMap((m) => practices.map((practiceOds) => ({ id: randomUUID(), practiceOds, appId: m.appId, scopes, status: 'ACTIVE', changedBy: 'admin' }))));
  return Promise.all(
    made.map(async (m) => {
      const assertion = await signAssertion(m.appId, key, `${app.env.publicUrl}/oauth2/token`);
      const response = await app.fetch('/oauth2/token', { method: 'POST', body: tokenForm(assertion) });
      const body = (await response.json()) as { access_token?: string };
      if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
      return { ...m, token: body.access_token };
    }),
  );
}

export interface FutureSchedule {
  scheduleId: string;
  /** Contiguous 10-minute slots, from tomorrow 09:00 UTC. */
  slotIds: string[];
}

/** A schedule of `count` contiguous future slots at a practice (In-person, bookable by anyone unless said). */
export async function futureSchedule(app: TestApp, practiceOds: string, count = 6, slot: { bookableOrganisationTypes?: string[]; deliveryChannel?: string } = {}): Promise<FutureSchedule> {
  const scheduleId = `sched-${randomUUID()}`;
  await app.database.db.insert(sbSchedules).values({ id: scheduleId, practiceOds, practitioner: 'Dr Test', practitionerRole: 'General Medical Practitioner', location: 'Main surgery', serviceType: 'General practice appointment' });
  const day = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1, 9));
  const slots = Array.from({ length: count }, (_, i) => {
    const start = new Date(day.getTime() + i * 600_000);
    return {
      id: `${scheduleId}-${i}`,
      scheduleId,
      practiceOds,
      start,
      end: new Date(start.getTime() + 600_000),
      status: 'free',
      deliveryChannel: slot.deliveryChannel ?? 'In-person',
      bookableOrganisationTypes: slot.bookableOrganisationTypes ?? null,
    };
  });
  await app.database.db.insert(sbSlots).values(slots);
  return { scheduleId, slotIds: slots.map((s) => s.id) };
}

export async function patientAt(app: TestApp, practiceOds: string, index = 0): Promise<string> {
  const rows = await app.database.db.select().from(patientRegistrations).where(eq(patientRegistrations.practiceOds, practiceOds)).orderBy(patientRegistrations.nhsNumber);
  return rows[index]!.nhsNumber;
}

export const BOOK = /* GraphQL */ `
  mutation Book($input: BookAppointmentInput!) {
    bookAppointment(input: $input) {
      __typename
      ... on Error { code message }
      ... on Appointment { id status start end slotIds description comment nhsNumber practiceOdsCode version cancellationReason bookingOrganisation { odsCode type } }
    }
  }`;

export type Managed = {
  __typename: string;
  code?: string;
  message?: string;
  id: string;
  status: string;
  start: string;
  end: string;
  slotIds: string[];
  description: string | null;
  comment: string | null;
  version: string;
  cancellationReason: string | null;
};

export async function book(app: TestApp, token: string, input: Record<string, unknown>, headers?: Record<string, string>) {
  const response = await app.gql<{ bookAppointment: Managed }>(BOOK, { input: { description: 'Asthma review', bookingOrganisation: ORG, ...input } }, token, headers);
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data.bookAppointment;
}
