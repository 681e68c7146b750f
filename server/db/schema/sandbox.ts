// Sandbox clinical store: synthetic records in their own Postgres schema. Only the sandbox
// connector reads these tables.
import { boolean, date, index, integer, jsonb, pgSchema, real, text, timestamp } from 'drizzle-orm/pg-core';

export const sandbox = pgSchema('sandbox');

const patientRef = () => text('nhs_number').notNull();

export const sbPatients = sandbox.table(
  'patients',
  {
    nhsNumber: text('nhs_number').primaryKey(),
    practiceOds: text('practice_ods').notNull(),
    givenName: text('given_name').notNull(),
    familyName: text('family_name').notNull(),
    birthDate: date('birth_date').notNull(),
    gender: text('gender').notNull(),
    /** Sections the practice withholds for this patient (e.g. confidential). */
    withheldSections: text('withheld_sections').array().notNull().default([]),
  },
  (t) => [index('sb_patients_practice_idx').on(t.practiceOds)],
);

export const sbAllergies = sandbox.table(
  'allergies',
  {
    id: text('id').primaryKey(),
    nhsNumber: patientRef(),
    code: text('code').notNull(),
    display: text('display').notNull(),
    category: text('category'),
    clinicalStatus: text('clinical_status').notNull(),
    onsetDate: date('onset_date'),
    assertedDate: date('asserted_date'),
    endDate: date('end_date'),
    reactionCode: text('reaction_code'),
    reactionDisplay: text('reaction_display'),
    severity: text('severity'),
    note: text('note'),
    recorder: text('recorder'),
  },
  (t) => [index('sb_allergies_patient_idx').on(t.nhsNumber)],
);

export const sbMedications = sandbox.table(
  'medications',
  {
    id: text('id').primaryKey(),
    nhsNumber: patientRef(),
    dmdCode: text('dmd_code').notNull(),
    display: text('display').notNull(),
    dosageText: text('dosage_text'),
    quantityText: text('quantity_text'),
    prescriptionType: text('prescription_type').notNull(),
    status: text('status').notNull(),
    startDate: date('start_date'),
    endDate: date('end_date'),
    prescriber: text('prescriber'),
    /** Issues as [{id, issueDate, quantityText, issueNumber}]: one row per medication keeps reads to one statement. */
    issues: jsonb('issues').notNull().default([]),
  },
  (t) => [index('sb_medications_patient_idx').on(t.nhsNumber)],
);

export const sbProblems = sandbox.table(
  'problems',
  {
    id: text('id').primaryKey(),
    nhsNumber: patientRef(),
    code: text('code').notNull(),
    display: text('display').notNull(),
    status: text('status').notNull(),
    significance: text('significance'),
    onsetDate: date('onset_date'),
    endDate: date('end_date'),
    note: text('note'),
  },
  (t) => [index('sb_problems_patient_idx').on(t.nhsNumber)],
);

export const sbImmunisations = sandbox.table(
  'immunisations',
  {
    id: text('id').primaryKey(),
    nhsNumber: patientRef(),
    code: text('code').notNull(),
    display: text('display').notNull(),
    date: date('date'),
    given: boolean('given').notNull(),
    doseSequence: integer('dose_sequence'),
    reasonNotGivenCode: text('reason_not_given_code'),
    reasonNotGivenDisplay: text('reason_not_given_display'),
  },
  (t) => [index('sb_immunisations_patient_idx').on(t.nhsNumber)],
);

export const sbConsultations = sandbox.table(
  'consultations',
  {
    id: text('id').primaryKey(),
    nhsNumber: patientRef(),
    date: date('date').notNull(),
    type: text('type').notNull(),
    practitioner: text('practitioner'),
    location: text('location'),
    /** [{heading, text}] */
    entries: jsonb('entries').notNull().default([]),
  },
  (t) => [index('sb_consultations_patient_idx').on(t.nhsNumber)],
);

