// One section's Lists -> the section answer: every List entry shows as an item, a section-level
// assertion or a worded warning naming the resource, and the status says what a clinician may
// conclude (recorded, withheld, nothing recorded, or unknown). Decided without a network.
import { describe, expect, it } from 'vitest';
import type { Section, SectionOptions, SectionWarning } from '../../server/domain/sections.js';
import { BundleIndex, str, type Resource } from '../../server/systems/gp-connect/fhir.js';
import { allergyMapper } from '../../server/systems/gp-connect/map-allergies.js';
import type { ItemMapper } from '../../server/systems/gp-connect/map-context.js';
import { answerFor } from '../../server/systems/gp-connect/section-answer.js';

const SCT = 'http://snomed.info/sct';
const LIST_WARNING = 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-ListWarningCode-1';
type Json = Record<string, unknown>;

const list = (references: string[], extra: Json = {}): Json => ({
  resourceType: 'List', status: 'current', mode: 'snapshot', entry: references.map((reference) => ({ item: { reference } })), ...extra,
});
const emptyReason = (code: string) => ({ emptyReason: { coding: [{ system: 'http://hl7.org/fhir/list-empty-reason', code }] } });
const flagged = (code: string) => ({ extension: [{ url: LIST_WARNING, valueCode: code }] });
const allergy = (id: string, extra: Json = {}): Json => ({
  resourceType: 'AllergyIntolerance', id, clinicalStatus: 'active', assertedDate: '2020-01-01',
  code: { coding: [{ system: SCT, code: '91936005', display: 'Allergy to penicillin' }] }, ...extra,
});
const noKnownAllergy = (id: string): Json => ({
  resourceType: 'AllergyIntolerance', id, assertedDate: '2019-05-01',
  code: { coding: [{ system: SCT, code: '716186003', display: 'No known allergy' }] },
});

/** The answer for one section, its Lists and the other resources of the bundle. */
function answer(section: Section, mapper: ItemMapper<Section>, lists: Json[], resources: Json[] = [], options: SectionOptions = {}, extra: SectionWarning[] = []) {
  const index = new BundleIndex({ resourceType: 'Bundle', entry: [...lists, ...resources].map((resource) => ({ resource })) });
  return answerFor(section, mapper, lists as Resource[], index, options, extra);
}
const allergies = (lists: Json[], resources: Json[] = [], options: SectionOptions = {}, extra: SectionWarning[] = []) =>
  answer('ALLERGIES', allergyMapper as ItemMapper<Section>, lists, resources, options, extra);

/** A mapper showing each listed Encounter by id and date, as the consultation and medication mappers would. */
const dated: ItemMapper<Section> = {
  types: ['Encounter'],
  map: (r) => ({ id: str(r.id), date: str(r.date), startDate: str(r.date), endDate: null }) as never,
};
const encounter = (id: string, date: string): Json => ({ resourceType: 'Encounter', id, date });

