// How a GP Connect structured-record Bundle becomes section answers, decided without a network:
// a section's List decides its status (never an ambiguous empty list), and coded values keep
// their clinical meaning (a moderate reaction stays MODERATE).
import { describe, expect, it } from 'vitest';
import type { Section } from '../../server/domain/sections.js';
import { markerWarning } from '../../server/systems/gp-connect/section-answer.js';
import { answersFromBundle } from '../../server/systems/gp-connect/structured-record.js';

const SCT = 'http://snomed.info/sct';
const NHS = '9999999999';
const ALLERGY_LIST = '886921000000105';
type Json = Record<string, unknown>;

const patient = { resourceType: 'Patient', id: 'pat1', identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: NHS }] };
const list = (code: string, entries: string[], extra: Json = {}): Json => ({
  resourceType: 'List', status: 'current', mode: 'snapshot', code: { coding: [{ system: SCT, code }] },
  entry: entries.map((reference) => ({ item: { reference } })), ...extra,
});
const bundle = (...resources: Json[]) => ({ resourceType: 'Bundle', type: 'collection', entry: [patient, ...resources].map((resource) => ({ resource })) });
const emptyReason = (code: string) => ({ emptyReason: { coding: [{ system: 'http://hl7.org/fhir/list-empty-reason', code }] } });
const answer = (b: Json, section: Section = 'ALLERGIES') => {
  const answers = answersFromBundle(b, NHS, [{ section, options: {} }]);
  if (!Array.isArray(answers)) throw new Error(`error answer: ${answers.message}`);
  return answers[0]!;
};
const allergy = (id: string, severity?: string): Json => ({
  resourceType: 'AllergyIntolerance', id, clinicalStatus: 'active', assertedDate: '2020-01-01',
  code: { coding: [{ system: SCT, code: '91936005', display: 'Allergy to penicillin' }] },
  reaction: [{ manifestation: [{ coding: [{ system: SCT, code: '271807003', display: 'Skin rash' }] }], ...(severity ? { severity } : {}) }],
});