export const sbInvestigations = sandbox.table(
  'investigations',
  {
    id: text('id').primaryKey(),
    nhsNumber: patientRef(),
    date: date('date').notNull(),
    code: text('code').notNull(),
    display: text('display').notNull(),
    status: text('status'),
    specimen: text('specimen'),
    /** [{id, code, display, value, unit, low, high, interpretation}] */
    results: jsonb('results').notNull().default([]),
  },
  (t) => [index('sb_investigations_patient_idx').on(t.nhsNumber)],
);

export const sbReferrals = sandbox.table(
  'referrals',
  {
    id: text('id').primaryKey(),
    nhsNumber: patientRef(),
    date: date('date').notNull(),
    reasonCode: text('reason_code'),
    reasonDisplay: text('reason_display'),
    specialty: text('specialty'),
    priority: text('priority').notNull(),
    status: text('status'),
    recipient: text('recipient'),
  },
  (t) => [index('sb_referrals_patient_idx').on(t.nhsNumber)],
);

export const sbObservations = sandbox.table(
  'observations',
  {
    id: text('id').primaryKey(),
    nhsNumber: patientRef(),
    date: date('date').notNull(),
    code: text('code').notNull(),
    display: text('display').notNull(),
    value: real('value'),
    unit: text('unit'),
    /** [{code, display, value, unit}] e.g. systolic/diastolic. */
    components: jsonb('components').notNull().default([]),
  },
  (t) => [index('sb_observations_patient_idx').on(t.nhsNumber)],
);

export const sbDiaryEntries = sandbox.table(
  'diary_entries',
  {
    id: text('id').primaryKey(),
    nhsNumber: patientRef(),
    plannedDate: date('planned_date'),
    code: text('code').notNull(),
    display: text('display').notNull(),
    status: text('status'),
    note: text('note'),
  },
  (t) => [index('sb_diary_entries_patient_idx').on(t.nhsNumber)],
);

export const sbSchedules = sandbox.table('schedules', {
  id: text('id').primaryKey(),
  practiceOds: text('practice_ods').notNull(),
  practitioner: text('practitioner').notNull(),
  practitionerRole: text('practitioner_role').notNull(),
  location: text('location').notNull(),
  serviceType: text('service_type').notNull(),
});

export const sbSlots = sandbox.table(
  'slots',
  {
    id: text('id').primaryKey(),
    scheduleId: text('schedule_id').notNull(),
    practiceOds: text('practice_ods').notNull(),
    start: timestamp('start', { withTimezone: true }).notNull(),
    end: timestamp('end', { withTimezone: true }).notNull(),
    status: text('status').notNull(),
    deliveryChannel: text('delivery_channel').notNull(),
    /** GP Connect organisation types that may book the slot; null means any. */
    bookableOrganisationTypes: text('bookable_organisation_types').array(),
  },
  (t) => [index('sb_slots_practice_start_idx').on(t.practiceOds, t.start)],
);

export const sbAppointments = sandbox.table(
  'appointments',
  {
    id: text('id').primaryKey(),
    slotId: text('slot_id').notNull(),
    nhsNumber: patientRef(),
    practiceOds: text('practice_ods').notNull(),
    start: timestamp('start', { withTimezone: true }).notNull(),
    end: timestamp('end', { withTimezone: true }).notNull(),
    status: text('status').notNull(),
    description: text('description'),
    comment: text('comment'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** Every slot the appointment holds (contiguous, one schedule); `slot_id` is the first. */
    slotIds: text('slot_ids').array(),
    /** {odsCode, name, type} of the organisation that booked it (GP Connect bookingOrganization). */
    bookingOrganisation: jsonb('booking_organisation'),
    cancellationReason: text('cancellation_reason'),
    /** The actor (app or person) that booked it; only it, or the practice, may amend or cancel. */
    bookedBy: text('booked_by'),
    /** Bumped on every change, as a FHIR server's versionId. */
    version: integer('version').notNull().default(1),
  },
  (t) => [index('sb_appointments_patient_idx').on(t.nhsNumber, t.start)],
);
