// The fields the published GP Connect examples carry beyond the first model, asserted field by
// field as the connector maps them (the GraphQL exposure is in clinical-fidelity.test.ts).
import { describe, expect, it } from 'vitest';
import type { AnySectionAnswer } from '../../server/domain/clinical-record.js';
import { answersFromBundle } from '../../server/systems/gp-connect/structured-record.js';
import { fixture, nhsNumberOf, STRUCTURED_EXAMPLES } from './support/fixtures.js';
import { ALL_ASKS, bundleResources } from './support/list-accounting.js';

const SCT = 'http://snomed.info/sct';
const SECTION_AT = { ALLERGIES: 0, MEDICATIONS: 1, IMMUNISATIONS: 3, INVESTIGATIONS: 5, UNCATEGORISED: 7 } as const;

function section(parameter: string, at: keyof typeof SECTION_AT): AnySectionAnswer {
  const bundle = fixture(STRUCTURED_EXAMPLES[parameter]!);
  const patient = bundleResources(bundle).find((r) => r.resourceType === 'Patient');
  const answers = answersFromBundle(bundle, (patient && nhsNumberOf(patient)) ?? '', ALL_ASKS);
  if (!Array.isArray(answers)) throw new Error(answers.code);
  return answers[SECTION_AT[at]]!;
}
const item = (answer: AnySectionAnswer, id: string) => answer.items.find((i) => i.id === id) as unknown as Record<string, unknown>;

describe('GP Connect example fields', () => {
  it('allergies: criticality, verification status, type, original terms, and the missing one named', () => {
    const allergies = section('includeAllergies', 'ALLERGIES');
    expect(allergies.warnings).toEqual([
      { code: 'UNRESOLVED_REFERENCE', message: expect.any(String), resourceType: 'AllergyIntolerance', resourceId: '561850bd-360c-4d17-b3c8-a837ef0cbfba' },
    ]);
    expect(item(allergies, '6bff710a-0bdc-4c9b-b98b-40db0a107edc')).toMatchObject({ criticality: 'LOW', verificationStatus: 'UNCONFIRMED', type: 'ALLERGY', lastOccurrence: null });
    expect(item(allergies, '5eb0f76a-cecb-4b83-999d-ddb76e551a9b')).toMatchObject({
      criticality: 'HIGH',
      code: { system: SCT, code: '256349002', display: 'Peanut - dietary', originalTerm: 'Nut allergy' },
    });
    expect(item(allergies, 'd92b7d42-554d-4c92-b829-e76508185702')).toMatchObject({
      criticality: null,
      code: { code: '196461000000101', display: 'Transfer-degraded drug allergy', originalTerm: 'Allergy to paracetemol' },
    });
    expect(item(allergies, 'Resolved-1')).toMatchObject({ type: 'INTOLERANCE', criticality: 'LOW', clinicalStatus: 'RESOLVED' });
    expect(allergies.assertions).toEqual([]);
  });

  it('medications: instructions, pharmacy notes, repeats, supply, last issue; the description the clinician chose', () => {
    const medications = section('includeMedication', 'MEDICATIONS');
    expect(item(medications, '6bff710a-0bdc-4c9b-b98b-40db0a107edc')).toMatchObject({
      patientInstructions: 'INSTRUCTIONS FOR PATIENT',
      pharmacyNotes: 'Pharmacy Notes: NOTES FOR PHARMACY',
      repeatsAllowed: null,
      repeatsIssued: null,
      supplyDuration: { value: 28, unit: 'day' },
      reviewDate: null,
      lastIssueDate: '2016-05-10',
    });
    expect(item(medications, '791ceb40-db0a-491d-ab0f-22f5a08509fd')).toMatchObject({
      medication: { code: '319773006', display: 'Aspirin 75mg dispersible tablets', originalTerm: 'Aspirin 75mg dispersible tablet' },
      patientInstructions: 'INSTRUCTIONS FOR PATIENT',
      pharmacyNotes: 'NOTES FOR PHARMACY',
      repeatsAllowed: 5,
      repeatsIssued: 2,
      supplyDuration: { value: 28, unit: 'day' },
      lastIssueDate: '2016-09-11',
    });
    expect(medications.items.every((m) => (m.warnings ?? []).length === 0)).toBe(true);
  });

  it('immunisations: procedure, batch, expiry, manufacturer, site, route, dose and series', () => {
    const immunisations = section('includeImmunisations', 'IMMUNISATIONS');
    expect(item(immunisations, 'eba25af1-5b74-4790-aa5a-2134fd27ad45')).toEqual({
      id: 'eba25af1-5b74-4790-aa5a-2134fd27ad45',
      vaccine: { system: SCT, code: '170378007', display: 'First hepatitis A vaccination', originalTerm: 'First hepatitis A vaccination' },
      procedure: { system: SCT, code: '170378007', display: 'First hepatitis A vaccination', originalTerm: 'First hepatitis A vaccination' },
      date: '2019-06-28',
      given: true,
      doseSequence: 1,
      seriesDoses: 3,
      reasonNotGiven: null,
      batchNumber: 'AAJN11K',
      expiryDate: '2019-12-15',
      manufacturer: 'Acme Drug Corp',
      site: { system: SCT, code: '368209003', display: 'Right upper arm', originalTerm: 'Right upper arm' },
      route: { system: SCT, code: '34206005', display: 'Subcutaneous route', originalTerm: 'Subcutaneous route' },
      dose: { value: 0.5, unit: 'ml' },
      note: 'Notes on adminstration of vaccine',
    });
  });

  it('investigations: issued date, performing organisation and requester', () => {
    const investigations = section('includeInvestigations', 'INVESTIGATIONS');
    expect(item(investigations, 'efae5859-28df-4e7d-be91-6df56d8215e4')).toMatchObject({
      issuedDate: '2019-04-03',
      performer: { name: 'GREENTOWN GENERAL HOSPITAL', role: null },
      requester: { name: 'John SMITH', role: null },
      clinicalIndication: null,
    });
  });

  it('uncategorised data: original terms next to the coding', () => {
    const observations = section('includeUncategorisedData', 'UNCATEGORISED');
    expect(item(observations, 'Consultation1-topic2-category-Examination-Observation-2')).toMatchObject({
      code: { code: '1097811000000106', display: 'Arterial oxygen saturation breathing room air at rest', originalTerm: 'Arterial oxygen saturation on room air at rest' },
      components: [],
    });
  });
});
