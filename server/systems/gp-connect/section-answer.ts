// One section's Lists -> the section answer, accounting for every List entry. Clinical safety: each
// entry ends up as an item, a section-level assertion or a warning naming the resource; nothing is
// dropped without a word, and a section whose entries could not be shown never reads as
// "nothing recorded".
import type { AnySectionAnswer, SectionItem } from '../../domain/clinical-record.js';
import { applySectionOptions } from '../../domain/section-options.js';
import type { RecordAssertion, Section, SectionOptions, SectionWarning } from '../../domain/sections.js';
import { extensions, notesOf, obj, objects, pick, str, typeOf, type BundleIndex, type Resource } from './fhir.js';
import { idOf, referenceParts, type ItemMapper } from './map-context.js';

const LIST_WARNINGS: Record<string, SectionWarning> = {
  'confidential-items': { code: 'CONFIDENTIAL_ITEMS', message: 'Items are excluded because they are confidential or the patient asked for them not to be shared.' },
  'data-in-transit': { code: 'DATA_IN_TRANSIT', message: "The patient's record is still arriving from a previous practice; some information may be missing." },
  'data-awaiting-filing': { code: 'DATA_AWAITING_FILING', message: 'Some information is awaiting filing at the practice and is not included.' },
};
const WITHHELD_WARNING: SectionWarning = { code: 'WITHHELD', message: 'Items in this section are withheld for this patient.' };

const EMPTY_WITHOUT_REASON: SectionWarning = {
  code: 'EMPTY_WITHOUT_REASON',
  message: 'The clinical system sent this section empty without saying why; this says nothing about the record.',
};

