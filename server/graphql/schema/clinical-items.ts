// Object types for the items inside record sections.
import { builder } from '../builder.js';
import type * as r from '../../domain/clinical-record.js';
import type { SectionWarning } from '../../domain/sections.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

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

export const PersonRefType = builder.objectRef<r.PersonRef>('PersonRef').implement({
  fields: (t) => ({ name: t.exposeString('name'), role: t.exposeString('role', { nullable: true }) }),
});

export const WarningType = builder.objectRef<SectionWarning>('SectionWarning').implement({
  description:
    'Something the answer does not show, and why. Codes include UNMAPPED_ITEM (a listed resource this API cannot show), ' +
    'UNRESOLVED_REFERENCE (a listed or referenced resource missing from the answer), NOT_SUPPORTED_BY_PROVIDER, ' +
    'EMPTY_WITHOUT_REASON, WITHHELD, CONFIDENTIAL_ITEMS, DATA_IN_TRANSIT, DATA_AWAITING_FILING and provider codes.',
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
    resourceType: t.string({ nullable: true, description: 'Type of the resource concerned, when there is one (e.g. Observation).', resolve: (w) => w.resourceType ?? null }),
    resourceId: t.string({ nullable: true, description: "The clinical system's id of the resource concerned.", resolve: (w) => w.resourceId ?? null }),
  }),
});

export const QuantityType = builder.objectRef<r.Quantity>('Quantity').implement({
  fields: (t) => ({ value: t.exposeFloat('value', { nullable: true }), unit: t.exposeString('unit', { nullable: true }) }),
});

export const ItemLinkType = builder.objectRef<r.ItemLink>('ItemLink').implement({
  description: "Another record item, by the clinical system's resource type and id (it may be in another section).",
  fields: (t) => ({ resourceType: t.exposeString('resourceType'), id: t.exposeString('id') }),
});

/** Warnings about parts of an item that could not be shown (e.g. an unresolved drug or practitioner). */
const itemWarnings = (t: PothosSchemaTypes.ObjectFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<Types>, r.ItemBase>) =>
  t.field({ type: [WarningType], description: 'Parts of this item that could not be shown, and why.', resolve: (x) => x.warnings ?? [] });

export const ComponentType = builder.objectRef<r.ObservationComponent>('ObservationComponent').implement({
  fields: (t) => ({
    code: t.field({ type: CodingType, resolve: (c) => c.code }),
    value: t.exposeFloat('value', { nullable: true }),
    valueText: t.string({ nullable: true, resolve: (c) => c.valueText ?? null }),
    unit: t.exposeString('unit', { nullable: true }),
  }),
});

const SeverityEnum = builder.enumType('ReactionSeverity', { values: ['MILD', 'MODERATE', 'SEVERE'] as const });
const AllergyStatusEnum = builder.enumType('AllergyClinicalStatus', { values: ['ACTIVE', 'RESOLVED'] as const });
const AllergyCategoryEnum = builder.enumType('AllergyCategory', { values: ['MEDICATION', 'FOOD', 'ENVIRONMENT', 'OTHER'] as const });
const CriticalityEnum = builder.enumType('AllergyCriticality', { values: ['LOW', 'HIGH', 'UNABLE_TO_ASSESS'] as const });
const VerificationEnum = builder.enumType('AllergyVerificationStatus', { values: ['UNCONFIRMED', 'CONFIRMED', 'REFUTED', 'ENTERED_IN_ERROR'] as const });
const AllergyTypeEnum = builder.enumType('AllergyType', { values: ['ALLERGY', 'INTOLERANCE'] as const });

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
    criticality: t.field({ type: CriticalityEnum, nullable: true, resolve: (a) => a.criticality }),
    verificationStatus: t.field({ type: VerificationEnum, nullable: true, resolve: (a) => a.verificationStatus }),
    type: t.field({ type: AllergyTypeEnum, nullable: true, resolve: (a) => a.type }),
    lastOccurrence: t.field({ type: 'Date', nullable: true, resolve: (a) => a.lastOccurrence }),
    warnings: itemWarnings(t),
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
    patientInstructions: t.exposeString('patientInstructions', { nullable: true }),
    pharmacyNotes: t.exposeString('pharmacyNotes', { nullable: true }),
    repeatsAllowed: t.exposeInt('repeatsAllowed', { nullable: true }),
    repeatsIssued: t.exposeInt('repeatsIssued', { nullable: true }),
    supplyDuration: t.field({ type: QuantityType, nullable: true, resolve: (m) => m.supplyDuration }),
    reviewDate: t.field({ type: 'Date', nullable: true, description: 'When the authorisation is due for review (expires).', resolve: (m) => m.reviewDate }),
    lastIssueDate: t.field({ type: 'Date', nullable: true, resolve: (m) => m.lastIssueDate }),
    warnings: itemWarnings(t),
  }),
});

const ProblemStatusEnum = builder.enumType('ProblemStatus', { values: ['ACTIVE', 'INACTIVE'] as const });
const SignificanceEnum = builder.enumType('ProblemSignificance', { values: ['MAJOR', 'MINOR'] as const });

const RelationEnum = builder.enumType('ProblemRelationType', { values: ['PARENT', 'CHILD', 'SIBLING'] as const });
const ProblemRelationType = builder.objectRef<r.ProblemRelation>('ProblemRelation').implement({
  fields: (t) => ({ type: t.field({ type: RelationEnum, resolve: (x) => x.type }), problemId: t.exposeString('problemId') }),
});

