// Defensive readers for provider JSON. Provider answers are untrusted input: every accessor accepts
// `unknown` and returns a value of the expected type or undefined, so no mapping step can throw on
// a missing, misspelt or wrongly typed element.
import type { Coding, PersonRef } from '../../domain/clinical-record.js';

export type Resource = Record<string, unknown>;

export const obj = (value: unknown): Resource | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Resource) : undefined;

/** Repeating elements as a list. A lone object is accepted too: published examples sometimes omit the array. */
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);

export const objects = (value: unknown): Resource[] => list(value).map(obj).filter((o): o is Resource => o !== undefined);

export const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** Numbers, and numeric strings (seen in published examples, e.g. quantity "28"). */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** Table lookup by provider-given key: own keys only, so "constructor" or "__proto__" find nothing. */
export function pick<T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}

export const bool = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

export const typeOf = (resource: Resource | undefined): string | undefined => str(resource?.resourceType);

/** A FHIR date or dateTime as the record gave it, cut to the date part (YYYY, YYYY-MM or YYYY-MM-DD). */
export function fhirDate(value: unknown): string | null {
  const text = str(value);
  const match = text ? /^(\d{4}(-\d{2}(-\d{2})?)?)(T|$)/.exec(text.trim()) : null;
  return match?.[1] ?? null;
}

export function instant(value: unknown): Date | null {
  const text = str(value);
  if (!text || !/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** First of dateTime / Period.start among the given elements. */
export function firstDate(...values: unknown[]): string | null {
  for (const value of values) {
    const date = fhirDate(value) ?? fhirDate(obj(value)?.start);
    if (date) return date;
  }
  return null;
}

export function extensions(resource: Resource | undefined, urlPart: string): Resource[] {
  return objects(resource?.extension).filter((e) => str(e.url)?.includes(urlPart));
}

export const extension = (resource: Resource | undefined, urlPart: string): Resource | undefined => extensions(resource, urlPart)[0];

export const notesOf = (resource: Resource | undefined): string | null => {
  const texts = objects(resource?.note)
    .map((n) => str(n.text))
    .filter((t): t is string => t !== undefined);
  return texts.length > 0 ? texts.join('\n') : null;
};

/**
 * One coding of a CodeableConcept, kept exactly as sent. Prefers the given systems (SNOMED CT,
 * dm+d) over others; display falls back to the concept's text when the coding has none.
 */
export function codingOf(concept: unknown, preferredSystems: readonly string[] = []): Coding | null {
  const cc = obj(concept);
  if (!cc) return null;
  const codings = objects(cc.coding).filter((c) => str(c.code) !== undefined || str(c.display) !== undefined);
  const preferred = preferredSystems
    .map((system) => codings.find((c) => str(c.system)?.trim() === system))
    .find((c) => c !== undefined);
  const chosen = preferred ?? codings[0];
  const text = str(cc.text);
  if (!chosen) return text ? { system: '', code: '', display: text, originalTerm: text } : null;
  const display = str(chosen.display) ?? text ?? '';
  return { system: str(chosen.system) ?? '', code: str(chosen.code) ?? '', display, originalTerm: text ?? descriptionDisplay(chosen) ?? display };
}

/** The SNOMED CT description the clinician chose (Extension-coding-sctdescid's DescriptionDisplay). */
export function descriptionDisplay(coding: Resource | undefined): string | undefined {
  return extensions(coding, 'coding-sctdescid')
    .flatMap((e) => objects(e.extension))
    .filter((e) => e.url === 'descriptionDisplay' || e.url === 'DescriptionDisplay')
    .map((e) => str(e.valueString))
    .find((v) => v !== undefined);
}

/** Concept text for free-text fields: text, else the first coding's display. */
export function conceptText(concept: unknown): string | null {
  const cc = obj(concept);
  if (!cc) return null;
  return str(cc.text) ?? objects(cc.coding).map((c) => str(c.display)).find((d) => d !== undefined) ?? null;
}

export function humanName(value: unknown): string | null {
  const names = objects(value);
  const name = names.find((n) => n.use === 'official') ?? names.find((n) => n.use === 'usual') ?? names[0];
  if (!name) return null;
  const parts = [...list(name.prefix), ...list(name.given), ...list(name.family)].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length > 0 ? parts.join(' ') : (str(name.text) ?? null);
}

/** Bundle entries with their resources; a bare resource as an entry (seen in published examples) is accepted. */
export function bundleResources(bundle: Resource): Array<{ fullUrl: string | undefined; resource: Resource }> {
  return objects(bundle.entry).flatMap((entry) => {
    const resource = obj(entry.resource) ?? (typeOf(entry) ? entry : undefined);
    return resource ? [{ fullUrl: str(entry.fullUrl), resource }] : [];
  });
}

/** Resolves references within one Bundle (and within a resource's `contained`). */
export class BundleIndex {
  private readonly byKey = new Map<string, Resource>();
  readonly resources: Resource[] = [];

  constructor(bundle: Resource) {
    for (const { fullUrl, resource } of bundleResources(bundle)) {
      this.resources.push(resource);
      const type = typeOf(resource);
      const id = str(resource.id);
      if (type && id && !this.byKey.has(`${type}/${id}`)) this.byKey.set(`${type}/${id}`, resource);
      if (fullUrl && !this.byKey.has(fullUrl)) this.byKey.set(fullUrl, resource);
    }
  }

  ofType(type: string): Resource[] {
    return this.resources.filter((r) => typeOf(r) === type);
  }

  /** `ref` is a Reference (or its reference string); `container` holds `#id` targets. */
  resolve(ref: unknown, container?: Resource): Resource | undefined {
    const reference = str(ref) ?? str(obj(ref)?.reference);
    if (!reference) return undefined;
    if (reference.startsWith('#')) return objects(container?.contained).find((c) => str(c.id) === reference.slice(1));
    const direct = this.byKey.get(reference);
    if (direct) return direct;
    // Absolute references: match on the trailing Type/id.
    const tail = /([A-Za-z]+\/[A-Za-z0-9\-.]+)(\/_history\/[^/]+)?$/.exec(reference)?.[1];
    return tail ? this.byKey.get(tail) : undefined;
  }

  /** Practitioner, PractitionerRole or Organization behind a reference, as a name and role. */
  person(ref: unknown, container?: Resource): PersonRef | null {
    const target = this.resolve(ref, container);
    const display = str(obj(ref)?.display);
    switch (typeOf(target)) {
      case 'Practitioner': {
        const name = humanName(target?.name);
        return name ? { name, role: null } : display ? { name: display, role: null } : null;
      }
      case 'PractitionerRole': {
        const practitioner = this.resolve(target?.practitioner);
        const name = humanName(practitioner?.name) ?? display;
        const role = objects(target?.code).map(conceptText).find((r) => r !== null) ?? null;
        return name ? { name, role } : null;
      }
      case 'Organization':
        return { name: str(target?.name) ?? display ?? 'Unnamed organisation', role: null };
      default:
        return display ? { name: display, role: null } : null;
    }
  }
}

export const SNOMED = 'http://snomed.info/sct';
export const DMD = 'https://dmd.nhs.uk';
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
export const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';

export function nhsNumbersOf(patient: Resource | undefined): string[] {
  return objects(patient?.identifier)
    .filter((i) => str(i.system)?.replace(/^http:\/\/fhir\.nhs\.net\//, 'https://fhir.nhs.uk/') === NHS_NUMBER_SYSTEM)
    .map((i) => str(i.value)?.replace(/\s/g, ''))
    .filter((v): v is string => v !== undefined);
}
