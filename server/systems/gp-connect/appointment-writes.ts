// GP Connect Appointment Management writes: book (POST /Appointment), amend and cancel (PUT
// /Appointment/{id} with If-Match of the version the provider returned) and read one appointment.
// The provider is the source of truth; our audit and event are recorded right after it confirmed.
import { slotsProblem, type ManagedAppointment } from '../../domain/scheduling/booking.js';
import { MAX_SLOT_SEARCH_DAYS } from '../../domain/scheduling.js';
import type { PracticeRecord } from '../../domain/practices.js';
import { ConnectorError, type AppointmentWrites, type CommitWrite, type RequestMeta } from '../types.js';
import { CANCELLATION_REASON_URL, bookingResource, managedFrom, patientIdOf, providerSlots, versionOf } from './map-appointment.js';
import { callProvider, callProviderForAnswer, INTERACTIONS, mapped, type Answer, type CallContext } from './http-client.js';
import { nhsNumbersOf, objects, str, typeOf, type Resource } from './fhir.js';
import type { FindPatient } from './patient-lookup.js';
import { asConnectorError, providerError, ProviderRefusal } from './provider-errors.js';
import { freeSlotBundle } from './scheduling.js';

type Operation = 'book' | 'amend' | 'cancel' | 'read';

/** A provider's refusal of an appointment interaction as the typed error our callers act on. */
export function writeRefusal(error: unknown, operation: Operation): ConnectorError {
  if (!(error instanceof ProviderRefusal)) return asConnectorError(error);
  const { status, spineCode } = error;
  if (operation === 'book' && (spineCode === 'DUPLICATE_REJECTED' || status === 409)) return providerError('SLOT_UNAVAILABLE');
  if (status === 409 || status === 412) return providerError('VERSION_CONFLICT');
  if (status === 404) {
    if (error.code === 'PATIENT_NOT_FOUND') return error;
    return providerError(operation === 'book' ? 'SLOT_NOT_FOUND' : 'APPOINTMENT_NOT_FOUND');
  }
  if (status === 403) return operation === 'amend' || operation === 'cancel' ? providerError('NOT_YOUR_APPOINTMENT') : providerError('NO_RELATIONSHIP');
  if (status === 422 || error.code === 'INVALID_RESOURCE') return providerError('VALIDATION_FAILED');
  return error;
}

const unusable = () => providerError('PROVIDER_ERROR');

