// Object types for the items inside record sections.
import { builder } from '../builder.js';
import type * as r from '../domain/clinical-record.js';

export const CodingType = builder.objectRef<r.Coding>('Coding').implement({
  description: 'A code as the source system recorded it (SNOMED CT, dm+d or a legacy scheme) with its display text.',
  fields: (t) => ({
    system: t.exposeString('system'),
    code: t.exposeString('code'),
    display: t.exposeString('display'),
    originalTerm: t.string({
      description: "The clinician's original term: the concept's text, else the SNOMED CT description chosen, else the display.",
      resolve: (c) => c.originalTerm ?? c.display,
    }),
  }),
});

const PersonRefType = builder.objectRef<r.PersonRef>('PersonRef').implement({
  fields: (t) => ({ name: t.exposeString('name'), role: t.exposeString('role', { nullable: true }) }),
});

const SeverityEnum = builder.enumType('ReactionSeverity', { values: ['MILD', 'MODERATE', 'SEVERE'] as const });
const AllergyStatusEnum = builder.enumType('AllergyClinicalStatus', { values: ['ACTIVE', 'RESOLVED'] as const });
const AllergyCategoryEnum = builder.enumType('AllergyCategory', { values: ['MEDICATION', 'FOOD', 'ENVIRONMENT', 'OTHER'] as const });

const ReactionType = builder.objectRef<r.AllergyReaction>('AllergyReaction').implement({
  fields: (t) => ({
    manifestation: t.field({ type: CodingType, nullable: true, resolve: (x) => x.manifestation }),
    severity: t.field({ type: SeverityEnum, nullable: true, resolve: (x) => x.severity }),
    description: t.exposeString('description', { nullable: true }),
  }),
});

export const AllergyType = builder.objectRef<r.Allergy>('Allergy').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    code: t.field({ type: CodingType, resolve: (a) => a.code }),
    clinicalStatus: t.field({ type: AllergyStatusEnum, resolve: (a) => a.clinicalStatus }),
    category: t.field({ type: AllergyCategoryEnum, nullable: true, resolve: (a) => a.category }),
    onsetDate: t.field({ type: 'Date', nullable: true, resolve: (a) => a.onsetDate }),
    assertedDate: t.field({ type: 'Date', nullable: true, resolve: (a) => a.assertedDate }),
    endDate: t.field({ type: 'Date', nullable: true, resolve: (a) => a.endDate }),
    reactions: t.field({ type: [ReactionType], resolve: (a) => a.reactions }),
    note: t.exposeString('note', { nullable: true }),
    recorder: t.field({ type: PersonRefType, nullable: true, resolve: (a) => a.recorder }),
  }),
});

const IssueType = builder.objectRef<r.MedicationIssue>('MedicationIssue').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    issueDate: t.field({ type: 'Date', resolve: (i) => i.issueDate }),
    quantityText: t.exposeString('quantityText', { nullable: true }),
    issueNumber: t.exposeInt('issueNumber', { nullable: true }),
  }),
});

const PrescriptionTypeEnum = builder.enumType('PrescriptionType', { values: ['ACUTE', 'REPEAT', 'REPEAT_DISPENSED', 'OTHER'] as const });
const MedicationStatusEnum = builder.enumType('MedicationStatus', { values: ['ACTIVE', 'COMPLETED', 'STOPPED'] as const });

export const MedicationType = builder.objectRef<r.Medication>('Medication').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    medication: t.field({ type: CodingType, resolve: (m) => m.medication }),
    dosageText: t.exposeString('dosageText', { nullable: true }),
    quantityText: t.exposeString('quantityText', { nullable: true }),
    prescriptionType: t.field({ type: PrescriptionTypeEnum, resolve: (m) => m.prescriptionType }),
    status: t.field({ type: MedicationStatusEnum, resolve: (m) => m.status }),
    startDate: t.field({ type: 'Date', nullable: true, resolve: (m) => m.startDate }),
    endDate: t.field({ type: 'Date', nullable: true, resolve: (m) => m.endDate }),
    issues: t.field({ type: [IssueType], resolve: (m) => m.issues }),
    prescriber: t.field({ type: PersonRefType, nullable: true, resolve: (m) => m.prescriber }),
  }),
});

const ProblemStatusEnum = builder.enumType('ProblemStatus', { values: ['ACTIVE', 'INACTIVE'] as const });
const SignificanceEnum = builder.enumType('ProblemSignificance', { values: ['MAJOR', 'MINOR'] as const });

export const ProblemType = builder.objectRef<r.Problem>('Problem').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    code: t.field({ type: CodingType, resolve: (p) => p.code }),
    status: t.field({ type: ProblemStatusEnum, resolve: (p) => p.status }),
    significance: t.field({ type: SignificanceEnum, nullable: true, resolve: (p) => p.significance }),
    onsetDate: t.field({ type: 'Date', nullable: true, resolve: (p) => p.onsetDate }),
    endDate: t.field({ type: 'Date', nullable: true, resolve: (p) => p.endDate }),
    note: t.exposeString('note', { nullable: true }),
  }),
});
export { ProblemStatusEnum };

