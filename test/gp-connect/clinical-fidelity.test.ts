// Clinical facts the first model lost, read through the API from bundles shaped as the GP Connect
// specification describes: "no known allergy" is an assertion, not an allergy; immunisation consent
// and dissent are shown; consultations keep topics, headings, codes and components; what cannot be
// shown is named on the item it belongs to.
import { describe, expect, it } from 'vitest';
import { availableBackends } from '../support/backends.js';
import { SCT, builtRecordReader, bundle, list, type Json } from './support/built-records.js';

const sct = (code: string, display: string, text?: string) => ({ coding: [{ system: SCT, code, display }], ...(text ? { text } : {}) });

const CODING = 'code display originalTerm';
const WARN = 'code resourceType resourceId';
const QUERY = /* GraphQL */ `
  query($n: String!) { patient(nhsNumber: $n) { ... on Patient {
    allergies { status warnings { ${WARN} } assertions { id kind code { ${CODING} } date } items { id code { ${CODING} } } notes }
    immunisations(includeNotGiven: true) { status assertions { id kind code { ${CODING} } date note } items { id given reasonNotGiven { ${CODING} } warnings { ${WARN} } } }
    medications { status items { id medication { ${CODING} } warnings { ${WARN} } } }
    problems { items { id relatedProblems { type problemId } linkedItems { resourceType id } } }
    consultations { status items { id participants { name } durationMinutes warnings { code message }
      topics { title problem { resourceType id } headings { title entries { text code { ${CODING} } item { resourceType id } components { code { code } value unit } } } } } }
  } } }`;

