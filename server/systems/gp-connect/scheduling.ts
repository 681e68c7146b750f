// Appointment management reads: free slots of a practice and a patient's (future) appointments.
import type { PracticeRecord } from '../../domain/practices.js';
import { englandToday } from '../../domain/sections.js';
import type { Appointment, DateRange, Slot } from '../../domain/scheduling.js';
import { eachLimited } from './batch.js';
import { ODS_SYSTEM, typeOf, type Resource } from './fhir.js';
import { callProvider, INTERACTIONS, mapped, searchQuery, type CallContext } from './http-client.js';
import { appointmentsFromSearch, slotsFromSearch } from './map-foundations.js';
import type { FindPatient } from './patient-lookup.js';
import { ConnectorError } from '../types.js';
import { providerError } from './provider-errors.js';

const ORGANISATION_TYPE = 'https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1';
export const fhirInstant = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
/** Calendar date in England: providers read date-only search parameters in their local time. */
const englandDate = (date: Date) => englandToday(date);

/**
 * The free-slot searchset for a window. The searchFilter names the organisation that will book
 * (ODS code and organisation type), so the provider leaves out slots that organisation may not book.
 */
export async function freeSlotBundle(ctx: CallContext, range: DateRange, booker?: { odsCode: string; type: string }): Promise<Resource> {
  const ods = booker?.odsCode ?? ctx.meta.organisationOds ?? ctx.settings.platformOrganisation?.odsCode;
  const pairs: Array<[string, string]> = [
    ['start', `ge${fhirInstant(range.from)}`],
    ['end', `le${fhirInstant(range.to)}`],
    ['status', 'free'],
    ['_include', 'Slot:schedule'],
    ['_include:recurse', 'Schedule:actor:Practitioner'],
    ['_include:recurse', 'Schedule:actor:Location'],
    ['_include:recurse', 'Location:managingOrganization'],
  ];
  if (ods) pairs.push(['searchFilter', `${ODS_SYSTEM}|${ods}`]);
  // Practice users book from a GP practice; other callers' organisation type is not known to us.
  const type = booker?.type ?? (ctx.meta.organisationOds ? 'gp-practice' : null);
  if (type) pairs.push(['searchFilter', `${ORGANISATION_TYPE}|${type}`]);
  return callProvider({ method: 'GET', path: `/Slot?${searchQuery(pairs)}`, interaction: INTERACTIONS.searchSlots, scope: 'organization/*.read', safe: true }, ctx);
}

export async function searchSlots(ctx: CallContext, range: DateRange): Promise<Slot[]> {
  const bundle = await freeSlotBundle(ctx, range);
  return mapped(ctx.settings, INTERACTIONS.searchSlots, () => {
    if (typeOf(bundle) !== 'Bundle') throw providerError('PROVIDER_ERROR');
    // The same window as every connector: free slots starting in [from, to).
    return slotsFromSearch(bundle)
      .filter((s) => s.status === 'FREE' && s.start >= range.from && s.start < range.to)
      .sort((a, b) => a.start.getTime() - b.start.getTime() || a.id.localeCompare(b.id));
  });
}

export async function patientAppointments(
  ctx: CallContext,
  practice: PracticeRecord,
  nhsNumbers: readonly string[],
  range: DateRange,
  findPatient: FindPatient,
): Promise<Map<string, Appointment[]>> {
  const found = new Map<string, Appointment[]>();
  // GP Connect shows only future appointments and refuses a search that reaches into the past: a
  // period partly past is asked from now; one wholly past is refused before the provider is asked
  // (rule 10), rather than answered with an empty list that would read as "no appointments".
  const from = new Date(Math.max(range.from.getTime(), Date.now()));
  if (range.to <= from) {
    throw new ConnectorError('INVALID_DATE_RANGE', 'GP Connect holds only future appointments: the period must end after now.');
  }
  await eachLimited([...new Set(nhsNumbers)], ctx.settings.maxConcurrency, async (nhsNumber) => {
    const logicalId = (await findPatient(ctx, practice, nhsNumber))?.logicalId;
    if (!logicalId) return;
    const search = searchQuery([
      ['start', `ge${englandDate(from)}`],
      ['start', `le${englandDate(new Date(range.to.getTime() - 1))}`],
    ]);
    const path = `/Patient/${encodeURIComponent(logicalId)}/Appointment?${search}`;
    const bundle = await callProvider({ method: 'GET', path, interaction: INTERACTIONS.patientAppointments, scope: 'patient/*.read', safe: true }, ctx);
    const appointments = mapped(ctx.settings, INTERACTIONS.patientAppointments, () => {
      if (typeOf(bundle) !== 'Bundle') throw providerError('PROVIDER_ERROR');
      return appointmentsFromSearch(bundle)
        .filter((a) => a.start >= range.from && a.start < range.to)
        .sort((a, b) => a.start.getTime() - b.start.getTime());
    });
    found.set(nhsNumber, appointments);
  });
  return found;
}
