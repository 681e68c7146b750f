// Record sections on Patient. Every section answers with items *and* a status, so "nothing
// recorded", "not supplied by this system", "withheld" and "unavailable" are never confused.
import type { ObjectRef } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import type { SectionItem } from '../domain/clinical-record.js';
import { SECTION_STATUSES, sectionOptionsProblem, unavailable, type RecordAssertion, type Section, type SectionAnswer, type SectionOptions } from '../domain/sections.js';
import { settle } from '../loaders.js';
import { ConnectorError } from '../systems/types.js';
import * as items from './clinical-items.js';
import { PatientType, type PatientNode } from './refs.js';

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

async function loadSection(ctx: GraphQLContext, patient: PatientNode, section: Section, options: SectionOptions): Promise<SectionAnswer<SectionItem>> {
  // Checked before any clinical system is asked; GP Connect providers refuse these requests.
  const problem = sectionOptionsProblem(section, options);
  if (problem) throw new GraphQLError(problem.message, { extensions: { code: problem.code } });
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && v !== null)) as SectionOptions;
  const answer = await settle(ctx.loaders.section.load({ practice: patient.practice, nhsNumber: patient.nhsNumber, section, options: defined }));
  if (answer instanceof ConnectorError) return unavailable(answer.code, answer.message);
  return answer;
}

// Sections are nullable so a section refused for lack of scope (FORBIDDEN) leaves the rest intact.
builder.objectFields(PatientType, (t) => {
  const period = {
    from: t.arg({ type: 'Date', required: false, description: 'Earliest date, inclusive.' }),
    to: t.arg({ type: 'Date', required: false, description: 'Latest date, inclusive.' }),
  };
  const dated = (section: Section, type: (typeof Sections)[keyof typeof Sections], description: string) =>
    t.field({
      type,
      nullable: true,
      description,
      args: period,
      resolve: (p, a, ctx) => loadSection(ctx, p, section, { from: a.from ?? undefined, to: a.to ?? undefined }),
    });
  return {
    allergies: t.field({
      type: Sections.ALLERGIES,
      nullable: true,
      description: 'Allergies and adverse reactions. Resolved ones only when asked for.',
      args: { includeResolved: t.arg.boolean({ defaultValue: false }) },
      resolve: (p, a, ctx) => loadSection(ctx, p, 'ALLERGIES', { includeResolved: a.includeResolved ?? false }),
    }),
    medications: t.field({
      type: Sections.MEDICATIONS,
      nullable: true,
      description: 'Medication statements with their prescription issues.',
      args: { includeIssues: t.arg.boolean({ defaultValue: true }), ...period },
      resolve: (p, a, ctx) =>
        loadSection(ctx, p, 'MEDICATIONS', { includeIssues: a.includeIssues ?? true, from: a.from ?? undefined, to: a.to ?? undefined }),
    }),
    problems: t.field({
      type: Sections.PROBLEMS,
      nullable: true,
      args: { status: t.arg({ type: items.ProblemStatusEnum, required: false }), significance: t.arg({ type: items.SignificanceEnum, required: false }) },
      resolve: (p, a, ctx) => loadSection(ctx, p, 'PROBLEMS', { problemStatus: a.status ?? undefined, problemSignificance: a.significance ?? undefined }),
    }),
    immunisations: t.field({
      type: Sections.IMMUNISATIONS,
      nullable: true,
      args: {
        includeNotGiven: t.arg.boolean({ defaultValue: true }),
        includeStatus: t.arg.boolean({ defaultValue: true, description: 'Include consent and dissent records (as assertions).' }),
      },
      resolve: (p, a, ctx) => loadSection(ctx, p, 'IMMUNISATIONS', { includeNotGiven: a.includeNotGiven ?? true, includeStatus: a.includeStatus ?? true }),
    }),
    consultations: t.field({
      type: Sections.CONSULTATIONS,
      nullable: true,
      description: 'Consultations with their topics, headings and entries. Either a period or mostRecent.',
      args: { ...period, mostRecent: t.arg.int({ required: false, description: 'Only the N most recent consultations.' }) },
      resolve: (p, a, ctx) =>
        loadSection(ctx, p, 'CONSULTATIONS', { from: a.from ?? undefined, to: a.to ?? undefined, mostRecent: a.mostRecent ?? undefined }),
    }),
    investigations: dated('INVESTIGATIONS', Sections.INVESTIGATIONS, 'Investigations (e.g. pathology) with results, units and reference ranges.'),
    referrals: dated('REFERRALS', Sections.REFERRALS, 'Outbound referrals.'),
    uncategorised: dated('UNCATEGORISED', Sections.UNCATEGORISED, 'Uncategorised observations such as blood pressure and weight.'),
    diaryEntries: t.field({
      type: Sections.DIARY_ENTRIES,
      nullable: true,
      description: 'Planned care: recalls, reviews and reminders.',
      args: { before: t.arg({ type: 'Date', required: false, description: 'Only entries planned on or before this date (today or later).' }) },
      resolve: (p, a, ctx) => loadSection(ctx, p, 'DIARY_ENTRIES', { diaryBefore: a.before ?? undefined }),
    }),
  };
});
