// Find patient (GP Connect Foundations): NHS number -> demographics and the provider's logical id.
// Lookups are shared within one GraphQL request, so demographics and appointments for the same
// patient cost one provider call.
import type { PracticeRecord } from '../../domain/practices.js';
import type { Settings } from './endpoint-config.js';
import { NHS_NUMBER_SYSTEM, typeOf } from './fhir.js';
import { callProvider, INTERACTIONS, mapped, searchQuery, type CallContext } from './http-client.js';
import { patientFromSearch, type FoundPatient } from './map-foundations.js';
import { providerError } from './provider-errors.js';

const TTL_MS = 30_000;
const MAX_ENTRIES = 1000;

export type FindPatient = (ctx: CallContext, practice: PracticeRecord, nhsNumber: string) => Promise<FoundPatient | null>;

export function patientLookup(settings: Settings): FindPatient {
  const recent = new Map<string, { at: number; found: Promise<FoundPatient | null> }>();

  async function lookup(ctx: CallContext, practice: PracticeRecord, nhsNumber: string): Promise<FoundPatient | null> {
    const path = `/Patient?${searchQuery([['identifier', `${NHS_NUMBER_SYSTEM}|${nhsNumber}`]])}`;
    const bundle = await callProvider({ method: 'GET', path, interaction: INTERACTIONS.findPatient, scope: 'patient/*.read', safe: true }, ctx);
    return mapped(settings, INTERACTIONS.findPatient, () => {
      if (typeOf(bundle) !== 'Bundle') throw providerError('PROVIDER_ERROR');
      return patientFromSearch(bundle, nhsNumber, practice.odsCode);
    });
  }

  return (ctx, practice, nhsNumber) => {
    const key = `${ctx.meta.requestId}|${practice.odsCode}|${nhsNumber}`;
    const now = Date.now();
    const cached = recent.get(key);
    if (cached && now - cached.at < TTL_MS) return cached.found;
    // Oldest first: drop expired entries, and old ones while the map is full.
    for (const [k, v] of recent) if (now - v.at >= TTL_MS || recent.size >= MAX_ENTRIES) recent.delete(k);
    const found = lookup(ctx, practice, nhsNumber);
    recent.set(key, { at: now, found });
    // A failed lookup is not remembered.
    found.catch(() => recent.delete(key));
    return found;
  };
}