describe.each(await availableBackends())('GP Connect clinical fidelity (%s)', (backend) => {
  const read = builtRecordReader<Record<string, Json>>(backend, QUERY);

  it('shows "no known drug allergy" as an assertion and consent to immunisation as a fact, never as nothing recorded', async () => {
    const record = await read(
      bundle(
        list('886921000000105', 'Allergies and adverse reaction', ['AllergyIntolerance/nkda'], { note: [{ text: 'Checked with patient' }] }),
        { resourceType: 'AllergyIntolerance', id: 'nkda', clinicalStatus: 'active', assertedDate: '2020-02-01', code: sct('409137002', 'No known drug allergy') },
        list('1102181000000102', 'Immunisations', ['Observation/consent1', 'Immunization/i1']),
        { resourceType: 'Observation', id: 'consent1', status: 'final', effectiveDateTime: '2021-09-01', code: sct('310578008', 'Immunisation consent given', 'Consent given for flu vaccine') },
        {
          resourceType: 'Immunization',
          id: 'i1',
          notGiven: true,
          date: '2021-10-01',
          vaccineCode: sct('871751000000104', 'Influenza vaccine'),
          explanation: { notGivenReason: [sct('591000119102', 'Vaccine refused by patient')] },
          manufacturer: { reference: 'Organization/gone' },
        },
      ),
    );
    expect(record.allergies).toEqual({
      status: 'RECORDED',
      warnings: [],
      items: [],
      assertions: [{ id: 'nkda', kind: 'NO_KNOWN', code: { code: '409137002', display: 'No known drug allergy', originalTerm: 'No known drug allergy' }, date: '2020-02-01' }],
      notes: ['Checked with patient'],
    });
    expect(record.immunisations).toEqual({
      status: 'RECORDED',
      assertions: [
        { id: 'consent1', kind: 'IMMUNISATION_STATUS', code: { code: '310578008', display: 'Immunisation consent given', originalTerm: 'Consent given for flu vaccine' }, date: '2021-09-01', note: null },
      ],
      items: [
        {
          id: 'i1',
          given: false,
          reasonNotGiven: { code: '591000119102', display: 'Vaccine refused by patient', originalTerm: 'Vaccine refused by patient' },
          warnings: [{ code: 'UNRESOLVED_REFERENCE', resourceType: 'Organization', resourceId: 'gone' }],
        },
      ],
    });
  });

  it('keeps a consultation as topics, headings and coded entries with components, and names what the provider could not send', async () => {
    const record = await read(
      bundle(
        { resourceType: 'Practitioner', id: 'p1', name: [{ family: 'Gilbert', given: ['Nichole'], prefix: ['Dr'] }] },
        list('1149501000000101', 'Consultations', ['Encounter/enc1']),
        {
          resourceType: 'Encounter',
          id: 'enc1',
          period: { start: '2019-03-28T10:30:00+00:00' },
          length: { value: 15, unit: 'minutes', code: 'min' },
          participant: [{ individual: { reference: 'Practitioner/p1' } }, { individual: { reference: 'Practitioner/absent' } }],
        },
        list('325851000000107', 'Surgery consultation', ['List/topic1'], { id: 'consultation1', encounter: { reference: 'Encounter/enc1' } }),
        list('25851000000105', 'Hypertension review', ['List/heading1', { display: 'Referral items are not supported by the provider system' }], {
          id: 'topic1',
          extension: [{ url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedProblemHeader-1', extension: [{ url: 'type', valueCode: 'child' }, { url: 'target', valueReference: { reference: 'Condition/c1' } }] }],
        }),
        list('24781000000107', 'Examination', ['Observation/bp', 'MedicationRequest/mr1'], { id: 'heading1' }),
        {
          resourceType: 'Observation',
          id: 'bp',
          code: sct('163020007', 'O/E - blood pressure reading'),
          component: [
            { code: sct('72313002', 'Systolic arterial pressure'), valueQuantity: { value: 142, unit: 'mm[Hg]' } },
            { code: sct('1091811000000102', 'Diastolic arterial pressure'), valueQuantity: { value: 91, unit: 'mm[Hg]' } },
          ],
        },
        { resourceType: 'MedicationRequest', id: 'mr1', intent: 'plan', medicationReference: { reference: 'Medication/missing-drug' }, dosageInstruction: [{ text: 'One daily' }] },
        list('717711000000103', 'Problems', ['Condition/c1', 'Condition/c2']),
        {
          resourceType: 'Condition',
          id: 'c1',
          clinicalStatus: 'active',
          code: sct('38341003', 'Hypertension'),
          extension: [{ url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedClinicalContent-1', valueReference: { reference: 'Observation/bp' } }],
        },
        {
          resourceType: 'Condition',
          id: 'c2',
          clinicalStatus: 'active',
          code: sct('73211009', 'Diabetes mellitus'),
          extension: [{ url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedProblemHeader-1', extension: [{ url: 'type', valueCode: 'parent' }, { url: 'target', valueReference: { reference: 'Condition/c1' } }] }],
        },
        list('933361000000108', 'Medications and medical devices', ['MedicationStatement/ms1']),
        { resourceType: 'MedicationStatement', id: 'ms1', status: 'active', medicationReference: { reference: 'Medication/missing-drug' }, medicationCodeableConcept: sct('318420003', 'Lisinopril 10mg tablets') },
      ),
    );
    const consultation = (record.consultations!.items as Json[])[0]!;
    expect(consultation).toEqual({
      id: 'enc1',
      participants: [{ name: 'Dr Nichole Gilbert' }],
      durationMinutes: 15,
      warnings: [
        { code: 'UNRESOLVED_REFERENCE', message: expect.stringMatching(/medication/) },
        { code: 'NOT_SUPPORTED_BY_PROVIDER', message: 'The clinical system reported: Referral items are not supported by the provider system.' },
        { code: 'UNRESOLVED_REFERENCE', message: expect.stringMatching(/participant/) },
      ],
      topics: [
        {
          title: 'Hypertension review',
          problem: { resourceType: 'Condition', id: 'c1' },
          headings: [
            {
              title: 'Examination',
              entries: [
                {
                  text: 'O/E - blood pressure reading',
                  code: { code: '163020007', display: 'O/E - blood pressure reading', originalTerm: 'O/E - blood pressure reading' },
                  item: { resourceType: 'Observation', id: 'bp' },
                  components: [
                    { code: { code: '72313002' }, value: 142, unit: 'mm[Hg]' },
                    { code: { code: '1091811000000102' }, value: 91, unit: 'mm[Hg]' },
                  ],
                },
                // Its drug is missing from the answer: shown by its dosage, without a code, with a warning above.
                { text: 'One daily', code: null, item: { resourceType: 'MedicationRequest', id: 'mr1' }, components: [] },
              ],
            },
          ],
        },
      ],
    });
    expect(record.problems!.items).toEqual([
      { id: 'c1', relatedProblems: [], linkedItems: [{ resourceType: 'Observation', id: 'bp' }] },
      { id: 'c2', relatedProblems: [{ type: 'PARENT', problemId: 'c1' }], linkedItems: [] },
    ]);
    // The drug behind the statement is not in the bundle: the item says so instead of a quiet fallback.
    expect(record.medications!.items).toEqual([
      {
        id: 'ms1',
        medication: { code: '318420003', display: 'Lisinopril 10mg tablets', originalTerm: 'Lisinopril 10mg tablets' },
        warnings: [{ code: 'UNRESOLVED_REFERENCE', resourceType: 'Medication', resourceId: 'missing-drug' }],
      },
    ]);
  });
});