export const ImmunisationType = builder.objectRef<r.Immunisation>('Immunisation').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    vaccine: t.field({ type: CodingType, resolve: (i) => i.vaccine }),
    date: t.field({ type: 'Date', nullable: true, resolve: (i) => i.date }),
    given: t.exposeBoolean('given'),
    doseSequence: t.exposeInt('doseSequence', { nullable: true }),
    reasonNotGiven: t.field({ type: CodingType, nullable: true, resolve: (i) => i.reasonNotGiven }),
    note: t.exposeString('note', { nullable: true }),
  }),
});

const EntryType = builder.objectRef<r.ConsultationEntry>('ConsultationEntry').implement({
  fields: (t) => ({ heading: t.exposeString('heading'), text: t.exposeString('text') }),
});

export const ConsultationType = builder.objectRef<r.Consultation>('Consultation').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    date: t.field({ type: 'Date', nullable: true, resolve: (c) => c.date }),
    type: t.exposeString('type', { nullable: true }),
    practitioner: t.field({ type: PersonRefType, nullable: true, resolve: (c) => c.practitioner }),
    location: t.exposeString('location', { nullable: true }),
    entries: t.field({ type: [EntryType], resolve: (c) => c.entries }),
  }),
});

const RangeType = builder.objectRef<r.ReferenceRange>('ReferenceRange').implement({
  fields: (t) => ({
    low: t.exposeFloat('low', { nullable: true }),
    high: t.exposeFloat('high', { nullable: true }),
    text: t.exposeString('text', { nullable: true }),
  }),
});

const TestResultType = builder.objectRef<r.TestResult>('TestResult').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    code: t.field({ type: CodingType, resolve: (x) => x.code }),
    value: t.exposeFloat('value', { nullable: true }),
    valueText: t.exposeString('valueText', { nullable: true }),
    unit: t.exposeString('unit', { nullable: true }),
    referenceRange: t.field({ type: RangeType, nullable: true, resolve: (x) => x.referenceRange }),
    interpretation: t.exposeString('interpretation', { nullable: true }),
    comment: t.exposeString('comment', { nullable: true }),
  }),
});

export const InvestigationType = builder.objectRef<r.Investigation>('Investigation').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    date: t.field({ type: 'Date', nullable: true, resolve: (i) => i.date }),
    code: t.field({ type: CodingType, resolve: (i) => i.code }),
    status: t.exposeString('status', { nullable: true }),
    specimen: t.exposeString('specimen', { nullable: true }),
    results: t.field({ type: [TestResultType], resolve: (i) => i.results }),
  }),
});

const PriorityEnum = builder.enumType('ReferralPriority', { values: ['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT', 'UNKNOWN'] as const });

export const ReferralType = builder.objectRef<r.Referral>('Referral').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    date: t.field({ type: 'Date', nullable: true, resolve: (x) => x.date }),
    reason: t.field({ type: CodingType, nullable: true, resolve: (x) => x.reason }),
    specialty: t.exposeString('specialty', { nullable: true }),
    priority: t.field({ type: PriorityEnum, resolve: (x) => x.priority }),
    status: t.exposeString('status', { nullable: true }),
    recipient: t.exposeString('recipient', { nullable: true }),
    note: t.exposeString('note', { nullable: true }),
  }),
});

const ComponentType = builder.objectRef<r.Observation['components'][number]>('ObservationComponent').implement({
  fields: (t) => ({
    code: t.field({ type: CodingType, resolve: (c) => c.code }),
    value: t.exposeFloat('value', { nullable: true }),
    unit: t.exposeString('unit', { nullable: true }),
  }),
});

export const ObservationType = builder.objectRef<r.Observation>('Observation').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    date: t.field({ type: 'Date', nullable: true, resolve: (o) => o.date }),
    code: t.field({ type: CodingType, resolve: (o) => o.code }),
    value: t.exposeFloat('value', { nullable: true }),
    valueText: t.exposeString('valueText', { nullable: true }),
    unit: t.exposeString('unit', { nullable: true }),
    components: t.field({ type: [ComponentType], resolve: (o) => o.components }),
  }),
});

export const DiaryEntryType = builder.objectRef<r.DiaryEntry>('DiaryEntry').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    plannedDate: t.field({ type: 'Date', nullable: true, resolve: (d) => d.plannedDate }),
    code: t.field({ type: CodingType, resolve: (d) => d.code }),
    status: t.exposeString('status', { nullable: true }),
    note: t.exposeString('note', { nullable: true }),
  }),
});
