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
      return withParts('includeProblems', options.problemStatus ? [{ name: 'filterStatus', valueCode: options.problemStatus.toLowerCase() }] : []);
    case 'IMMUNISATIONS':
      return withParts('includeImmunisations', [{ name: 'includeNotGiven', valueBoolean: options.includeNotGiven !== false }]);
    case 'CONSULTATIONS':
      return withParts('includeConsultations', period('consultationSearchPeriod', options));
    case 'INVESTIGATIONS':
      return withParts('includeInvestigations', period('investigationSearchPeriod', options));
    case 'REFERRALS':
      return withParts('includeReferrals', period('referralSearchPeriod', options));
    case 'UNCATEGORISED':
      return withParts('includeUncategorisedData', period('uncategorisedDataSearchPeriod', options));
    case 'DIARY_ENTRIES':
      return { name: 'includeDiaryEntries' };
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
 * Splits one patient's asks into rounds with each section at most once (a parameter may not repeat),
 * so the usual case, one ask per section, is a single POST.
 */
export function roundsOf<T extends SectionAsk>(asks: readonly T[]): T[][] {
  const rounds: T[][] = [];
  for (const ask of asks) {
    const round = rounds.find((r) => !r.some((other) => other.section === ask.section));
    if (round) round.push(ask);
    else rounds.push([ask]);
  }
  return rounds;
}
