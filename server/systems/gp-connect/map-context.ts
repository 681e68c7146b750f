// What an item mapper gets: the bundle index and the List the item came from (for `#contained` refs).
import type { Coding, ItemLink, ObservationComponent, PersonRef, Quantity, SectionItems } from '../../domain/clinical-record.js';
import type { RecordAssertion, Section, SectionWarning } from '../../domain/sections.js';
import { codingOf, conceptText, num, obj, objects, str, type BundleIndex, type Resource } from './fhir.js';
import { DMD, SNOMED } from './fhir.js';

export interface MapContext {
  index: BundleIndex;
  list: Resource;
  /** Records a warning on the item being mapped (e.g. a referenced drug that is not in the bundle). */
  warn?: (warning: SectionWarning) => void;
}

/** The resource behind a reference; a reference that names a resource missing from the bundle is warned about. */
export function resolveOrWarn(ref: unknown, ctx: MapContext, what: string, container: Resource = ctx.list): Resource | undefined {
  const reference = str(ref) ?? str(obj(ref)?.reference);
  if (!reference) return undefined;
  const target = ctx.index.resolve(ref, container);
  if (!target) {
    ctx.warn?.({ code: 'UNRESOLVED_REFERENCE', message: `The ${what} this item refers to is missing from the clinical system's answer.`, ...referenceParts(reference) });
  }
  return target;
}

/** A person or organisation as a name; a reference to a resource missing from the bundle is warned about. */
export function personOrWarn(ref: unknown, ctx: MapContext, what: string): PersonRef | null {
  resolveOrWarn(ref, ctx, what);
  return ctx.index.person(ref, ctx.list);
}

/** "Type/id" (relative, absolute or versioned) split into its parts; anything else as an id only, in plain characters. */
export function referenceParts(reference: string): { resourceType: string | null; resourceId: string } {
  const match = /([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/.exec(reference);
  return match ? { resourceType: match[1] ?? null, resourceId: match[2] ?? reference } : { resourceType: null, resourceId: reference.replace(/[^\w\-.#:/]/g, '?').slice(0, 100) };
}

/** A link to another record item by reference, when the reference names one. */
export function linkOf(ref: unknown, ctx: MapContext): ItemLink | null {
  const reference = str(ref) ?? str(obj(ref)?.reference);
  if (!reference) return null;
  const target = ctx.index.resolve(ref, ctx.list);
  if (target) return { resourceType: str(target.resourceType) ?? 'Resource', id: idOf(target) };
  const parts = referenceParts(reference);
  return parts.resourceType ? { resourceType: parts.resourceType, id: parts.resourceId } : null;
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

/** Every component of an Observation (blood pressure and similar) with its code, value and unit. */
export function componentsOf(observation: Resource | undefined): ObservationComponent[] {
  return objects(observation?.component).flatMap((c) => {
    const code = clinicalCode(c.code);
    const q = obj(c.valueQuantity);
    const valueText = str(c.valueString) ?? conceptText(c.valueCodeableConcept);
    return code ? [{ code, value: num(q?.value) ?? null, valueText, unit: str(q?.unit) ?? str(q?.code) ?? null }] : [];
  });
}

export function quantityOf(value: unknown): Quantity | null {
  const q = obj(value);
  const amount = num(q?.value);
  const unit = str(q?.unit) ?? str(q?.code) ?? null;
  return amount === undefined && unit === null ? null : { value: amount ?? null, unit };
}
