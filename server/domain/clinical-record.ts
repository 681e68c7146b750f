// The one clinical data model every connector maps into. Original codings and display text are
// kept as the source system gave them.
import type { Section, SectionAnswer, SectionWarning } from './sections.js';

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

export interface Quantity {
  value: number | null;
  unit: string | null;
}

/** A link from one record item to another, by the source system's resource type and id. */
export interface ItemLink {
  resourceType: string;
  id: string;
}

/** What every item may carry: warnings about parts of it that could not be shown (e.g. an unresolved drug). */
export interface ItemBase {
  warnings?: SectionWarning[];
}

export interface ObservationComponent {
  code: Coding;
  value: number | null;
  valueText?: string | null;
  unit: string | null;
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

export interface Allergy extends ItemBase {
  id: string;
  criticality: 'LOW' | 'HIGH' | 'UNABLE_TO_ASSESS' | null;
  verificationStatus: 'UNCONFIRMED' | 'CONFIRMED' | 'REFUTED' | 'ENTERED_IN_ERROR' | null;
  type: 'ALLERGY' | 'INTOLERANCE' | null;
  lastOccurrence: string | null;
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

export interface Medication extends ItemBase {
  id: string;
  patientInstructions: string | null;
  pharmacyNotes: string | null;
  /** Authorised repeats (MedicationRequest.dispenseRequest.numberOfRepeatsAllowed). */
  repeatsAllowed: number | null;
  /** Issues made so far under this authorisation. */
  repeatsIssued: number | null;
  supplyDuration: Quantity | null;
  reviewDate: string | null;
  lastIssueDate: string | null;
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

export interface ProblemRelation {
  type: 'PARENT' | 'CHILD' | 'SIBLING';
  problemId: string;
}

export interface Problem extends ItemBase {
  id: string;
  relatedProblems: ProblemRelation[];
  /** Clinical items the problem is linked to (medications, observations, consultations...). */
  linkedItems: ItemLink[];
  code: Coding;
  status: 'ACTIVE' | 'INACTIVE';
  significance: 'MAJOR' | 'MINOR' | null;
  onsetDate: string | null;
  endDate: string | null;
  note: string | null;
}

export interface Immunisation extends ItemBase {
  id: string;
  /** The vaccination procedure recorded (GP Connect's VaccinationProcedure extension). */
  procedure: Coding | null;
  batchNumber: string | null;
  expiryDate: string | null;
  manufacturer: string | null;
  site: Coding | null;
  route: Coding | null;
  dose: Quantity | null;
  seriesDoses: number | null;
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
  /** The entry's clinical code, when the item has one. */
  code?: Coding | null;
  /** The record item behind the entry. */
  item?: ItemLink | null;
  components?: ObservationComponent[];
}

export interface ConsultationHeading {
  title: string;
  entries: ConsultationEntry[];
}

export interface ConsultationTopic {
  title: string | null;
  /** The problem the topic is about, when linked. */
  problem: ItemLink | null;
  headings: ConsultationHeading[];
}

export interface Consultation extends ItemBase {
  id: string;
  /** consultation -> topics -> headings -> entries, in the clinical system's order. */
  topics: ConsultationTopic[];
  participants: PersonRef[];
  durationMinutes: number | null;
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
  components: ObservationComponent[];
  code: Coding;
  value: number | null;
  valueText: string | null;
  unit: string | null;
  referenceRange: ReferenceRange | null;
  interpretation: string | null;
  comment: string | null;
}

export interface Investigation extends ItemBase {
  id: string;
  issuedDate: string | null;
  performer: PersonRef | null;
  requester: PersonRef | null;
  clinicalIndication: Coding | null;
  date: string | null;
  code: Coding;
  status: string | null;
  specimen: string | null;
  results: TestResult[];
}

export interface Referral extends ItemBase {
  id: string;
  date: string | null;
  reason: Coding | null;
  specialty: string | null;
  priority: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT' | 'UNKNOWN';
  status: string | null;
  recipient: string | null;
  note: string | null;
}

export interface Observation extends ItemBase {
  id: string;
  date: string | null;
  code: Coding;
  value: number | null;
  valueText: string | null;
  unit: string | null;
  components: ObservationComponent[];
}

export interface DiaryEntry extends ItemBase {
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