describe('GP Connect section status', () => {
  it('reads an empty List withheld by the provider as WITHHELD, never as NOTHING_RECORDED', () => {
    expect(answer(bundle(list(ALLERGY_LIST, [], emptyReason('withheld'))))).toMatchObject({
      status: 'WITHHELD', items: [], warnings: [{ code: 'WITHHELD', message: 'Items in this section are withheld for this patient.' }],
    });
  });

  it('tells nothing recorded, not supplied, recorded and unreadable apart', () => {
    expect(answer(bundle(list(ALLERGY_LIST, [], emptyReason('nilknown'))))).toMatchObject({ status: 'NOTHING_RECORDED', items: [], warnings: [] });
    expect(answer(bundle(list(ALLERGY_LIST, [], emptyReason('no-content-recorded'))))).toMatchObject({ status: 'NOTHING_RECORDED' });
    expect(answer(bundle())).toMatchObject({ status: 'NOT_SUPPLIED', items: [], warnings: [] });
    expect(answer(bundle(list(ALLERGY_LIST, ['AllergyIntolerance/a1']), allergy('a1')))).toMatchObject({ status: 'RECORDED', items: [{ id: 'a1' }] });
    expect(answer(bundle(list(ALLERGY_LIST, ['AllergyIntolerance/gone'])))).toMatchObject({ status: 'UNAVAILABLE', items: [], warnings: [{ code: 'UNRESOLVED_REFERENCE' }] });
    // Confidential items flagged on a List with nothing else to show: withheld, with the flag's warning.
    const confidential = { extension: [{ url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-ListWarningCode-1', valueCode: 'confidential-items' }] };
    expect(answer(bundle(list(ALLERGY_LIST, [], confidential)))).toMatchObject({ status: 'WITHHELD', warnings: [{ code: 'WITHHELD' }, { code: 'CONFIDENTIAL_ITEMS' }] });
  });

  it('refuses a Bundle about another patient', () => {
    const other = { ...patient, identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000018' }] };
    const answers = answersFromBundle({ resourceType: 'Bundle', entry: [{ resource: other }] }, NHS, [{ section: 'ALLERGIES', options: {} }]);
    expect(Array.isArray(answers)).toBe(false);
  });

  it('keeps each reaction severity as coded: mild, moderate and severe', () => {
    const b = bundle(list(ALLERGY_LIST, ['AllergyIntolerance/m', 'AllergyIntolerance/o', 'AllergyIntolerance/s', 'AllergyIntolerance/n']),
      allergy('m', 'mild'), allergy('o', 'moderate'), allergy('s', 'severe'), allergy('n'));
    const items = answer(b).items as Array<{ id: string; reactions: Array<{ severity: string | null }> }>;
    expect(Object.fromEntries(items.map((i) => [i.id, i.reactions[0]!.severity]))).toEqual({ m: 'MILD', o: 'MODERATE', s: 'SEVERE', n: null });
  });
});

describe('the warnings a clinician reads', () => {
  const LIST_WARNING = 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-ListWarningCode-1';
  const flagged = (...codes: string[]) => ({ extension: codes.map((valueCode) => ({ url: LIST_WARNING, valueCode })) });

  it('words each List warning the provider flags, once each', () => {
    const b = bundle(list(ALLERGY_LIST, ['AllergyIntolerance/a1'], flagged('data-in-transit', 'data-awaiting-filing', 'data-in-transit', 'not-a-code')), allergy('a1'));
    expect(answer(b).warnings).toEqual([
      { code: 'DATA_IN_TRANSIT', message: "The patient's record is still arriving from a previous practice; some information may be missing." },
      { code: 'DATA_AWAITING_FILING', message: 'Some information is awaiting filing at the practice and is not included.' },
    ]);
    expect(answer(bundle(list(ALLERGY_LIST, [], flagged('confidential-items')))).warnings).toContainEqual({
      code: 'CONFIDENTIAL_ITEMS',
      message: 'Items are excluded because they are confidential or the patient asked for them not to be shared.',
    });
  });

  it('says which listed item is missing, and that an empty List without a reason says nothing', () => {
    expect(answer(bundle(list(ALLERGY_LIST, ['AllergyIntolerance/gone']))).warnings).toEqual([
      { code: 'UNRESOLVED_REFERENCE', message: "A listed item was missing from the clinical system's answer and is not shown.", resourceType: 'AllergyIntolerance', resourceId: 'gone' },
    ]);
    expect(answer(bundle(list(ALLERGY_LIST, [])))).toMatchObject({
      status: 'UNAVAILABLE',
      items: [],
      warnings: [{ code: 'EMPTY_WITHOUT_REASON', message: 'The clinical system sent this section empty without saying why; this says nothing about the record.' }],
    });
  });

  it('repeats a provider marker only when it is plain short prose', () => {
    const supported = 'Items are not supported by the provider system';
    expect(markerWarning(supported)).toEqual({ code: 'NOT_SUPPORTED_BY_PROVIDER', message: `The clinical system reported: ${supported}.` });
    expect(markerWarning('<b>Not supported</b>')).toEqual({ code: 'NOT_SUPPORTED_BY_PROVIDER', message: 'The clinical system holds items here that it cannot send.' });
    expect(markerWarning('Repeat prescription')).toEqual({ code: 'UNRESOLVED_REFERENCE', message: 'A listed item has no reference and is not shown: Repeat prescription.' });
    for (const unsafe of [undefined, '', 'ab', 'x'.repeat(201), '<Repeat prescription', 'Repeat prescription>', 'Repeat\u0000prescription', 'ééé']) {
      expect(markerWarning(unsafe), JSON.stringify(unsafe)).toEqual({ code: 'UNRESOLVED_REFERENCE', message: 'A listed item has no reference and is not shown.' });
    }
    expect(markerWarning('abc').message).toBe('A listed item has no reference and is not shown: abc.');
    expect(markerWarning('x'.repeat(200)).message).toBe(`A listed item has no reference and is not shown: ${'x'.repeat(200)}.`);
  });
});
