// GP Connect Foundations reads of the practitioners, organisations and locations a structured
// record refers to but does not include. What is read joins the bundle before mapping, so the
// item shows the name; what cannot be read (not declared, refused, unusable) stays an
// UNRESOLVED_REFERENCE warning exactly as before.
import { eachLimited } from './batch.js';
import { declaresRead } from './capability-statement.js';
import type { Declared } from './capability-cache.js';
import { BundleIndex, obj, str, typeOf, type Resource } from './fhir.js';
import { callProvider, INTERACTIONS, type CallContext } from './http-client.js';
import { ConnectorError } from '../types.js';

const READS = {
  Practitioner: INTERACTIONS.readPractitioner,
  Organization: INTERACTIONS.readOrganisation,
  Location: INTERACTIONS.readLocation,
} as const;
type ReadableType = keyof typeof READS;
const REFERENCE = /(?:^|\/)(Practitioner|Organization|Location)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/;
/** Nodes visited when looking for references: bounds the walk over a hostile bundle. */
const MAX_NODES = 200_000;

/** `Type/id` of every practitioner, organisation or location referenced but absent from the bundle. */
export function missingFoundations(bundle: Resource, limit: number): Array<{ type: ReadableType; id: string }> {
  const index = new BundleIndex(bundle);
  const found = new Map<string, { type: ReadableType; id: string }>();
  const stack: unknown[] = [bundle];
  for (let visited = 0; stack.length > 0 && visited < MAX_NODES && found.size < limit; visited++) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const o = obj(node);
    if (!o) continue;
    const reference = str(o.reference);
    const match = reference ? REFERENCE.exec(reference) : null;
    if (match && !index.resolve(reference)) {
      const [, type, id] = match as unknown as [string, ReadableType, string];
      found.set(`${type}/${id}`, { type, id });
    }
    for (const value of Object.values(o)) if (value !== null && typeof value === 'object') stack.push(value);
  }
  return [...found.values()];
}

/** The bundle with the missing foundations the provider would give us added; the original otherwise. */
export async function withFoundations(ctx: CallContext, bundle: Resource, declared: Declared): Promise<Resource> {
  if (typeOf(bundle) !== 'Bundle' || ctx.settings.maxFoundationReads === 0) return bundle;
  const wanted = missingFoundations(bundle, ctx.settings.maxFoundationReads).filter(({ type }) => declared instanceof ConnectorError || declaresRead(declared, type));
  if (wanted.length === 0) return bundle;
  const read: Resource[] = [];
  await eachLimited(wanted, ctx.settings.maxConcurrency, async ({ type, id }) => {
    try {
      const resource = await callProvider({ method: 'GET', path: `/${type}/${encodeURIComponent(id)}`, interaction: READS[type], scope: 'organization/*.read', safe: true }, ctx);
      // Only the resource asked for: anything else stays unresolved.
      if (typeOf(resource) === type && str(resource.id) === id) read.push(resource);
    } catch {
      // Not readable: the item keeps its UNRESOLVED_REFERENCE warning.
    }
  });
  if (read.length === 0) return bundle;
  const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
  return { ...bundle, entry: [...entries, ...read.map((resource) => ({ resource }))] };
}
