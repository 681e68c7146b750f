// Who may read what: the whole authorisation map in one table. Deny by default: a type or field
// that is not listed here is refused, so every new field must be classified on purpose.
import { GraphQLError } from 'graphql';
import { allow, rule, shield } from 'graphql-shield';
import type { GraphQLContext } from './context.js';
import { mayReadPracticeRecords, type PracticeFacts } from './domain/access.js';
import type { PracticeRecord } from './domain/practices.js';
import type { PatientNode } from './schema/refs.js';
import { locatePatient } from './schema/patient.js';

const unauthenticated = () =>
  new GraphQLError('Authentication required: send "Authorization: Bearer <token>".', { extensions: { code: 'UNAUTHENTICATED' } });
const forbidden = (reason: string) => new GraphQLError(reason, { extensions: { code: 'FORBIDDEN' } });

function decide(ctx: GraphQLContext, practice: PracticeFacts): true | GraphQLError {
  if (ctx.actor.kind === 'ANONYMOUS') return unauthenticated();
  const decision = mayReadPracticeRecords(ctx.actor, practice);
  return decision.allowed ? true : forbidden(decision.reason);
}

const isAuthenticated = rule({ cache: 'contextual' })((_, __, ctx: GraphQLContext) =>
  ctx.actor.kind === 'ANONYMOUS' ? unauthenticated() : true,
);

/** Query.patient: the patient's registered practice decides. Unknown or invalid numbers pass to the resolver's typed error. */
const canReadRequestedPatient = rule({ cache: 'no_cache' })(async (_, args: { nhsNumber: string }, ctx: GraphQLContext) => {
  if (ctx.actor.kind === 'ANONYMOUS') return unauthenticated();
  const located = await locatePatient(ctx, args.nhsNumber);
  return 'practice' in located ? decide(ctx, located.practice) : true;
});

/** Fields of a Practice that expose its patients or schedules. */
const canReadThisPractice = rule({ cache: 'no_cache' })((practice: PracticeRecord, _, ctx: GraphQLContext) => decide(ctx, practice));

/** Every field of a Patient, however it was reached (defence in depth behind the entry points). */
const canReadThisPatient = rule({ cache: 'no_cache' })((patient: PatientNode, _, ctx: GraphQLContext) => decide(ctx, patient.practice));

/** Value types reachable only through the checked Patient and Practice fields above. */
const REACHED_THROUGH_CHECKED_FIELDS = [
  'AllergySection', 'Allergy', 'AllergyReaction', 'MedicationSection', 'Medication', 'MedicationIssue',
  'ProblemSection', 'Problem', 'ImmunisationSection', 'Immunisation', 'ConsultationSection', 'Consultation',
  'ConsultationEntry', 'InvestigationSection', 'Investigation', 'TestResult', 'ReferenceRange', 'ReferralSection',
  'Referral', 'ObservationSection', 'Observation', 'ObservationComponent', 'DiaryEntrySection', 'DiaryEntry',
  'SectionWarning', 'Coding', 'PersonRef', 'SlotList', 'Slot', 'AppointmentList', 'Appointment',
  'PatientConnection', 'PatientEdge',
] as const;

/** Typed errors and plumbing that carry no patient data. */
const HARMLESS = [
  'InvalidNhsNumber', 'PatientNotFound', 'InvalidOdsCode', 'PracticeNotFound', 'InvalidDateRange', 'ClinicalSystemError',
  'PageInfo', 'PracticeConnection', 'PracticeEdge', 'ClinicalSystem', 'Capability', 'Throttle', 'Viewer',
] as const;

export const permissionMap = {
  Query: {
    clinicalSystems: allow, // published capability matrices, no patient data
    me: allow, // null without a token
    practices: isAuthenticated,
    practice: isAuthenticated,
    patient: canReadRequestedPatient,
  },
  Practice: {
    odsCode: isAuthenticated,
    name: isAuthenticated,
    system: isAuthenticated,
    sandbox: isAuthenticated,
    patients: canReadThisPractice,
    slots: canReadThisPractice,
  },
  Patient: canReadThisPatient,
  ...Object.fromEntries(REACHED_THROUGH_CHECKED_FIELDS.map((type) => [type, allow])),
  ...Object.fromEntries(HARMLESS.map((type) => [type, allow])),
};

export const permissions = shield(permissionMap, {
  fallbackRule: rule({ cache: 'no_cache' })(() => forbidden('This field is not in the permission map.')),
  allowExternalErrors: true,
  debug: false,
});
