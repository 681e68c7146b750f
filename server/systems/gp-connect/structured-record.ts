// A structured-record Bundle -> one answer per requested section. Clinical safety: the section's
// List decides the status, so "not supplied", "nothing recorded", "withheld" and "recorded" stay
// distinct; anything the provider flags (List warnings, OperationOutcome issues) becomes a warning.
import type { AnySectionAnswer, SectionItem } from '../../domain/clinical-record.js';
import { applySectionOptions } from '../../domain/section-options.js';
import type { Section, SectionOptions, SectionWarning } from '../../domain/sections.js';
import { ConnectorError } from '../types.js';
import { BundleIndex, conceptText, extensions, nhsNumbersOf, obj, objects, pick, str, typeOf, type Resource } from './fhir.js';
import { allergyMapper } from './map-allergies.js';
import { consultationMapper } from './map-consultations.js';
import type { ItemMapper } from './map-context.js';
import { investigationMapper } from './map-investigations.js';
import { diaryMapper, immunisationMapper, observationMapper, problemMapper, referralMapper } from './map-items.js';
import { medicationMapper } from './map-medications.js';
import { bundleWarnings } from './outcome-warnings.js';
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

const LIST_WARNINGS: Record<string, SectionWarning> = {
  'confidential-items': { code: 'CONFIDENTIAL_ITEMS', message: 'Items are excluded because they are confidential or the patient asked for them not to be shared.' },
  'data-in-transit': { code: 'DATA_IN_TRANSIT', message: "The patient's record is still arriving from a previous practice; some information may be missing." },
  'data-awaiting-filing': { code: 'DATA_AWAITING_FILING', message: 'Some information is awaiting filing at the practice and is not included.' },
};
const WITHHELD_WARNING = { code: 'WITHHELD', message: 'Items in this section are withheld for this patient.' };

export function sectionOfList(list: Resource): Section | null {
  const codes = objects(obj(list.code)?.coding).map((c) => str(c.code)?.trim());
  for (const [section, spec] of Object.entries(SECTION_LISTS) as Array<[Section, (typeof SECTION_LISTS)[Section]]>) {
    if (codes.some((c) => c !== undefined && spec.codes.includes(c))) return section;
  }
  if (codes.some((c) => c !== undefined && KNOWN_CODES.has(c))) return null;
  const title = str(list.title) ?? conceptText(list.code) ?? '';
  return (Object.entries(SECTION_LISTS) as Array<[Section, { title: RegExp }]>).find(([, spec]) => spec.title.test(title))?.[0] ?? null;
}

function listFlags(lists: Resource[]): { warnings: SectionWarning[]; withheld: boolean } {
  const codes = lists.flatMap((l) => extensions(l, 'ListWarningCode').map((e) => str(e.valueCode)));
  const warnings = [...new Set(codes)].flatMap((c) => pick(LIST_WARNINGS, c) ?? []);
  const emptyWithheld = lists.some((l) => objects(obj(l.emptyReason)?.coding).some((c) => c.code === 'withheld'));
  return { warnings, withheld: emptyWithheld || codes.includes('confidential-items') };
}

/** Provider-side filters we re-apply where the provider's parameters cannot express ours. */
function localOptions(section: Section, options: SectionOptions): SectionOptions {
  return { ...options, from: undefined, to: section === 'MEDICATIONS' ? options.to : undefined };
}

function answerFor(section: Section, lists: Resource[], index: BundleIndex, options: SectionOptions, extra: SectionWarning[]): AnySectionAnswer {
  if (lists.length === 0) return { status: 'NOT_SUPPLIED', items: [], warnings: extra };
  const mapper = MAPPERS[section] as ItemMapper<Section>;
  const items: SectionItem[] = [];
  let unresolved = 0;
  let unreadable = 0;
  const seen = new Set<Resource>();
  for (const list of lists) {
    for (const entry of objects(list.entry)) {
      const resource = index.resolve(obj(entry.item), list);
      if (!resource) {
        unresolved++;
        continue;
      }
      // Another section's resource, or one already listed (e.g. in both the active and resolved lists).
      if (!mapper.types.includes(typeOf(resource) ?? '') || seen.has(resource)) continue;
      seen.add(resource);
      try {
        const item = mapper.map(resource, { index, list });
        if (item) items.push(item);
        else unreadable++;
      } catch {
        unreadable++;
      }
    }
  }
  const flags = listFlags(lists);
  const warnings = [...flags.warnings, ...extra];
  if (unresolved > 0) warnings.push({ code: 'UNRESOLVED_REFERENCE', message: `${unresolved} listed item(s) were missing from the clinical system's answer.` });
  if (unreadable > 0) warnings.push({ code: 'UNREADABLE_ITEM', message: `${unreadable} item(s) could not be read and are not shown.` });
  const kept = applySectionOptions(section, items as never[], localOptions(section, options)) as SectionItem[];
  if (kept.length > 0) return { status: 'RECORDED', items: kept, warnings };
  if (flags.withheld) return { status: 'WITHHELD', items: [], warnings: [WITHHELD_WARNING, ...warnings] };
  // Listed content we could not show must not read as "nothing recorded".
  if (items.length === 0 && unresolved + unreadable > 0) return { status: 'UNAVAILABLE', items: [], warnings };
  return { status: 'NOTHING_RECORDED', items: [], warnings };
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
  return asks.map((ask) => answerFor(ask.section, listsBySection.get(ask.section) ?? [], index, ask.options, outcomeWarnings.get(ask.section) ?? []));
}
