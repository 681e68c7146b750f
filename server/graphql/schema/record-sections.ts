// Record sections on Patient. Every section answers with items *and* a status, so "nothing
// recorded", "not supplied by this system", "withheld" and "unavailable" are never confused.
import type { ObjectRef } from '@pothos/core';
import { GraphQLError, Kind, getArgumentValues, type GraphQLObjectType, type GraphQLResolveInfo, type SelectionNode, type SelectionSetNode } from 'graphql';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import type { AnySectionAnswer, SectionItem } from '../../domain/clinical-record.js';
import { SECTION_STATUSES, sectionOptionsProblem, unavailable, type RecordAssertion, type Section, type SectionAnswer, type SectionOptions } from '../../domain/sections.js';
import { sectionKey, settle } from '../loaders.js';
import { ConnectorError } from '../../systems/types.js';
import * as items from './clinical-items.js';
import { PatientType, type PatientNode } from './refs.js';

const PATIENT_TYPE_NAME = 'Patient';

const SectionStatusEnum = builder.enumType('SectionStatus', {
  description:
    'RECORDED: items (or section-level assertions) returned. NOTHING_RECORDED: the system supplies this section and holds nothing. ' +
    'NOT_SUPPLIED: this principal system does not supply the section. WITHHELD: items exist but are withheld. ' +
    'UNAVAILABLE: the system could not answer now, or listed content could not be shown (see warnings); this says nothing about what is absent.',
  values: SECTION_STATUSES,
});

const AssertionKindEnum = builder.enumType('RecordAssertionKind', {
  description: 'NO_KNOWN: a coded assertion of absence (e.g. "no known drug allergy"). IMMUNISATION_STATUS: consent or dissent to an immunisation.',
  values: ['NO_KNOWN', 'IMMUNISATION_STATUS'] as const,
});

const AssertionType = builder.objectRef<RecordAssertion>('RecordAssertion').implement({
  description: 'A section-level fact that is not an item of the section, so software counting items does not count it.',
  fields: (t) => ({
    id: t.exposeString('id'),
    kind: t.field({ type: AssertionKindEnum, resolve: (a) => a.kind }),
    code: t.field({ type: items.CodingType, resolve: (a) => a.code }),
    date: t.field({ type: 'Date', nullable: true, resolve: (a) => a.date }),
    note: t.exposeString('note', { nullable: true }),
  }),
});