/** A provider's short marker text is repeated only when it looks like plain, short prose. */
const SAFE_TEXT = /^[\w .,'()/:;&+-]{3,200}$/;

export const unresolvedWarning = (reference: string): SectionWarning => ({
  code: 'UNRESOLVED_REFERENCE',
  message: "A listed item was missing from the clinical system's answer and is not shown.",
  ...referenceParts(reference),
});

export const unmappedWarning = (resource: Resource, why: string): SectionWarning => ({
  code: 'UNMAPPED_ITEM',
  message: why,
  resourceType: typeOf(resource) ?? null,
  resourceId: idOf(resource),
});

/** An entry with only a display text: the provider's marker, e.g. "... items are not supported by the provider system". */
export function markerWarning(display: string | undefined): SectionWarning {
  if (display && /not supported/i.test(display)) {
    return {
      code: 'NOT_SUPPORTED_BY_PROVIDER',
      message: SAFE_TEXT.test(display) ? `The clinical system reported: ${display}.` : 'The clinical system holds items here that it cannot send.',
    };
  }
  return {
    code: 'UNRESOLVED_REFERENCE',
    message: display && SAFE_TEXT.test(display) ? `A listed item has no reference and is not shown: ${display}.` : 'A listed item has no reference and is not shown.',
  };
}

function listFlags(lists: Resource[]): { warnings: SectionWarning[]; withheld: boolean; emptyReason: boolean } {
  const codes = lists.flatMap((l) => extensions(l, 'ListWarningCode').map((e) => str(e.valueCode)));
  const warnings = [...new Set(codes)].flatMap((c) => pick(LIST_WARNINGS, c) ?? []);
  const reasons = lists.flatMap((l) => objects(obj(l.emptyReason)?.coding).map((c) => str(c.code)));
  return { warnings, withheld: reasons.includes('withheld') || codes.includes('confidential-items'), emptyReason: reasons.length > 0 };
}

/** Provider-side filters we re-apply where the provider's parameters cannot express ours. */
function localOptions(section: Section, options: SectionOptions): SectionOptions {
  return { ...options, from: undefined, to: section === 'MEDICATIONS' ? options.to : undefined };
}

export interface EntryOutcome {
  items: SectionItem[];
  assertions: RecordAssertion[];
  warnings: SectionWarning[];
  /** Entries the Lists held (with a reference or a marker). */
  entries: number;
}

/** Every entry of the section's Lists as an item, an assertion or a warning. */
export function accountEntries(mapper: ItemMapper<Section>, lists: Resource[], index: BundleIndex): EntryOutcome {
  const out: EntryOutcome = { items: [], assertions: [], warnings: [], entries: 0 };
  const seen = new Set<Resource>();
  for (const list of lists) {
    for (const entry of objects(list.entry)) {
      out.entries++;
      const ref = obj(entry.item);
      const reference = str(ref?.reference);
      if (!reference) {
        out.warnings.push(markerWarning(str(ref?.display)));
        continue;
      }
      const resource = index.resolve(ref, list);
      if (!resource) {
        out.warnings.push(unresolvedWarning(reference));
        continue;
      }
      // The same resource listed twice (e.g. in two Lists of one section) is shown once.
      if (seen.has(resource)) continue;
      seen.add(resource);
      const type = typeOf(resource) ?? '';
      try {
        // Stryker disable next-line ObjectLiteral: no assertion mapper reads its context today; it is passed so one may resolve references
        const assertion = mapper.assertion?.(resource, { index, list }) ?? null;
        if (assertion) {
          out.assertions.push(assertion);
          continue;
        }
        if (!mapper.types.includes(type)) {
          out.warnings.push(unmappedWarning(resource, `A listed ${type || 'resource'} is not part of this section's model and is not shown.`));
          continue;
        }
        const itemWarnings: SectionWarning[] = [];
        const item = mapper.map(resource, { index, list, warn: (w) => itemWarnings.push(w) });
        if (item) out.items.push(itemWarnings.length > 0 ? { ...item, warnings: [...(item.warnings ?? []), ...itemWarnings] } : item);
        else out.warnings.push(unmappedWarning(resource, `A listed ${type} could not be read (no usable code) and is not shown.`));
      } catch {
        out.warnings.push(unmappedWarning(resource, `A listed ${type} could not be read and is not shown.`));
      }
    }
  }
  return out;
}

export function answerFor(section: Section, mapper: ItemMapper<Section>, lists: Resource[], index: BundleIndex, options: SectionOptions, extra: SectionWarning[]): AnySectionAnswer {
  if (lists.length === 0) return { status: 'NOT_SUPPLIED', items: [], warnings: extra };
  const outcome = accountEntries(mapper, lists, index);
  const flags = listFlags(lists);
  const warnings = [...flags.warnings, ...outcome.warnings, ...extra];
  const notes = lists.map(notesOf).filter((n): n is string => n !== null);
  // Consent and dissent records were not asked for: a provider that sends them anyway is not shown.
  const assertions = section === 'IMMUNISATIONS' && options.includeStatus === false ? outcome.assertions.filter((a) => a.kind !== 'IMMUNISATION_STATUS') : outcome.assertions;
  const facts = { assertions, notes };
  const kept = applySectionOptions(section, outcome.items as never[], localOptions(section, options)) as SectionItem[];
  if (kept.length > 0 || assertions.length > 0) return { status: 'RECORDED', items: kept, warnings, ...facts };
  if (flags.withheld) return { status: 'WITHHELD', items: [], warnings: [WITHHELD_WARNING, ...warnings], ...facts };
  // Listed content we could not show must not read as "nothing recorded".
  if (outcome.items.length === 0 && outcome.entries > 0) return { status: 'UNAVAILABLE', items: [], warnings, ...facts };
  // An empty List must say why (emptyReason); without one, emptiness proves nothing.
  if (outcome.entries === 0 && !flags.emptyReason) return { status: 'UNAVAILABLE', items: [], warnings: [EMPTY_WITHOUT_REASON, ...warnings], ...facts };
  return { status: 'NOTHING_RECORDED', items: [], warnings, ...facts };
}
