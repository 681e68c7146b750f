// What an item mapper gets: the bundle index and the List the item came from (for `#contained` refs).
import type { Coding, SectionItems } from '../../domain/clinical-record.js';
import type { RecordAssertion, Section } from '../../domain/sections.js';
import { codingOf, objects, str, type BundleIndex, type Resource } from './fhir.js';
import { DMD, SNOMED } from './fhir.js';

export interface MapContext {
  index: BundleIndex;
  list: Resource;
}

export interface ItemMapper<S extends Section> {
  /** Resource types this section's List may point at; anything else is ignored. */
  types: readonly string[];
  /** The item, or null when the resource carries nothing the model can show. */
  map(resource: Resource, ctx: MapContext): SectionItems[S] | null;
  /** A section-level assertion instead of an item (e.g. "no known allergy"), or null. */
  assertion?(resource: Resource, ctx: MapContext): RecordAssertion | null;
}

/** Stable id: the logical id, else the provider's business identifier. */
export function idOf(resource: Resource): string {
  return str(resource.id) ?? objects(resource.identifier).map((i) => str(i.value)).find((v) => v !== undefined) ?? 'unidentified';
}

/** Clinical code with SNOMED CT (then dm+d) preferred; a resource without any code is not shown. */
export const clinicalCode = (concept: unknown): Coding | null => codingOf(concept, [SNOMED, DMD]);