export function gpConnectAppointmentWrites(contextFor: (practice: PracticeRecord, meta: RequestMeta) => CallContext, findPatient: FindPatient): AppointmentWrites {
  async function readResource(ctx: CallContext, id: string): Promise<Answer> {
    const answer = await callProviderForAnswer(
      { method: 'GET', path: `/Appointment/${encodeURIComponent(id)}`, interaction: INTERACTIONS.readAppointment, scope: 'patient/*.read', safe: true },
      ctx,
    );
    if (typeOf(answer.resource) !== 'Appointment') throw unusable();
    return answer;
  }

  /** The NHS number behind the appointment's patient reference (GP Connect read patient). */
  async function nhsNumberOf(ctx: CallContext, appointment: Resource): Promise<string> {
    const patientId = patientIdOf(appointment);
    if (!patientId) throw unusable();
    const patient = await callProvider({ method: 'GET', path: `/Patient/${encodeURIComponent(patientId)}`, interaction: INTERACTIONS.readPatient, scope: 'patient/*.read', safe: true }, ctx);
    const nhsNumber = typeOf(patient) === 'Patient' ? nhsNumbersOf(patient)[0] : undefined;
    if (!nhsNumber) throw unusable();
    return nhsNumber;
  }

  function managed(ctx: CallContext, practice: PracticeRecord, interaction: string, answer: Answer, nhsNumber: string): ManagedAppointment {
    const appointment = mapped(ctx.settings, interaction, () => managedFrom(answer.resource, answer.etag, { nhsNumber, practiceOds: practice.odsCode }));
    if (!appointment) throw unusable();
    return appointment;
  }

  /** Reads the appointment, lets `change` edit a copy, and PUTs it back against the version read. */
  async function update(
    practice: PracticeRecord,
    id: string,
    meta: RequestMeta,
    operation: 'amend' | 'cancel',
    change: (current: Resource) => ConnectorError | Resource,
  ): Promise<ManagedAppointment | ConnectorError> {
    const ctx = contextFor(practice, meta);
    const current = await readResource(ctx, id);
    const version = versionOf(current.resource, current.etag);
    if (!version) throw unusable();
    // Known before the write, so nothing can fail between the provider's change and our record of it.
    const nhsNumber = await nhsNumberOf(ctx, current.resource);
    if (current.resource.status !== 'booked') return new ConnectorError('INVALID_TRANSITION', `A ${str(current.resource.status) ?? 'non-booked'} appointment cannot change.`);
    const changed = change(structuredClone(current.resource));
    if (changed instanceof ConnectorError) return changed;
    const interaction = operation === 'amend' ? INTERACTIONS.amendAppointment : INTERACTIONS.cancelAppointment;
    const answer = await callProviderForAnswer(
      { method: 'PUT', path: `/Appointment/${encodeURIComponent(id)}`, interaction, scope: 'patient/*.write', body: changed, safe: false, ifMatch: `W/"${version}"` },
      ctx,
    );
    return managed(ctx, practice, interaction, answer, nhsNumber);
  }

  /** Provider failures become typed refusals; recording a confirmed write (`commit`) stays outside. */
  async function guarded(operation: Operation, work: () => Promise<ManagedAppointment | ConnectorError>, commit?: CommitWrite): Promise<ManagedAppointment | ConnectorError> {
    let outcome: ManagedAppointment | ConnectorError;
    try {
      outcome = await work();
    } catch (error) {
      return writeRefusal(error, operation);
    }
    if (commit && !(outcome instanceof ConnectorError)) await commit(outcome);
    return outcome;
  }

  return {
    book: (practice, request, meta, commit) => guarded('book', async () => {
      const ctx = contextFor(practice, meta);
      const patient = await findPatient(ctx, practice, request.nhsNumber);
      if (!patient?.logicalId) return providerError('PATIENT_NOT_FOUND');
      // GP Connect has no slot read: the slots must be among the booker's free slots of the next 14 days.
      const now = new Date();
      const window = { from: now, to: new Date(now.getTime() + MAX_SLOT_SEARCH_DAYS * 86_400_000) };
      const bundle = await freeSlotBundle(ctx, window, request.bookingOrganisation);
      if (typeOf(bundle) !== 'Bundle') throw unusable();
      const free = mapped(ctx.settings, INTERACTIONS.searchSlots, () => providerSlots(bundle)).filter((s) => request.slotIds.includes(s.id));
      if (free.length !== request.slotIds.length) {
        return new ConnectorError('SLOT_UNAVAILABLE', 'The slot is not among the free slots this organisation may book in the next 14 days.');
      }
      const refused = slotsProblem(request.slotIds, free.map((s) => ({ ...s, free: true, bookableOrganisationTypes: null })), request, now);
      if (refused) return new ConnectorError(refused.code, refused.message);
      const slots = [...free].sort((a, b) => a.start.getTime() - b.start.getTime());
      const body = bookingResource({ patientId: patient.logicalId, slots, description: request.description, comment: request.comment, organisation: request.bookingOrganisation, created: now });
      const answer = await callProviderForAnswer({ method: 'POST', path: '/Appointment', interaction: INTERACTIONS.bookAppointment, scope: 'patient/*.write', body, safe: false }, ctx);
      return managed(ctx, practice, INTERACTIONS.bookAppointment, answer, request.nhsNumber);
    }, commit),

    amend: (practice, request, meta, commit) => guarded('amend', () => update(practice, request.appointmentId, meta, 'amend', (resource) => {
        // Only description and comment change; everything else goes back as the provider sent it.
        if (request.description !== undefined) resource.description = request.description ?? undefined;
        if (request.comment !== undefined) {
          if (request.comment === null || request.comment === '') delete resource.comment;
          else resource.comment = request.comment;
        }
        return resource;
      }), commit),

    cancel: (practice, request, meta, commit) => guarded('cancel', () => update(practice, request.appointmentId, meta, 'cancel', (resource) => {
        const start = Date.parse(str(resource.start) ?? '');
        if (!(start > Date.now())) return new ConnectorError('INVALID_TRANSITION', 'An appointment that has started cannot be cancelled.');
        // Only the status and the cancellation reason change.
        resource.status = 'cancelled';
        resource.extension = [...objects(resource.extension).filter((e) => e.url !== CANCELLATION_REASON_URL), { url: CANCELLATION_REASON_URL, valueString: request.reason }];
        return resource;
      }), commit),

    read: (practice, appointmentId, meta) => guarded('read', async () => {
      const ctx = contextFor(practice, meta);
      const answer = await readResource(ctx, appointmentId);
      return managed(ctx, practice, INTERACTIONS.readAppointment, answer, await nhsNumberOf(ctx, answer.resource));
    }),
  };
}
