// GP Connect Appointment resources, both ways: the booking we send (GP Connect 1.2: the booking
// organisation as a contained Organization named by an extension) and the appointment a provider
// returns, as appointment management sees it.
import type { BookingOrganisation, ManagedAppointment } from '../../domain/scheduling/booking.js';
import { BundleIndex, extension, instant, obj, objects, ODS_SYSTEM, pick, str, type Resource } from './fhir.js';
import { APPOINTMENT_STATUSES } from './map-foundations.js';

const APPOINTMENT_PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Appointment-1';
const ORGANISATION_PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Organization-1';
export const BOOKING_ORGANISATION_URL = 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-GPConnect-BookingOrganisation-1';
export const CANCELLATION_REASON_URL = 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-GPConnect-AppointmentCancellationReason-1';
const ORGANISATION_TYPE = 'https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1';

/** What booking needs to know of a free slot the provider listed. */
export interface ProviderSlot {
  id: string;
  scheduleId: string;
  /** Start and end as the provider wrote them (sent back unchanged). */
  startText: string;
  endText: string;
  start: Date;
  end: Date;
  deliveryChannel: string | null;
  /** `Location/<id>` of the slot's schedule, when it names one. */
  location: string | null;
}

export function providerSlots(bundle: Resource): ProviderSlot[] {
  const index = new BundleIndex(bundle);
  return index.ofType('Slot').flatMap((slot): ProviderSlot[] => {
    const id = str(slot.id);
    const startText = str(slot.start);
    const endText = str(slot.end);
    const start = instant(startText);
    const end = instant(endText);
    const scheduleRef = str(obj(slot.schedule)?.reference);
    if (!id || !startText || !endText || !start || !end || !scheduleRef || slot.status !== 'free') return [];
    const schedule = index.resolve(slot.schedule);
    const location = objects(schedule?.actor).map((a) => str(a.reference)).find((r) => r?.startsWith('Location/'));
    return [{ id, scheduleId: scheduleRef.replace(/^.*Schedule\//, ''), startText, endText, start, end, deliveryChannel: str(extension(slot, 'DeliveryChannel')?.valueCode) ?? null, location: location ?? null }];
  });
}

export interface BookingResource {
  patientId: string;
  slots: readonly ProviderSlot[];
  description: string;
  comment: string | null;
  organisation: BookingOrganisation;
  created: Date;
}

/** The Appointment a consumer POSTs to book: contiguous slots, the patient, who booked. */
export function bookingResource(b: BookingResource): Resource {
  const location = b.slots[0]?.location;
  return {
    resourceType: 'Appointment',
    meta: { profile: [APPOINTMENT_PROFILE] },
    contained: [
      {
        resourceType: 'Organization',
        id: '1',
        meta: { profile: [ORGANISATION_PROFILE] },
        identifier: [{ system: ODS_SYSTEM, value: b.organisation.odsCode }],
        type: [{ coding: [{ system: ORGANISATION_TYPE, code: b.organisation.type }] }],
        name: b.organisation.name,
      },
    ],
    extension: [{ url: BOOKING_ORGANISATION_URL, valueReference: { reference: '#1' } }],
    status: 'booked',
    description: b.description,
    start: b.slots[0]?.startText,
    end: b.slots.at(-1)?.endText,
    slot: b.slots.map((s) => ({ reference: `Slot/${s.id}` })),
    created: b.created.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    ...(b.comment ? { comment: b.comment } : {}),
    participant: [
      { actor: { reference: `Patient/${b.patientId}` }, status: 'accepted' },
      ...(location ? [{ actor: { reference: location }, status: 'accepted' }] : []),
    ],
  };
}

/** The version a provider stated: meta.versionId, else the ETag (`W/"<version>"`). */
export function versionOf(resource: Resource, etag: string | null): string | null {
  return str(obj(resource.meta)?.versionId) ?? (etag ? /^(?:W\/)?"?([^"]+)"?$/.exec(etag.trim())?.[1] ?? null : null);
}

/** The provider's logical id of the appointment's patient (`Patient/<id>`). */
export function patientIdOf(appointment: Resource): string | null {
  const ref = objects(appointment.participant)
    .map((p) => str(obj(p.actor)?.reference))
    .find((r) => r?.startsWith('Patient/'));
  return ref ? ref.slice('Patient/'.length) : null;
}

function bookingOrganisationOf(appointment: Resource): BookingOrganisation | null {
  const ref = str(obj(extension(appointment, 'BookingOrganisation')?.valueReference)?.reference);
  const org = objects(appointment.contained).find((c) => c.resourceType === 'Organization' && ref === `#${str(c.id) ?? ''}`);
  if (!org) return null;
  const odsCode = objects(org.identifier).find((i) => i.system === ODS_SYSTEM)?.value;
  const type = objects(org.type).flatMap((t) => objects(t.coding)).find((c) => c.system === ORGANISATION_TYPE)?.code;
  return { odsCode: str(odsCode) ?? '', name: str(org.name) ?? '', type: str(type) ?? '' };
}

/** An Appointment resource as a ManagedAppointment; null when it lacks what every appointment has. */
export function managedFrom(resource: Resource, etag: string | null, facts: { nhsNumber: string; practiceOds: string }): ManagedAppointment | null {
  const id = str(resource.id);
  const start = instant(resource.start);
  const end = instant(resource.end);
  const status = pick(APPOINTMENT_STATUSES, resource.status);
  const version = versionOf(resource, etag);
  if (resource.resourceType !== 'Appointment' || !id || !start || !end || !status || !version) return null;
  return {
    id,
    start,
    end,
    status,
    description: str(resource.description) ?? null,
    comment: str(resource.comment) ?? null,
    practitioner: null,
    location: null,
    createdAt: instant(resource.created),
    nhsNumber: facts.nhsNumber,
    practiceOds: facts.practiceOds,
    slotIds: objects(resource.slot)
      .map((s) => str(s.reference)?.replace(/^.*Slot\//, ''))
      .filter((s): s is string => s !== undefined),
    bookingOrganisation: bookingOrganisationOf(resource),
    cancellationReason: str(extension(resource, 'AppointmentCancellationReason')?.valueString) ?? null,
    version,
  };
}
