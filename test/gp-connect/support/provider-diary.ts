// A GP Connect provider's appointment book for the fake provider: future free slots shaped like the
// published slot-search example, and appointments that can be booked, read, amended and cancelled
// with the versions (ETag / meta.versionId) and refusals the specification describes. Installed as
// the provider's override; every other request falls through to the default answers.
import type { FakeProvider, RecordedRequest, Reply } from './fake-provider.js';
import { outcome } from './fake-provider.js';
import { fixture, resourcesOf } from './fixtures.js';

type Json = Record<string, unknown>;

export const INTERACTION = {
  searchSlots: 'urn:nhs:names:services:gpconnect:fhir:rest:search:slot-1',
  book: 'urn:nhs:names:services:gpconnect:fhir:rest:create:appointment-1',
  amend: 'urn:nhs:names:services:gpconnect:fhir:rest:update:appointment-1',
  cancel: 'urn:nhs:names:services:gpconnect:fhir:rest:cancel:appointment-1',
  read: 'urn:nhs:names:services:gpconnect:fhir:rest:read:appointment-1',
  readPatient: 'urn:nhs:names:services:gpconnect:fhir:rest:read:patient-1',
} as const;

export interface ProviderDiary {
  /** Contiguous 10-minute slots of Schedule/14, from tomorrow 09:00 UTC. */
  slotIds: string[];
  /** Slots the provider lists only to GP practices (the searchFilter's organisation type). */
  practiceOnlySlotIds: string[];
  appointments: Map<string, { resource: Json; version: number }>;
  busy: Set<string>;
}

const versionTag = (version: number) => `W/"${version}"`;
const json = (status: number, body: Json, headers: Record<string, string> = {}): Reply => ({ status, body, headers });

export function installDiary(provider: FakeProvider, count = 12): ProviderDiary {
  const example = fixture('appointments--search_for_free_slots_response_example.json');
  const resources = resourcesOf(example);
  const template = resources.find((r) => r.resourceType === 'Slot')!;
  const others = resources.filter((r) => r.resourceType !== 'Slot');
  const now = new Date();
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 9);
  const slots = Array.from({ length: count }, (_, i) => ({
    ...structuredClone(template),
    id: `s${i + 1}`,
    start: new Date(day + i * 600_000).toISOString(),
    end: new Date(day + (i + 1) * 600_000).toISOString(),
    status: 'free',
  }));
  const diary: ProviderDiary = { slotIds: slots.map((s) => s.id), practiceOnlySlotIds: [slots.at(-1)!.id], appointments: new Map(), busy: new Set() };
  let nextId = 1;
  let nextVersion = 636068818;
  const newVersion = () => nextVersion++;

  const answer = (request: RecordedRequest): Reply | undefined => {
    const { method, url } = request;
    const path = url.pathname.replace(/^.*\/fhir/, '');
    const body = request.body as Json | undefined;
    if (method === 'GET' && path === '/Slot') {
      const practice = url.searchParams.getAll('searchFilter').some((f) => f.endsWith('|gp-practice'));
      const free = slots.filter((s) => !diary.busy.has(s.id) && (practice || !diary.practiceOnlySlotIds.includes(s.id)));
      return json(200, { resourceType: 'Bundle', type: 'searchset', entry: [...free, ...others].map((resource) => ({ resource })) });
    }
    if (method === 'GET' && path === '/Patient/2') return json(200, fixture('foundations--read_patient_response_example.json'));
    const ofPatient = /^\/Patient\/([^/]+)\/Appointment$/.exec(path);
    if (method === 'GET' && ofPatient) {
      const mine = [...diary.appointments.values()].map((a) => a.resource).filter((a) => ((a.participant as Json[]) ?? []).some((p) => (p.actor as Json).reference === `Patient/${ofPatient[1]!}`));
      return json(200, { resourceType: 'Bundle', type: 'searchset', entry: mine.map((resource) => ({ resource })) });
    }
    if (method === 'POST' && path === '/Appointment') {
      if (body?.resourceType !== 'Appointment') return json(422, outcome('INVALID_RESOURCE'));
      const wanted = ((body.slot as Json[] | undefined) ?? []).map((s) => String(s.reference).replace('Slot/', ''));
      if (wanted.some((id) => !slots.some((s) => s.id === id))) return json(404, outcome('REFERENCE_NOT_FOUND'));
      if (wanted.some((id) => diary.busy.has(id))) return json(409, outcome('DUPLICATE_REJECTED'));
      for (const id of wanted) diary.busy.add(id);
      const id = String(nextId++);
      const version = newVersion();
      const resource = { ...structuredClone(body), id, meta: { ...(body.meta as Json), versionId: String(version) } };
      diary.appointments.set(id, { resource, version });
      return json(201, resource, { etag: versionTag(version), location: `${url.origin}/Appointment/${id}/_history/${version}` });
    }
    const one = /^\/Appointment\/([^/]+)$/.exec(path);
    const stored = one ? diary.appointments.get(one[1]!) : undefined;
    if (one && !stored && (method === 'GET' || method === 'PUT')) return json(404, outcome('REFERENCE_NOT_FOUND'));
    if (method === 'GET' && stored) return json(200, stored.resource, { etag: versionTag(stored.version) });
    if (method === 'PUT' && stored) {
      if (request.headers['if-match'] !== versionTag(stored.version)) return json(409, outcome('FHIR_CONSTRAINT_VIOLATION'));
      if (body?.resourceType !== 'Appointment' || body.id !== stored.resource.id) return json(422, outcome('INVALID_RESOURCE'));
      const version = newVersion();
      const resource: Json = { ...structuredClone(body), meta: { ...(body.meta as Json), versionId: String(version) } };
      if (resource.status === 'cancelled') for (const s of (resource.slot as Json[]) ?? []) diary.busy.delete(String(s.reference).replace('Slot/', ''));
      diary.appointments.set(stored.resource.id as string, { resource, version });
      return json(200, resource, { etag: versionTag(version) });
    }
    return undefined;
  };
  provider.override = answer;
  return diary;
}
