// The published GP Connect examples (test/fixtures/gp-connect) and the patients they describe.
import { readFileSync } from 'node:fs';

const DIR = new URL('../../fixtures/gp-connect/', import.meta.url);

type Json = Record<string, unknown>;

export function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as Json;
}

/** Jane Jackson of the structured-record examples. */
export const JANE = '9999999999';
/**
 * John Reardon of the pathology example. The example's own NHS number, 9432003812, fails the
 * Modulus 11 check the API enforces, so the fake provider serves that example under this number.
 */
export const JOHN = '9999999980';
export const JOHN_IN_EXAMPLE = '9432003812';
/** Jane Jackson of the find-patient example (logical id "2"), whose appointments example is served. */
export const JANE_FOUNDATIONS = '9476719931';

/** Structured-record example responses by the request parameter that asks for them. */
export const STRUCTURED_EXAMPLES: Record<string, string> = {
  includeAllergies: 'accessrecord_structured--allergies_response1.json',
  includeMedication: 'accessrecord_structured--meds_response.json',
  includeImmunisations: 'accessrecord_structured--immunizations_response1.json',
  includeInvestigations: 'accessrecord_structured--pathology_response1.json',
  includeReferrals: 'accessrecord_structured--referrals_response1.json',
  includeUncategorisedData: 'accessrecord_structured--uncategorised_response1.json',
  includeDiaryEntries: 'accessrecord_structured--diaryentries_response1.json',
};

/** Section List codes, for the empty Lists a provider sends for a section with nothing recorded. */
export const SECTION_LIST_CODES: Record<string, { code: string; display: string }> = {
  includeAllergies: { code: '886921000000105', display: 'Allergies and adverse reaction' },
  includeMedication: { code: '933361000000108', display: 'Medications and medical devices' },
  includeProblems: { code: '717711000000103', display: 'Problems' },
  includeImmunisations: { code: '1102181000000102', display: 'Immunisations' },
  includeConsultations: { code: '1149501000000101', display: 'Consultations' },
  includeInvestigations: { code: '887191000000108', display: 'Investigations and Results' },
  includeReferrals: { code: '792931000000107', display: 'Outbound referral' },
  includeUncategorisedData: { code: '826501000000100', display: 'Miscellaneous record' },
  includeDiaryEntries: { code: '714311000000108', display: 'Patient recall administration' },
};

/** Entries of a Bundle as resources (the diary example has bare resources as entries). */
export function resourcesOf(bundle: Json): Json[] {
  return ((bundle.entry as Json[] | undefined) ?? []).map((e) => (e.resource as Json | undefined) ?? e);
}

export function nhsNumberOf(patient: Json): string | undefined {
  return ((patient.identifier as Json[] | undefined) ?? []).find((i) => i.system === 'https://fhir.nhs.uk/Id/nhs-number')?.value as string | undefined;
}