const RecordSection = builder.interfaceRef<SectionAnswer<SectionItem>>('RecordSection').implement({
  fields: (t) => ({
    status: t.field({ type: SectionStatusEnum, resolve: (s) => s.status }),
    warnings: t.field({ type: [items.WarningType], resolve: (s) => s.warnings }),
    assertions: t.field({ type: [AssertionType], description: 'Section-level facts: "no known" assertions, immunisation consent or dissent.', resolve: (s) => s.assertions ?? [] }),
    notes: t.stringList({ description: 'Notes the clinical system attached to the section as a whole.', resolve: (s) => s.notes ?? [] }),
  }),
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

function sectionType<T extends SectionItem>(name: string, itemType: ObjectRef<Types, T>) {
  return builder.objectRef<SectionAnswer<SectionItem>>(name).implement({
    interfaces: [RecordSection],
    fields: (t) => ({ items: t.field({ type: [itemType], resolve: (s) => s.items as T[] }) }),
  });
}

const Sections = {
  ALLERGIES: sectionType('AllergySection', items.AllergyType),
  MEDICATIONS: sectionType('MedicationSection', items.MedicationType),
  PROBLEMS: sectionType('ProblemSection', items.ProblemType),
  IMMUNISATIONS: sectionType('ImmunisationSection', items.ImmunisationType),
  CONSULTATIONS: sectionType('ConsultationSection', items.ConsultationType),
  INVESTIGATIONS: sectionType('InvestigationSection', items.InvestigationType),
  REFERRALS: sectionType('ReferralSection', items.ReferralType),
  UNCATEGORISED: sectionType('ObservationSection', items.ObservationType),
  DIARY_ENTRIES: sectionType('DiaryEntrySection', items.DiaryEntryType),
};

const answerOf = (read: AnySectionAnswer | ConnectorError): SectionAnswer<SectionItem> =>
  read instanceof ConnectorError ? unavailable(read.code, read.message) : read;

/** A section's answer: from memory when it was already read (a page's or a record's prefetch), else loaded. */
function loadSection(ctx: GraphQLContext, patient: PatientNode, section: Section, options: SectionOptions): SectionAnswer<SectionItem> | Promise<SectionAnswer<SectionItem>> {
  // Checked before any clinical system is asked; GP Connect providers refuse these requests.
  const problem = sectionOptionsProblem(section, options);
  if (problem) throw new GraphQLError(problem.message, { extensions: { code: problem.code } });
  const key = sectionKey(patient.practice, patient.nhsNumber, section, options);
  const read = ctx.loaders.section.settled(key);
  return read === undefined ? settle(ctx.loaders.section.load(key)).then(answerOf) : answerOf(read);
}

type Args = Record<string, unknown>;
const date = (v: unknown) => (typeof v === 'string' ? v : undefined);
const flag = (v: unknown, fallback: boolean) => (typeof v === 'boolean' ? v : fallback);

/** Each section field: which section it reads, with which options, from its arguments. */
const SECTION_FIELDS: Record<string, (a: Args) => { section: Section; options: SectionOptions }> = {
  allergies: (a) => ({ section: 'ALLERGIES', options: { includeResolved: flag(a.includeResolved, false) } }),
  medications: (a) => ({ section: 'MEDICATIONS', options: { includeIssues: flag(a.includeIssues, true), from: date(a.from), to: date(a.to) } }),
  problems: (a) => ({
    section: 'PROBLEMS',
    options: { problemStatus: (a.status ?? undefined) as SectionOptions['problemStatus'], problemSignificance: (a.significance ?? undefined) as SectionOptions['problemSignificance'] },
  }),
  immunisations: (a) => ({ section: 'IMMUNISATIONS', options: { includeNotGiven: flag(a.includeNotGiven, true), includeStatus: flag(a.includeStatus, true) } }),
  consultations: (a) => ({ section: 'CONSULTATIONS', options: { from: date(a.from), to: date(a.to), mostRecent: typeof a.mostRecent === 'number' ? a.mostRecent : undefined } }),
  investigations: (a) => ({ section: 'INVESTIGATIONS', options: { from: date(a.from), to: date(a.to) } }),
  referrals: (a) => ({ section: 'REFERRALS', options: { from: date(a.from), to: date(a.to) } }),
  uncategorised: (a) => ({ section: 'UNCATEGORISED', options: { from: date(a.from), to: date(a.to) } }),
  diaryEntries: (a) => ({ section: 'DIARY_ENTRIES', options: { diaryBefore: date(a.before) } }),
};

const resolveSection = (field: string) => (p: PatientNode, a: Args, ctx: GraphQLContext) => {
  const { section, options } = SECTION_FIELDS[field]!(a);
  return loadSection(ctx, p, section, options);
};

/** Section fields selected directly on the patient (through fragments too), with their arguments. */
function* selectedSections(info: GraphQLResolveInfo, selections: readonly SelectionNode[]): Generator<{ field: string; args: Args }> {
  const patientFields = info.schema.getType(PATIENT_TYPE_NAME) as GraphQLObjectType;
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) {
      const definition = patientFields.getFields()[selection.name.value];
      if (definition && SECTION_FIELDS[selection.name.value]) {
        yield { field: selection.name.value, args: getArgumentValues(definition, selection, info.variableValues) };
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (!selection.typeCondition || selection.typeCondition.name.value === PATIENT_TYPE_NAME) yield* selectedSections(info, selection.selectionSet.selections);
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment?.typeCondition.name.value === PATIENT_TYPE_NAME) yield* selectedSections(info, fragment.selectionSet.selections);
    }
  }
}

/** The sections (with their options) that these selection sets of a Patient ask for, leaving out any whose options are refused. */
export function selectedSectionReads(info: GraphQLResolveInfo, selectionSets: readonly SelectionSetNode[]): Array<{ section: Section; options: SectionOptions }> {
  const reads: Array<{ section: Section; options: SectionOptions }> = [];
  for (const set of selectionSets) {
    for (const { field, args } of selectedSections(info, set.selections)) {
      const read = SECTION_FIELDS[field]!(args);
      if (!sectionOptionsProblem(read.section, read.options)) reads.push(read); // the field reports the problem
    }
  }
  return reads;
}

