// The boundary every principal-system connector implements. Calls are batched: a connector gets all
// the patients (or sections) one GraphQL request needs at once.
import type { AnySectionAnswer, PatientDemographics } from '../domain/clinical-record.js';
import type { PersonName } from '../domain/actors.js';
import type { Capability } from '../domain/clinical-systems.js';
import type { PracticeRecord } from '../domain/practices.js';
import type { Appointment, DateRange, Slot } from '../domain/scheduling.js';
import type { Section, SectionOptions } from '../domain/sections.js';
import type { AmendRequest, BookingRequest, CancelRequest, ManagedAppointment } from '../domain/scheduling/booking.js';
import type { DbOrTx } from '../db/client.js';

export type { PracticeRecord };

/** Who is asking and why: connectors that call out (GP Connect) put this in their request. */
export interface RequestMeta {
  requestId: string;
  actorId: string;
  actorName: string;
  /** The actor's name in parts, when known (a person whose token carries them). */
  actorNameParts?: PersonName | null;
  actorRole: string;
  /** ODS code of the requesting organisation, when the actor has one. */
  organisationOds: string | null;
}

export interface SectionRequest {
  nhsNumber: string;
  section: Section;
  options: SectionOptions;
}

export type ConnectorErrorCode =
  | 'PATIENT_NOT_FOUND'
  | 'INVALID_NHS_NUMBER'
  | 'NO_RELATIONSHIP'
  | 'PROVIDER_UNAVAILABLE'
  | 'PROVIDER_TIMEOUT'
  | 'PROVIDER_ERROR'
  | 'INVALID_RESOURCE'
  | 'NOT_SUPPORTED'
  /** A search period the system refuses by specification (e.g. GP Connect appointments wholly in the past). */
  | 'INVALID_DATE_RANGE'
  // Appointment management (writes)
  | 'VALIDATION_FAILED'
  | 'SLOT_NOT_FOUND'
  | 'SLOT_UNAVAILABLE'
  | 'SLOT_IN_PAST'
  | 'SLOTS_NOT_CONTIGUOUS'
  | 'NOT_BOOKABLE'
  | 'APPOINTMENT_NOT_FOUND'
  | 'INVALID_TRANSITION'
  | 'NOT_YOUR_APPOINTMENT'
  | 'VERSION_CONFLICT';

/** An expected failure from a clinical system; never carries SQL, stacks or raw provider bodies. */
export class ConnectorError extends Error {
  constructor(
    readonly code: ConnectorErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

export interface ClinicalSystemConnector {
  readonly kind: string;
  /** Demographics for each NHS number the practice holds; missing numbers are absent from the map. */
  findPatients(practice: PracticeRecord, nhsNumbers: readonly string[], meta: RequestMeta): Promise<Map<string, PatientDemographics | ConnectorError>>;
  /** One answer (or error) per request, in the same order. */
  readSections(practice: PracticeRecord, requests: readonly SectionRequest[], meta: RequestMeta): Promise<Array<AnySectionAnswer | ConnectorError>>;
  /**
   * Optional: demographics and sections in one read, for connectors whose store can answer both at
   * once (the sandbox: one SQL statement). Same answers as findPatients + readSections.
   */
  readRecords?(
    practice: PracticeRecord,
    nhsNumbers: readonly string[],
    requests: readonly SectionRequest[],
    meta: RequestMeta,
  ): Promise<{ patients: Map<string, PatientDemographics | ConnectorError>; sections: Array<AnySectionAnswer | ConnectorError> }>;
  searchSlots(practice: PracticeRecord, range: DateRange, meta: RequestMeta): Promise<Slot[]>;
  patientAppointments(practice: PracticeRecord, nhsNumbers: readonly string[], range: DateRange, meta: RequestMeta): Promise<Map<string, Appointment[]>>;
  /**
   * Optional: the practice's own capability matrix (GP Connect: from its provider's
   * CapabilityStatement). Without it a practice's matrix is its system's published one.
   */
  capabilities?(practice: PracticeRecord, meta: RequestMeta): Promise<Capability[] | ConnectorError>;
  /** Appointment management; a connector without it answers NOT_SUPPORTED. */
  appointmentWrites?: AppointmentWrites;
}

/**
 * Records a successful write's audit and event. A connector that writes to our database calls it
 * with its transaction (so all commit together); one that writes to a provider calls it without.
 */
export type CommitWrite = (appointment: ManagedAppointment, tx?: DbOrTx) => Promise<void>;

export interface AppointmentWrites {
  book(practice: PracticeRecord, request: BookingRequest, meta: RequestMeta, commit: CommitWrite): Promise<ManagedAppointment | ConnectorError>;
  amend(practice: PracticeRecord, request: AmendRequest, meta: RequestMeta, commit: CommitWrite): Promise<ManagedAppointment | ConnectorError>;
  cancel(practice: PracticeRecord, request: CancelRequest, meta: RequestMeta, commit: CommitWrite): Promise<ManagedAppointment | ConnectorError>;
  read(practice: PracticeRecord, appointmentId: string, meta: RequestMeta): Promise<ManagedAppointment | ConnectorError>;
  /**
   * The same writes inside the caller's transaction, so several commit or roll back together (a
   * plugin run's effects). Only a connector that writes to our own database has it.
   */
  inTransaction?(tx: DbOrTx): AppointmentWrites;
}
