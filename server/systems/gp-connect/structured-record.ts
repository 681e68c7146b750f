// A structured-record Bundle -> one answer per requested section. Clinical safety: the section's
// List decides the status, so "not supplied", "nothing recorded", "withheld" and "recorded" stay
// distinct; anything the provider flags (List warnings, OperationOutcome issues) becomes a warning.
import type { AnySectionAnswer } from '../../domain/clinical-record.js';
import type { Section, SectionOptions } from '../../domain/sections.js';
import { ConnectorError } from '../types.js';
import { BundleIndex, conceptText, nhsNumbersOf, obj, objects, str, typeOf, type Resource } from './fhir.js';
import { allergyMapper } from './map-allergies.js';
import { consultationMapper } from './map-consultations.js';
import type { ItemMapper } from './map-context.js';
import { investigationMapper } from './map-investigations.js';
import { immunisationMapper } from './map-immunisations.js';
import { diaryMapper, observationMapper, problemMapper, referralMapper } from './map-items.js';
import { medicationMapper } from './map-medications.js';
import { bundleWarnings } from './outcome-warnings.js';
import { answerFor } from './section-answer.js';
import { errorForResponse, providerError } from './provider-errors.js';

/** SNOMED CT codes of each section's List, and a title fallback for Lists coded otherwise. */
const SECTION_LISTS: Record<Section, { codes: readonly string[]; title: RegExp }> = {
  ALLERGIES: { codes: ['886921000000105', '1103671000000101'], title: /allerg/i },
  MEDICATIONS: { codes: ['933361000000108'], title: /^medication/i },
  PROBLEMS: { codes: ['717711000000103'], title: /^problems?$/i },
  IMMUNISATIONS: { codes: ['1102181000000102'], title: /^immuni[sz]ations?$/i },
  CONSULTATIONS: { codes: ['1149501000000101'], title: /^consultations$/i },
  INVESTIGATIONS: { codes: ['887191000000108'], title: /^investigations/i },
  REFERRALS: { codes: ['792931000000107', '886721000000107'], title: /^(outbound )?referral/i },
  UNCATEGORISED: { codes: ['826501000000100'], title: /^(miscellaneous record|uncategori[sz]ed)/i },
  DIARY_ENTRIES: { codes: ['714311000000108'], title: /^diary/i },
};
/** Consultation, topic and heading Lists: parts of a consultation, never a section of their own. */
const CONSULTATION_PART_CODES = new Set(['325851000000107', '25851000000105', '24781000000107']);
const KNOWN_CODES = new Set([...Object.values(SECTION_LISTS).flatMap((s) => s.codes), ...CONSULTATION_PART_CODES]);

const MAPPERS: { [S in Section]: ItemMapper<S> } = {
  ALLERGIES: allergyMapper,
  MEDICATIONS: medicationMapper,
  PROBLEMS: problemMapper,
  IMMUNISATIONS: immunisationMapper,
  CONSULTATIONS: consultationMapper,
  INVESTIGATIONS: investigationMapper,
  REFERRALS: referralMapper,
  UNCATEGORISED: observationMapper,
  DIARY_ENTRIES: diaryMapper,
};

export function sectionOfList(list: Resource): Section | null {
  const codes = objects(obj(list.code)?.coding).map((c) => str(c.code)?.trim());
  for (const [section, spec] of Object.entries(SECTION_LISTS) as Array<[Section, (typeof SECTION_LISTS)[Section]]>) {
    if (codes.some((c) => c !== undefined && spec.codes.includes(c))) return section;
  }
  if (codes.some((c) => c !== undefined && KNOWN_CODES.has(c))) return null;
  const title = str(list.title) ?? conceptText(list.code) ?? '';
  return (Object.entries(SECTION_LISTS) as Array<[Section, { title: RegExp }]>).find(([, spec]) => spec.title.test(title))?.[0] ?? null;
}

export interface RecordAsk {
  section: Section;
  options: SectionOptions;
}

/** One answer per ask, or one error for all when the bundle cannot be trusted. */
export function answersFromBundle(bundle: Resource, nhsNumber: string, asks: readonly RecordAsk[]): AnySectionAnswer[] | ConnectorError {
  // An OperationOutcome in place of the Bundle is a refusal sent with the wrong status: honour its code.
  if (typeOf(bundle) === 'OperationOutcome') return errorForResponse(200, bundle);
  if (typeOf(bundle) !== 'Bundle') return providerError('PROVIDER_ERROR');
  const index = new BundleIndex(bundle);
  // Safety: never show another patient's record under this NHS number.
  const numbers = index.ofType('Patient').flatMap(nhsNumbersOf);
  if (numbers.some((n) => n !== nhsNumber)) return providerError('PROVIDER_ERROR', "The practice's clinical system answered for a different patient.");
  const listsBySection = new Map<Section, Resource[]>();
  for (const list of index.ofType('List')) {
    const section = sectionOfList(list);
    if (section) listsBySection.set(section, [...(listsBySection.get(section) ?? []), list]);
  }
  const outcomeWarnings = bundleWarnings(index.ofType('OperationOutcome'), asks.map((a) => a.section));
  return asks.map((ask) => answerFor(ask.section, MAPPERS[ask.section] as ItemMapper<Section>, listsBySection.get(ask.section) ?? [], index, ask.options, outcomeWarnings.get(ask.section) ?? []));
}