/**
 * Asks now for these sections of this patient, in the same tick as its demographics, so a
 * connector that reads both together (the sandbox) answers the whole record, or a whole page, in
 * one read. The section fields later find their answers in the loader. Only for such connectors:
 * nothing is fetched early from a remote provider. Returns the pending reads (failures are the
 * fields' to report).
 */
export function prefetchSections(ctx: GraphQLContext, patient: PatientNode, reads: ReturnType<typeof selectedSectionReads>): Array<Promise<unknown>> {
  if (!ctx.loaders.readsTogether(patient.practice)) return [];
  return reads.map(({ section, options }) => ctx.loaders.section.load(sectionKey(patient.practice, patient.nhsNumber, section, options)).catch(() => {}));
}

/** The sections the query selects on this patient (Query.patient), asked for now: see prefetchSections. */
export function prefetchSelectedSections(ctx: GraphQLContext, patient: PatientNode, info: GraphQLResolveInfo): void {
  const sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  void prefetchSections(ctx, patient, selectedSectionReads(info, sets));
}

// Sections are nullable so a section refused for lack of scope (FORBIDDEN) leaves the rest intact.
builder.objectFields(PatientType, (t) => {
  const period = {
    from: t.arg({ type: 'Date', required: false, description: 'Earliest date, inclusive.' }),
    to: t.arg({ type: 'Date', required: false, description: 'Latest date, inclusive.' }),
  };
  const dated = (field: string, type: (typeof Sections)[keyof typeof Sections], description: string) =>
    t.field({
      type,
      nullable: true,
      description,
      args: period,
      resolve: resolveSection(field),
    });
  return {
    allergies: t.field({
      type: Sections.ALLERGIES,
      nullable: true,
      description: 'Allergies and adverse reactions. Resolved ones only when asked for.',
      args: { includeResolved: t.arg.boolean({ defaultValue: false }) },
      resolve: resolveSection('allergies'),
    }),
    medications: t.field({
      type: Sections.MEDICATIONS,
      nullable: true,
      description: 'Medication statements with their prescription issues.',
      args: { includeIssues: t.arg.boolean({ defaultValue: true }), ...period },
      resolve: resolveSection('medications'),
    }),
    problems: t.field({
      type: Sections.PROBLEMS,
      nullable: true,
      args: { status: t.arg({ type: items.ProblemStatusEnum, required: false }), significance: t.arg({ type: items.SignificanceEnum, required: false }) },
      resolve: resolveSection('problems'),
    }),
    immunisations: t.field({
      type: Sections.IMMUNISATIONS,
      nullable: true,
      args: {
        includeNotGiven: t.arg.boolean({ defaultValue: true }),
        includeStatus: t.arg.boolean({ defaultValue: true, description: 'Include consent and dissent records (as assertions).' }),
      },
      resolve: resolveSection('immunisations'),
    }),
    consultations: t.field({
      type: Sections.CONSULTATIONS,
      nullable: true,
      description: 'Consultations with their topics, headings and entries. Either a period or mostRecent.',
      args: { ...period, mostRecent: t.arg.int({ required: false, description: 'Only the N most recent consultations.' }) },
      resolve: resolveSection('consultations'),
    }),
    investigations: dated('investigations', Sections.INVESTIGATIONS, 'Investigations (e.g. pathology) with results, units and reference ranges.'),
    referrals: dated('referrals', Sections.REFERRALS, 'Outbound referrals.'),
    uncategorised: dated('uncategorised', Sections.UNCATEGORISED, 'Uncategorised observations such as blood pressure and weight.'),
    diaryEntries: t.field({
      type: Sections.DIARY_ENTRIES,
      nullable: true,
      description: 'Planned care: recalls, reviews and reminders.',
      args: { before: t.arg({ type: 'Date', required: false, description: 'Only entries planned on or before this date (today or later).' }) },
      resolve: resolveSection('diaryEntries'),
    }),
  };
});
