// The one clinical data model every connector maps into. Original codings and display text are
// kept as the source system gave them.
import type { Section, SectionAnswer } from './sections.js';

export const SNOMED_CT = 'http://snomed.info/sct';
export const DM_D = 'https://dmd.nhs.uk';

export interface Coding {
  system: string;
  code: string;
  display: string;
  /**
   * The clinician's own words when the source kept them (GP Connect: the concept's text, else the
   * SNOMED CT description the clinician picked, else the coding's display). Absent: same as display.
   */
  originalTerm?: string | null;
}

export interface PersonRef {
  name: string;
  role?: string | null;
}

export interface PatientDemographics {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  gender: 'female' | 'male' | 'other' | 'unknown';
  /** ODS code of the practice holding the record. */
  practiceOds: string;
}

export interface AllergyReaction {
  manifestation: Coding | null;
  severity: 'MILD' | 'MODERATE' | 'SEVERE' | null;
  description: string | null;
}

export interface Allergy {
  id: string;
  code: Coding;
  clinicalStatus: 'ACTIVE' | 'RESOLVED';
  category: 'MEDICATION' | 'FOOD' | 'ENVIRONMENT' | 'OTHER' | null;
  onsetDate: string | null;
  assertedDate: string | null;
  endDate: string | null;
  reactions: AllergyReaction[];
  note: string | null;
  recorder: PersonRef | null;
}

export interface MedicationIssue {
  id: string;
  issueDate: string;
  quantityText: string | null;
  issueNumber: number | null;
}

export interface Medication {
  id: string;
  medication: Coding;
  dosageText: string | null;
  quantityText: string | null;
  prescriptionType: 'ACUTE' | 'REPEAT' | 'REPEAT_DISPENSED' | 'OTHER';
  status: 'ACTIVE' | 'COMPLETED' | 'STOPPED';
  startDate: string | null;
  endDate: string | null;
  issues: MedicationIssue[];
  prescriber: PersonRef | null;
}

export interface Problem {
  id: string;
  code: Coding;
  status: 'ACTIVE' | 'INACTIVE';
  significance: 'MAJOR' | 'MINOR' | null;
  onsetDate: string | null;
  endDate: string | null;
  note: string | null;
}

export interface Immunisation {
  id: string;
  vaccine: Coding;
  date: string | null;
  given: boolean;
  doseSequence: number | null;
  reasonNotGiven: Coding | null;
  note: string | null;
}

export interface ConsultationEntry {
  heading: string;
  text: string;
}

export interface Consultation {
  id: string;
  date: string | null;
  type: string | null;
  practitioner: PersonRef | null;
  location: string | null;
  entries: ConsultationEntry[];
}

export interface ReferenceRange {
  low: number | null;
  high: number | null;
  text: string | null;
}

export interface TestResult {
  id: string;
  code: Coding;
  value: number | null;
  valueText: string | null;
  unit: string | null;
  referenceRange: ReferenceRange | null;
  interpretation: string | null;
  comment: string | null;
}

export interface Investigation {
  id: string;
  date: string | null;
  code: Coding;
  status: string | null;
  specimen: string | null;
  results: TestResult[];
}

export interface Referral {
  id: string;
  date: string | null;
  reason: Coding | null;
  specialty: string | null;
  priority: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT' | 'UNKNOWN';
  status: string | null;
  recipient: string | null;
  note: string | null;
}

export interface Observation {
  id: string;
  date: string | null;
  code: Coding;
  value: number | null;
  valueText: string | null;
  unit: string | null;
  components: Array<{ code: Coding; value: number | null; unit: string | null }>;
}

export interface DiaryEntry {
  id: string;
  plannedDate: string | null;
  code: Coding;
  status: string | null;
  note: string | null;
}

/** Item type of each record section. */
export interface SectionItems {
  ALLERGIES: Allergy;
  MEDICATIONS: Medication;
  PROBLEMS: Problem;
  IMMUNISATIONS: Immunisation;
  CONSULTATIONS: Consultation;
  INVESTIGATIONS: Investigation;
  REFERRALS: Referral;
  UNCATEGORISED: Observation;
  DIARY_ENTRIES: DiaryEntry;
}

export type SectionItem = SectionItems[Section];
export type AnySectionAnswer = SectionAnswer<SectionItem>;