describe('every List entry is accounted for', () => {
  it('shows a resource listed twice once', () => {
    const a = allergy('a1');
    const result = allergies([list(['AllergyIntolerance/a1']), list(['AllergyIntolerance/a1', 'AllergyIntolerance/a1'])], [a]);
    expect(result.status).toBe('RECORDED');
    expect(result.items.map((i) => i.id)).toEqual(['a1']);
    expect(result.warnings).toEqual([]);
  });

  it('shows "no known allergy" as a section-level assertion, not an allergy, and as recorded', () => {
    const result = allergies([list(['AllergyIntolerance/nka'])], [noKnownAllergy('nka')]);
    expect(result).toEqual({
      status: 'RECORDED', items: [], warnings: [], notes: [],
      assertions: [{ id: 'nka', kind: 'NO_KNOWN', code: { system: SCT, code: '716186003', display: 'No known allergy', originalTerm: 'No known allergy' }, date: '2019-05-01', note: null }],
    });
  });

  it('shows items of a section whose mapper has no assertions', () => {
    const result = answer('CONSULTATIONS', dated, [list(['Encounter/e1'])], [encounter('e1', '2021-03-04')]);
    expect(result).toMatchObject({ status: 'RECORDED', items: [{ id: 'e1' }], warnings: [] });
  });

  it('names a listed resource the section does not model, and does not read the section as empty', () => {
    const condition = { resourceType: 'Condition', id: 'c1', code: { text: 'Asthma' } };
    expect(allergies([list(['Condition/c1'])], [condition])).toEqual({
      status: 'UNAVAILABLE', items: [], assertions: [], notes: [],
      warnings: [{ code: 'UNMAPPED_ITEM', message: "A listed Condition is not part of this section's model and is not shown.", resourceType: 'Condition', resourceId: 'c1' }],
    });
  });

  it('words a listed resource without a type as a resource', () => {
    const untyped = { id: 'u1', code: { text: 'Something' } };
    const index = new BundleIndex({ resourceType: 'Bundle', entry: [{ fullUrl: 'urn:uuid:u1', resource: untyped }] });
    const result = answerFor('ALLERGIES', allergyMapper as ItemMapper<Section>, [list(['urn:uuid:u1'])], index, {}, []);
    expect(result.warnings).toEqual([
      { code: 'UNMAPPED_ITEM', message: "A listed resource is not part of this section's model and is not shown.", resourceType: null, resourceId: 'u1' },
    ]);
  });

  it('says a listed item without a usable code could not be read', () => {
    const uncoded = allergy('a2', { code: undefined });
    expect(allergies([list(['AllergyIntolerance/a2'])], [uncoded])).toMatchObject({
      status: 'UNAVAILABLE', items: [],
      warnings: [{ code: 'UNMAPPED_ITEM', message: 'A listed AllergyIntolerance could not be read (no usable code) and is not shown.', resourceType: 'AllergyIntolerance', resourceId: 'a2' }],
    });
  });

  it('says a listed item the mapper cannot read could not be read, and still shows the others', () => {
    const fragile: ItemMapper<Section> = {
      types: ['Encounter'],
      map: (r) => {
        if (r.id === 'bad') throw new TypeError('unexpected shape');
        return { id: str(r.id), date: str(r.date) } as never;
      },
    };
    const result = answer('CONSULTATIONS', fragile, [list(['Encounter/bad', 'Encounter/e1'])], [encounter('bad', '2021-01-01'), encounter('e1', '2021-01-02')]);
    expect(result).toMatchObject({ status: 'RECORDED', items: [{ id: 'e1' }] });
    expect(result.warnings).toEqual([
      { code: 'UNMAPPED_ITEM', message: 'A listed Encounter could not be read and is not shown.', resourceType: 'Encounter', resourceId: 'bad' },
    ]);
  });

  it('keeps the warnings a mapper raises on an item with that item, after its own', () => {
    const own: SectionWarning = { code: 'OWN', message: 'Recorded in another practice.' };
    const raised: SectionWarning = { code: 'UNRESOLVED_REFERENCE', message: "The manufacturer this item refers to is missing from the clinical system's answer." };
    const warning: ItemMapper<Section> = {
      types: ['Encounter'],
      map: (r, ctx) => {
        if (r.id === 'warned' || r.id === 'lone') ctx.warn?.(raised);
        if (r.id === 'quiet' || r.id === 'lone') return { id: str(r.id) } as never;
        return { id: str(r.id), warnings: [own] } as never;
      },
    };
    const result = answer('CONSULTATIONS', warning, [list(['Encounter/warned', 'Encounter/plain', 'Encounter/quiet', 'Encounter/lone'])],
      [encounter('warned', '2021-01-01'), encounter('plain', '2021-01-02'), encounter('quiet', '2021-01-03'), encounter('lone', '2021-01-04')]);
    expect(result.items).toEqual([{ id: 'warned', warnings: [own, raised] }, { id: 'plain', warnings: [own] }, { id: 'quiet' }, { id: 'lone', warnings: [raised] }]);
    expect(result.warnings).toEqual([]);
  });

  it('words an entry with no item at all as a listed item without a reference', () => {
    const result = allergies([{ resourceType: 'List', entry: [{ flag: { text: 'x' } }] }]);
    expect(result).toMatchObject({ status: 'UNAVAILABLE', warnings: [{ code: 'UNRESOLVED_REFERENCE', message: 'A listed item has no reference and is not shown.' }] });
  });
});