export const ProblemType = builder.objectRef<r.Problem>('Problem').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    code: t.field({ type: CodingType, resolve: (p) => p.code }),
    status: t.field({ type: ProblemStatusEnum, resolve: (p) => p.status }),
    significance: t.field({ type: SignificanceEnum, nullable: true, resolve: (p) => p.significance }),
    onsetDate: t.field({ type: 'Date', nullable: true, resolve: (p) => p.onsetDate }),
    endDate: t.field({ type: 'Date', nullable: true, resolve: (p) => p.endDate }),
    note: t.exposeString('note', { nullable: true }),
    relatedProblems: t.field({ type: [ProblemRelationType], resolve: (p) => p.relatedProblems }),
    linkedItems: t.field({ type: [ItemLinkType], description: 'Clinical items this problem is linked to.', resolve: (p) => p.linkedItems }),
    warnings: itemWarnings(t),
  }),
});
export { ProblemStatusEnum, SignificanceEnum };

export const ImmunisationType = builder.objectRef<r.Immunisation>('Immunisation').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    vaccine: t.field({ type: CodingType, resolve: (i) => i.vaccine }),
    date: t.field({ type: 'Date', nullable: true, resolve: (i) => i.date }),
    given: t.exposeBoolean('given'),
    doseSequence: t.exposeInt('doseSequence', { nullable: true }),
    reasonNotGiven: t.field({ type: CodingType, nullable: true, resolve: (i) => i.reasonNotGiven }),
    note: t.exposeString('note', { nullable: true }),
    procedure: t.field({ type: CodingType, nullable: true, description: 'The vaccination procedure recorded.', resolve: (i) => i.procedure }),
    batchNumber: t.exposeString('batchNumber', { nullable: true }),
    expiryDate: t.field({ type: 'Date', nullable: true, resolve: (i) => i.expiryDate }),
    manufacturer: t.exposeString('manufacturer', { nullable: true }),
    site: t.field({ type: CodingType, nullable: true, resolve: (i) => i.site }),
    route: t.field({ type: CodingType, nullable: true, resolve: (i) => i.route }),
    dose: t.field({ type: QuantityType, nullable: true, resolve: (i) => i.dose }),
    seriesDoses: t.exposeInt('seriesDoses', { nullable: true, description: 'Doses in the series (doseSequence is this dose).' }),
    warnings: itemWarnings(t),
  }),
});

const EntryType = builder.objectRef<r.ConsultationEntry>('ConsultationEntry').implement({
  fields: (t) => ({
    heading: t.exposeString('heading'),
    text: t.exposeString('text'),
    code: t.field({ type: CodingType, nullable: true, resolve: (e) => e.code ?? null }),
    item: t.field({ type: ItemLinkType, nullable: true, resolve: (e) => e.item ?? null }),
    components: t.field({ type: [ComponentType], resolve: (e) => e.components ?? [] }),
  }),
});

const HeadingType = builder.objectRef<r.ConsultationHeading>('ConsultationHeading').implement({
  fields: (t) => ({ title: t.exposeString('title'), entries: t.field({ type: [EntryType], resolve: (h) => h.entries }) }),
});

const TopicType = builder.objectRef<r.ConsultationTopic>('ConsultationTopic').implement({
  fields: (t) => ({
    title: t.exposeString('title', { nullable: true }),
    problem: t.field({ type: ItemLinkType, nullable: true, description: 'The problem this topic is about, when linked.', resolve: (x) => x.problem }),
    headings: t.field({ type: [HeadingType], resolve: (x) => x.headings }),
  }),
});

export const ConsultationType = builder.objectRef<r.Consultation>('Consultation').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    date: t.field({ type: 'Date', nullable: true, resolve: (c) => c.date }),
    type: t.exposeString('type', { nullable: true }),
    practitioner: t.field({ type: PersonRefType, nullable: true, resolve: (c) => c.practitioner }),
    location: t.exposeString('location', { nullable: true }),
    entries: t.field({ type: [EntryType], description: 'Every entry in order (the topics, flattened).', resolve: (c) => c.entries }),
    topics: t.field({ type: [TopicType], description: 'Topics -> headings -> entries, in the clinical system order.', resolve: (c) => c.topics }),
    participants: t.field({ type: [PersonRefType], resolve: (c) => c.participants }),
    durationMinutes: t.exposeFloat('durationMinutes', { nullable: true }),
    warnings: itemWarnings(t),
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
    components: t.field({ type: [ComponentType], resolve: (x) => x.components }),
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
    issuedDate: t.field({ type: 'Date', nullable: true, resolve: (i) => i.issuedDate }),
    performer: t.field({ type: PersonRefType, nullable: true, description: 'The performing organisation (e.g. the laboratory).', resolve: (i) => i.performer }),
    requester: t.field({ type: PersonRefType, nullable: true, resolve: (i) => i.requester }),
    clinicalIndication: t.field({ type: CodingType, nullable: true, resolve: (i) => i.clinicalIndication }),
    warnings: itemWarnings(t),
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
    warnings: itemWarnings(t),
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
    warnings: itemWarnings(t),
  }),
});

export const DiaryEntryType = builder.objectRef<r.DiaryEntry>('DiaryEntry').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    plannedDate: t.field({ type: 'Date', nullable: true, resolve: (d) => d.plannedDate }),
    code: t.field({ type: CodingType, resolve: (d) => d.code }),
    status: t.exposeString('status', { nullable: true }),
    note: t.exposeString('note', { nullable: true }),
    warnings: itemWarnings(t),
  }),
});
