// Foundations and appointment management answers: find patient, free slots, a patient's appointments.
import type { PatientDemographics } from '../../domain/clinical-record.js';
import type { Appointment, Slot } from '../../domain/scheduling.js';
import { BundleIndex, conceptText, extension, humanName, instant, list, nhsNumbersOf, obj, objects, pick, str, typeOf, type Resource } from './fhir.js';

const GENDERS = new Set(['female', 'male', 'other', 'unknown']);

export interface FoundPatient {
  logicalId: string | null;
  demographics: PatientDemographics;
}

/** The Patient in a find-patient searchset with exactly this NHS number, if any. */
export function patientFromSearch(bundle: Resource, nhsNumber: string, practiceOds: string): FoundPatient | null {
  const patient = new BundleIndex(bundle).ofType('Patient').find((p) => nhsNumbersOf(p).includes(nhsNumber));
  if (!patient) return null;
  const names = objects(patient.name);
  const name = names.find((n) => n.use === 'official') ?? names.find((n) => n.use === 'usual') ?? names[0];
  const gender = str(patient.gender) ?? 'unknown';
  return {
    logicalId: str(patient.id) ?? null,
    demographics: {
      nhsNumber,
      givenName: list(name?.given).filter((g): g is string => typeof g === 'string').join(' '),
      familyName: str(name?.family) ?? '',
      birthDate: str(patient.birthDate)?.slice(0, 10) ?? '',
      gender: (GENDERS.has(gender) ? gender : 'unknown') as PatientDemographics['gender'],
      practiceOds,
    },
  };
}

export function slotsFromSearch(bundle: Resource): Slot[] {
  const index = new BundleIndex(bundle);
  return index.ofType('Slot').flatMap((slot): Slot[] => {
    const start = instant(slot.start);
    const end = instant(slot.end);
    if (!start || !end || !str(slot.id)) return [];
    const schedule = index.resolve(slot.schedule);
    const actors = objects(schedule?.actor).map((a) => ({ ref: a, target: index.resolve(a) }));
    const practitioner = actors.find((a) => typeOf(a.target) === 'Practitioner' || str(a.ref.reference)?.startsWith('Practitioner/'));
    const location = actors.find((a) => typeOf(a.target) === 'Location' || str(a.ref.reference)?.startsWith('Location/'));
    return [
      {
        id: str(slot.id) ?? '',
        start,
        end,
        status: slot.status === 'free' ? 'FREE' : 'BUSY',
        deliveryChannel: str(extension(slot, 'DeliveryChannel')?.valueCode) ?? null,
        practitioner: humanName(practitioner?.target?.name) ?? str(practitioner?.ref.display) ?? null,
        practitionerRole: conceptText(extension(schedule, 'PractitionerRole')?.valueCodeableConcept),
        location: str(location?.target?.name) ?? str(location?.ref.display) ?? null,
        serviceType: objects(slot.serviceType).map(conceptText).find((t) => t !== null) ?? null,
      },
    ];
  });
}

export const APPOINTMENT_STATUSES: Record<string, Appointment['status']> = {
  booked: 'BOOKED',
  fulfilled: 'FULFILLED',
  cancelled: 'CANCELLED',
  noshow: 'NOSHOW',
  pending: 'PENDING',
  proposed: 'PENDING',
  waitlist: 'PENDING',
  arrived: 'ARRIVED',
};

export function appointmentsFromSearch(bundle: Resource): Appointment[] {
  const index = new BundleIndex(bundle);
  return index.ofType('Appointment').flatMap((appointment): Appointment[] => {
    const start = instant(appointment.start);
    const end = instant(appointment.end);
    const status = pick(APPOINTMENT_STATUSES, appointment.status);
    if (!start || !end || !status || !str(appointment.id)) return [];
    const actors = objects(appointment.participant).map((p) => obj(p.actor)).filter((a): a is Resource => a !== undefined);
    const practitioner = actors.find((a) => str(a.reference)?.startsWith('Practitioner/'));
    const location = actors.find((a) => str(a.reference)?.startsWith('Location/'));
    return [
      {
        id: str(appointment.id) ?? '',
        start,
        end,
        status,
        description: str(appointment.description) ?? null,
        comment: str(appointment.comment) ?? null,
        practitioner: humanName(index.resolve(practitioner)?.name) ?? str(practitioner?.display) ?? null,
        location: str(index.resolve(location)?.name) ?? str(location?.display) ?? null,
        createdAt: instant(appointment.created),
      },
    ];
  });
}
