// Capability scopes, modelled on SMART App Launch v2: `<context>/<FHIR resource>.<permissions>`,
// e.g. `patient/AllergyIntolerance.rs` (read + search one patient's allergies). A supplier requests
// scopes, NHS England grants a subset, and each practice allows a subset of those.
import type { Section } from './sections.js';

export interface ScopeInfo {
  scope: string;
  description: string;
  /** The record section this scope opens, if any. */
  section: Section | null;
}

const S = (scope: string, description: string, section: Section | null = null): ScopeInfo => ({ scope, description, section });

export const SCOPES: readonly ScopeInfo[] = [
  S('patient/Patient.rs', "Find a patient and read demographics (needed for any patient's record)."),
  S('patient/AllergyIntolerance.rs', 'Read allergies and adverse reactions.', 'ALLERGIES'),
  S('patient/MedicationStatement.rs', 'Read medications and prescription issues.', 'MEDICATIONS'),
  S('patient/Condition.rs', 'Read problems.', 'PROBLEMS'),
  S('patient/Immunization.rs', 'Read immunisations.', 'IMMUNISATIONS'),
  S('patient/Encounter.rs', 'Read consultations.', 'CONSULTATIONS'),
  S('patient/DiagnosticReport.rs', 'Read investigations and results.', 'INVESTIGATIONS'),
  S('patient/ReferralRequest.rs', 'Read referrals.', 'REFERRALS'),
  S('patient/Observation.rs', 'Read uncategorised observations.', 'UNCATEGORISED'),
  S('patient/ProcedureRequest.rs', 'Read diary entries (recalls, reviews).', 'DIARY_ENTRIES'),
  S('patient/Appointment.rs', "Read a patient's appointments."),
  S('patient/Appointment.cud', 'Book, amend and cancel appointments.'),
  S('system/Slot.rs', "Search a practice's free slots."),
  S('system/Task.c', "Create tasks on the practice's worklist (plugins)."),
  S('patient/DocumentReference.c', "Send a document into a patient's record (it waits in the practice's review queue)."),
  S('patient/DocumentReference.rs', 'Read documents sent into a patient\'s record and hear about their review.'),
];

const KNOWN = new Map(SCOPES.map((s) => [s.scope, s]));
const SECTION_SCOPE = new Map(SCOPES.filter((s) => s.section).map((s) => [s.section as Section, s.scope]));

export const PATIENT_READ_SCOPE = 'patient/Patient.rs';
export const APPOINTMENT_READ_SCOPE = 'patient/Appointment.rs';
export const SLOT_SEARCH_SCOPE = 'system/Slot.rs';
export const APPOINTMENT_WRITE_SCOPE = 'patient/Appointment.cud';
export const DOCUMENT_SEND_SCOPE = 'patient/DocumentReference.c';
export const DOCUMENT_READ_SCOPE = 'patient/DocumentReference.rs';

export function isKnownScope(scope: string): boolean {
  return KNOWN.has(scope);
}

export function scopeForSection(section: Section): string {
  const scope = SECTION_SCOPE.get(section);
  if (!scope) throw new Error(`no scope for section ${section}`);
  return scope;
}

/** Unknown scopes in a list, for a clear refusal. */
export function unknownScopes(scopes: readonly string[]): string[] {
  return scopes.filter((s) => !KNOWN.has(s));
}

/** Space-separated scope parameter (OAuth2) -> distinct list. */
export function parseScopeParameter(value: string | null | undefined): string[] {
  return [...new Set((value ?? '').split(/\s+/).filter(Boolean))];
}
