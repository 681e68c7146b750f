// The Parameters body of $gpc.getstructuredrecord: one patient, exactly the requested sections with
// their options. Part names follow the published GP Connect request examples.
import type { Section, SectionOptions } from '../../domain/sections.js';
import { NHS_NUMBER_SYSTEM } from './fhir.js';

export interface SectionAsk {
  section: Section;
  options: SectionOptions;
}

type Part = { name: string } & Record<string, unknown>;

const period = (name: string, options: SectionOptions): Part[] =>
  options.from || options.to
    ? [{ name, valuePeriod: { ...(options.from ? { start: options.from } : {}), ...(options.to ? { end: options.to } : {}) } }]
    : [];

/** Parameter name and parts for one section; the top-level name appears once per request. */
export function sectionParameter(section: Section, options: SectionOptions): { name: string; part?: Part[] } {
  const withParts = (name: string, part: Part[]) => (part.length > 0 ? { name, part } : { name });
  switch (section) {
    case 'ALLERGIES':
      return withParts('includeAllergies', [{ name: 'includeResolvedAllergies', valueBoolean: options.includeResolved === true }]);
    case 'MEDICATIONS':
      return withParts('includeMedication', [
        { name: 'includePrescriptionIssues', valueBoolean: options.includeIssues !== false },
        ...(options.from ? [{ name: 'medicationSearchFromDate', valueDate: options.from }] : []),
      ]);
    case 'PROBLEMS':
      return withParts('includeProblems', [
        ...(options.problemStatus ? [{ name: 'filterStatus', valueCode: options.problemStatus.toLowerCase() }] : []),
        ...(options.problemSignificance ? [{ name: 'filterSignificance', valueCode: options.problemSignificance.toLowerCase() }] : []),
      ]);
    case 'IMMUNISATIONS':
      return withParts('includeImmunisations', [
        { name: 'includeNotGiven', valueBoolean: options.includeNotGiven !== false },
        // Sent only when it differs from the provider's default (true).
        ...(options.includeStatus === false ? [{ name: 'includeStatus', valueBoolean: false }] : []),
      ]);
    case 'CONSULTATIONS':
      return withParts('includeConsultations', [
        ...period('consultationSearchPeriod', options),
        ...(options.mostRecent !== undefined ? [{ name: 'includeNumberOfMostRecent', valuePositiveInt: options.mostRecent }] : []),
      ]);
    case 'INVESTIGATIONS':
      return withParts('includeInvestigations', period('investigationSearchPeriod', options));
    case 'REFERRALS':
      return withParts('includeReferrals', period('referralSearchPeriod', options));
    case 'UNCATEGORISED':
      return withParts('includeUncategorisedData', period('uncategorisedDataSearchPeriod', options));
    case 'DIARY_ENTRIES':
      return withParts('includeDiaryEntries', options.diaryBefore ? [{ name: 'diaryEntriesSearchDate', valueDate: options.diaryBefore }] : []);
  }
}

export function structuredRecordParameters(nhsNumber: string, asks: readonly SectionAsk[]) {
  return {
    resourceType: 'Parameters',
    meta: { profile: ['https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1'] },
    parameter: [
      { name: 'patientNHSNumber', valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber } },
      ...asks.map((ask) => sectionParameter(ask.section, ask.options)),
    ],
  };
}

/**
 * Part parameters the specification forbids in a request that asks for consultations or problems
 * ("Not permitted parameter combinations": a filter on one area must not silently narrow the
 * clinical context of another).
 */
const FORBIDDEN_WITH: Partial<Record<Section, ReadonlySet<string>>> = {
  CONSULTATIONS: new Set([
    'medicationSearchFromDate',
    'uncategorisedDataSearchPeriod',
    'filterSignificance',
    'filterStatus',
    'referralSearchPeriod',
    'diaryEntriesSearchDate',
    'includeNotGiven',
    'includeStatus',
  ]),
  PROBLEMS: new Set(['medicationSearchFromDate', 'uncategorisedDataSearchPeriod', 'referralSearchPeriod', 'diaryEntriesSearchDate', 'includeNotGiven', 'includeStatus']),
};

const partNames = (ask: SectionAsk) => (sectionParameter(ask.section, ask.options).part ?? []).map((p) => p.name);

/** Whether two asks may share one request body. */
export function compatible(a: SectionAsk, b: SectionAsk): boolean {
  if (a.section === b.section) return false; // a parameter may not repeat
  const clash = (x: SectionAsk, y: SectionAsk) => partNames(y).some((name) => FORBIDDEN_WITH[x.section]?.has(name) === true);
  return !clash(a, b) && !clash(b, a);
}

/**
 * Splits one patient's asks into rounds that are each a conformant request: each section at most
 * once, and no part parameter the specification forbids next to consultations or problems. The
 * usual case is a single POST; a forbidden combination costs one more.
 */
export function roundsOf<T extends SectionAsk>(asks: readonly T[]): T[][] {
  const rounds: T[][] = [];
  for (const ask of asks) {
    const round = rounds.find((r) => r.every((other) => compatible(other, ask)));
    if (round) round.push(ask);
    else rounds.push([ask]);
  }
  return rounds;
}
