// OperationOutcome resources inside a structured-record Bundle: the provider answered, but flags
// something (e.g. a parameter it does not support). Each issue becomes a warning on the sections it
// names, or on every requested section when it names none.
import type { Section, SectionWarning } from '../../domain/sections.js';
import { list, obj, objects, str, type Resource } from './fhir.js';

/** Parameter and part names that identify a section in an issue's diagnostics or location. */
const SECTION_WORDS: Record<Section, RegExp> = {
  ALLERGIES: /includeAllergies|includeResolvedAllergies/i,
  MEDICATIONS: /includeMedication|includePrescriptionIssues|medicationSearch/i,
  PROBLEMS: /includeProblems|filterStatus|filterSignificance/i,
  IMMUNISATIONS: /includeImmunisations|includeNotGiven|includeDissentConsent/i,
  CONSULTATIONS: /includeConsultations|consultationSearchPeriod|includeNumberOfMostRecent/i,
  INVESTIGATIONS: /includeInvestigations|investigationSearchPeriod/i,
  REFERRALS: /includeReferrals|referralSearchPeriod/i,
  UNCATEGORISED: /includeUncategorisedData|uncategorisedDataSearchPeriod/i,
  DIARY_ENTRIES: /includeDiaryEntries|diaryEntriesSearchDate/i,
};

/** A provider's short display text is shown only when it looks like plain, short prose. */
const SAFE_TEXT = /^[\w .,'()/-]{3,120}$/;

function warningOf(issue: Resource): SectionWarning {
  const coding = objects(obj(issue.details)?.coding)[0];
  const spineCode = str(coding?.code);
  const code = spineCode && /^[A-Z_]{3,60}$/.test(spineCode) ? spineCode : (str(issue.code)?.toUpperCase().replace(/[^A-Z_]/g, '_').slice(0, 60) ?? 'PROVIDER_WARNING');
  const display = str(coding?.display);
  return {
    code,
    message: display && SAFE_TEXT.test(display) ? `The clinical system reported: ${display}.` : 'The clinical system reported a problem with this part of the request.',
  };
}

export function bundleWarnings(outcomes: Resource[], requested: readonly Section[]): Map<Section, SectionWarning[]> {
  const bySection = new Map<Section, SectionWarning[]>();
  for (const issue of outcomes.flatMap((o) => objects(o.issue))) {
    const text = [issue.diagnostics, ...list(issue.location), ...list(issue.expression)].filter((v): v is string => typeof v === 'string').join(' ');
    // An issue about a section this request did not ask for (e.g. from a split request) is not ours to spread.
    const naming = (Object.keys(SECTION_WORDS) as Section[]).filter((s) => SECTION_WORDS[s].test(text));
    const warning = warningOf(issue);
    for (const section of naming.length > 0 ? requested.filter((s) => naming.includes(s)) : requested) {
      const warnings = bySection.get(section) ?? [];
      if (!warnings.some((w) => w.code === warning.code)) warnings.push(warning);
      bySection.set(section, warnings);
    }
  }
  return bySection;
}
