// The List invariant, checked from the outside: every entry of every section List of a Bundle ends
// up in exactly one of an item (or section-level assertion) of that section, or a section warning
// naming it. Resolution here is deliberately simple and independent of the connector's.
import type { AnySectionAnswer } from '../../../server/domain/clinical-record.js';
import { SECTIONS, type Section } from '../../../server/domain/sections.js';
import { sectionOfList } from '../../../server/systems/gp-connect/structured-record.js';

type Json = Record<string, unknown>;

export const ALL_OPTIONS = { includeResolved: true, includeIssues: true, includeNotGiven: true };
export const ALL_ASKS = SECTIONS.map((section) => ({ section, options: ALL_OPTIONS }));

export function bundleResources(bundle: Json): Json[] {
  return ((bundle.entry as Json[] | undefined) ?? []).map((e) => (e.resource as Json | undefined) ?? e).filter((r) => r && typeof r === 'object');
}

const idOf = (r: Json): string =>
  (typeof r.id === 'string' && r.id) || ((r.identifier as Json[] | undefined) ?? []).map((i) => i.value).find((v): v is string => typeof v === 'string') || 'unidentified';

function resolve(reference: string, list: Json, resources: Json[]): Json | undefined {
  if (reference.startsWith('#')) return ((list.contained as Json[] | undefined) ?? []).find((c) => c.id === reference.slice(1));
  const m = /([A-Za-z]+)\/([A-Za-z0-9\-.]+)(\/_history\/[^/]+)?$/.exec(reference);
  return m ? resources.find((r) => r.resourceType === m[1] && r.id === m[2]) : undefined;
}

export interface SectionCount {
  section: Section;
  entries: number;
  items: number;
  assertions: number;
  warnings: number;
  status: string;
}

/** Checks the invariant for one bundle and its answers; returns violations and per-section counts. */
export function checkInvariant(bundle: Json, answers: AnySectionAnswer[]): { violations: string[]; counts: SectionCount[] } {
  const resources = bundleResources(bundle);
  const violations: string[] = [];
  const counts: SectionCount[] = [];
  const listsBySection = new Map<Section, Json[]>();
  for (const list of resources.filter((r) => r.resourceType === 'List')) {
    const section = sectionOfList(list);
    if (section) listsBySection.set(section, [...(listsBySection.get(section) ?? []), list]);
  }
  SECTIONS.forEach((section, n) => {
    const answer = answers[n]!;
    const lists = listsBySection.get(section) ?? [];
    const shown = new Set([...answer.items.map((i) => (i as { id: string }).id), ...(answer.assertions ?? []).map((a) => a.id)]);
    const count: SectionCount = { section, entries: 0, items: 0, assertions: 0, warnings: 0, status: answer.status };
    const flagged = new Set<Json>();
    let markers = 0;
    for (const list of lists) {
      for (const entry of (list.entry as Json[] | undefined) ?? []) {
        count.entries++;
        const reference = (entry.item as Json | undefined)?.reference;
        if (typeof reference !== 'string' || reference === '') {
          markers++;
          count.warnings++;
          continue;
        }
        const resource = resolve(reference, list, resources);
        if (!resource) {
          const id = /\/([A-Za-z0-9\-.]+)(\/_history\/[^/]+)?$/.exec(reference)?.[1] ?? reference;
          const warned = answer.warnings.some((w) => w.code === 'UNRESOLVED_REFERENCE' && w.resourceId === id);
          if (!warned) violations.push(`${section}: unresolved ${reference} has no UNRESOLVED_REFERENCE warning`);
          count.warnings++;
          continue;
        }
        const id = idOf(resource);
        const asItem = shown.has(id);
        const asWarning = answer.warnings.filter((w) => w.resourceId === id && w.resourceType === resource.resourceType);
        if (asWarning.length > 0) flagged.add(resource);
        if (asItem === asWarning.length > 0) violations.push(`${section}: ${String(resource.resourceType)}/${id} is ${asItem ? 'both an item and a warning' : 'neither an item nor a warning'}`);
        if (asItem) {
          if ((answer.assertions ?? []).some((a) => a.id === id)) count.assertions++;
          else count.items++;
        } else count.warnings++;
      }
    }
    const anonymous = answer.warnings.filter((w) => (w.code === 'UNRESOLVED_REFERENCE' || w.code === 'NOT_SUPPORTED_BY_PROVIDER') && !w.resourceId).length;
    if (anonymous < markers) violations.push(`${section}: ${markers} entries without a reference but ${anonymous} warnings for them`);
    const emptyReasons = lists.flatMap((l) => (((l.emptyReason as Json | undefined)?.coding as Json[] | undefined) ?? []).map((c) => c.code));
    if (answer.status === 'NOTHING_RECORDED' && (count.entries > 0 || emptyReasons.length === 0)) {
      violations.push(`${section}: NOTHING_RECORDED with ${count.entries} listed entries${emptyReasons.length === 0 ? ' and no emptyReason' : ''}`);
    }
    if (count.entries === 0 && emptyReasons.includes('withheld') && answer.status !== 'WITHHELD') violations.push(`${section}: withheld emptyReason answered ${answer.status}`);
    if (lists.length > 0) counts.push(count);
  });
  return { violations, counts };
}