describe('what the section says', () => {
  it('passes the List notes on, leaving out Lists without one', () => {
    const result = allergies([
      list(['AllergyIntolerance/a1'], { note: [{ text: 'Checked with the patient' }, { text: 'at the last review' }] }),
      list([], emptyReason('no-content-recorded')),
      list([], { note: [{ text: 'Transferred record' }] }),
    ], [allergy('a1')]);
    expect(result.notes).toEqual(['Checked with the patient\nat the last review', 'Transferred record']);
  });

  it('orders warnings: the List flags, then each entry, then the caller\'s own', () => {
    const callers: SectionWarning = { code: 'PARTIAL', message: 'The clinical system answered only in part.' };
    const result = allergies([list(['AllergyIntolerance/a1', 'AllergyIntolerance/gone'], flagged('data-in-transit'))], [allergy('a1')], {}, [callers]);
    expect(result.status).toBe('RECORDED');
    expect(result.warnings.map((w) => w.code)).toEqual(['DATA_IN_TRANSIT', 'UNRESOLVED_REFERENCE', 'PARTIAL']);
  });

  it('reads List warnings only from the List warning extension', () => {
    const otherExtension = { extension: [{ url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-ReviewStatus-1', valueCode: 'confidential-items' }] };
    expect(allergies([list(['AllergyIntolerance/a1'], otherExtension)], [allergy('a1')])).toMatchObject({ status: 'RECORDED', warnings: [] });
  });

  it('reads a section without any List as not supplied, with the caller\'s warnings', () => {
    const callers: SectionWarning = { code: 'PARTIAL', message: 'The clinical system answered only in part.' };
    expect(allergies([], [], {}, [callers])).toEqual({ status: 'NOT_SUPPLIED', items: [], warnings: [callers] });
  });

  it('reads a withheld List with entries it could not show as withheld, with every warning', () => {
    const result = allergies([list(['AllergyIntolerance/gone'], flagged('confidential-items'))]);
    expect(result.status).toBe('WITHHELD');
    expect(result.items).toEqual([]);
    expect(result.warnings.map((w) => w.code)).toEqual(['WITHHELD', 'CONFIDENTIAL_ITEMS', 'UNRESOLVED_REFERENCE']);
  });

  it('reads a List whose items the caller filtered out as nothing recorded, not as unknown', () => {
    const resolved = allergy('old', { clinicalStatus: 'resolved' });
    expect(allergies([list(['AllergyIntolerance/old'])], [resolved])).toEqual({ status: 'NOTHING_RECORDED', items: [], warnings: [], assertions: [], notes: [] });
    expect(allergies([list(['AllergyIntolerance/old'])], [resolved], { includeResolved: true })).toMatchObject({ status: 'RECORDED', items: [{ id: 'old', clinicalStatus: 'RESOLVED' }] });
  });

  it('reads a List that says why it is empty as nothing recorded', () => {
    expect(allergies([list([], emptyReason('nilknown'))])).toEqual({ status: 'NOTHING_RECORDED', items: [], warnings: [], assertions: [], notes: [] });
  });

  it('reads a section as unknown when one List says it is empty but another lists an item that cannot be shown', () => {
    const result = allergies([list([], emptyReason('nilknown')), list(['AllergyIntolerance/gone'])]);
    expect(result.status).toBe('UNAVAILABLE');
    expect(result.warnings.map((w) => w.code)).toEqual(['UNRESOLVED_REFERENCE']);
  });
});

describe('immunisation status records', () => {
  const statusOf = (id: string): Json => ({
    resourceType: 'Observation', id, effectiveDateTime: '2022-09-01',
    code: { coding: [{ system: SCT, code: '310375005', display: 'Immunisation consent given' }] },
  });
  const kinds: ItemMapper<Section> = {
    types: [],
    assertion: (r) => ({ id: str(r.id)!, kind: r.resourceType === 'Observation' ? 'IMMUNISATION_STATUS' : 'NO_KNOWN', code: { system: SCT, code: '1', display: null }, date: null, note: null }) as never,
    map: () => null,
  };
  const lists = [list(['Observation/consent', 'Basic/other'])];
  const resources = [statusOf('consent'), { resourceType: 'Basic', id: 'other' }];

  it('are shown by default, and left out when the caller did not ask for them', () => {
    expect(answer('IMMUNISATIONS', kinds, lists, resources).assertions?.map((a) => a.id)).toEqual(['consent', 'other']);
    expect(answer('IMMUNISATIONS', kinds, lists, resources, { includeStatus: true }).assertions?.map((a) => a.id)).toEqual(['consent', 'other']);
    expect(answer('IMMUNISATIONS', kinds, lists, resources, { includeStatus: false }).assertions?.map((a) => a.id)).toEqual(['other']);
  });

  it('are filtered only in the immunisations section', () => {
    expect(answer('ALLERGIES', kinds, lists, resources, { includeStatus: false }).assertions?.map((a) => a.id)).toEqual(['consent', 'other']);
  });

  it('left out, leave a section with nothing else to show unknown rather than recorded', () => {
    const result = answer('IMMUNISATIONS', kinds, [list(['Observation/consent'])], resources, { includeStatus: false });
    expect(result).toMatchObject({ status: 'UNAVAILABLE', items: [], assertions: [] });
  });
});

describe('filters re-applied locally', () => {
  const lists = [list(['Encounter/early', 'Encounter/late'])];
  const resources = [encounter('early', '2020-02-01'), encounter('late', '2023-06-01')];
  const ids = (section: Section, options: SectionOptions) => answer(section, dated, lists, resources, options).items.map((i) => i.id);

  it('trusts the provider for the period of consultations: nothing it sent is dropped', () => {
    expect(ids('CONSULTATIONS', { from: '2021-01-01', to: '2022-01-01' })).toEqual(['early', 'late']);
  });

  it('drops medications started after the end of the period, which the provider cannot express', () => {
    expect(ids('MEDICATIONS', { to: '2022-01-01' })).toEqual(['early']);
    expect(ids('MEDICATIONS', { from: '2021-01-01' })).toEqual(['early', 'late']);
  });

  it('applies the caller\'s other options', () => {
    expect(ids('CONSULTATIONS', { mostRecent: 1 })).toEqual(['late']);
  });
});
