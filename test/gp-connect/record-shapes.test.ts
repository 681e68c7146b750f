// Structured-record answers the published examples do not show, built here in the shapes the GP
// Connect specification describes: consultations (Encounter + consultation, topic and heading
// Lists), List warnings, OperationOutcome issues inside the Bundle, and unknown or malformed content.
import { describe, expect, it } from 'vitest';
import { availableBackends } from '../support/backends.js';
import { SCT, builtRecordReader, bundle, list } from './support/built-records.js';
import { SECTION_FIELDS, type Section } from './support/queries.js';

const LIST_WARNING = 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-ListWarningCode-1';

const practitioner = { resourceType: 'Practitioner', id: 'p1', name: [{ family: 'Gilbert', given: ['Nichole'], prefix: ['Dr'] }] };

const RECORD = /* GraphQL */ `
  query($n: String!) { patient(nhsNumber: $n) { ... on Patient {
    allergies { ${SECTION_FIELDS.allergies} } medications { ${SECTION_FIELDS.medications} } problems { ${SECTION_FIELDS.problems} }
    consultations { ${SECTION_FIELDS.consultations} } immunisations { ${SECTION_FIELDS.immunisations} } } } }`;
type Record5 = Record<'allergies' | 'medications' | 'problems' | 'consultations' | 'immunisations', Section>;

describe.each(await availableBackends())('GP Connect record shapes (%s)', (backend) => {
  const readWith = builtRecordReader<Record5>(backend, RECORD);

  it('assembles consultations from the encounter, its consultation List, topics and headings', async () => {
    const record = await readWith(
      bundle(
        practitioner,
        { resourceType: 'Location', id: 'loc1', name: 'The Trevelyan Practice' },
        list('1149501000000101', 'Consultations', ['Encounter/enc1']),
        {
          resourceType: 'Encounter',
          id: 'enc1',
          period: { start: '2019-03-28T10:30:00+00:00' },
          type: [{ text: 'Surgery consultation' }],
          participant: [{ type: [{ coding: [{ code: 'PPRF' }] }], individual: { reference: 'Practitioner/p1' } }],
          location: [{ location: { reference: 'Location/loc1' } }],
        },
        list('325851000000107', 'Surgery consultation', ['List/topic1'], { id: 'consultation1', encounter: { reference: 'Encounter/enc1' } }),
        list('25851000000105', 'Swollen legs', ['List/heading1', 'Condition/c1'], { id: 'topic1' }),
        list('24781000000107', 'Examination', ['Observation/o1', 'Observation/o2'], { id: 'heading1' }),
        { resourceType: 'Observation', id: 'o1', code: { coding: [{ system: SCT, code: '703421000', display: 'Temperature' }] }, valueQuantity: { value: 36.7, unit: 'C' } },
        { resourceType: 'Observation', id: 'o2', code: { coding: [{ system: SCT, code: '364075005', display: 'Heart rate' }] }, valueQuantity: { value: 72, unit: 'beats/min' }, comment: 'regular' },
        { resourceType: 'Condition', id: 'c1', code: { coding: [{ system: SCT, code: '449614009', display: 'Swelling of lower limb (finding)' }] } },
      ),
    );
    expect(record.consultations).toEqual({
      status: 'RECORDED',
      warnings: [],
      items: [
        {
          id: 'enc1',
          date: '2019-03-28',
          type: 'Surgery consultation',
          practitioner: { name: 'Dr Nichole Gilbert', role: null },
          location: 'The Trevelyan Practice',
          entries: [
            { heading: 'Examination', text: 'Temperature: 36.7 C' },
            { heading: 'Examination', text: 'Heart rate: 72 beats/min (regular)' },
            { heading: 'Swollen legs', text: 'Swelling of lower limb (finding)' },
          ],
        },
      ],
    });
  });

  it('tells withheld, nothing recorded, not supplied and flagged sections apart', async () => {
    const record = await readWith(
      bundle(
        // Only confidential content: WITHHELD, never an empty list.
        list('886921000000105', 'Allergies and adverse reactions', [], {
          extension: [{ url: LIST_WARNING, valueCode: 'confidential-items' }],
          note: [{ text: 'Items excluded due to confidentiality and/or patient preferences.' }],
          emptyReason: { coding: [{ system: 'http://hl7.org/fhir/list-empty-reason', code: 'withheld' }] },
        }),
        // Content plus a warning that more is on its way: RECORDED with the warning.
        list('933361000000108', 'Medications and medical devices', ['MedicationStatement/ms1'], { extension: [{ url: LIST_WARNING, valueCode: 'data-in-transit' }] }),
        { resourceType: 'MedicationStatement', id: 'ms1', status: 'active', medicationCodeableConcept: { coding: [{ system: 'https://dmd.nhs.uk', code: '39732311000001104', display: 'Amlodipine 5mg tablets' }] }, dosage: [{ text: 'One a day' }] },
        list('1102181000000102', 'Immunisations', [], { emptyReason: { coding: [{ system: 'http://hl7.org/fhir/list-empty-reason', code: 'nilknown' }] } }),
        // No problems List, and the provider says why.
        {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'warning', code: 'not-supported', details: { coding: [{ code: 'NOT_IMPLEMENTED', display: 'Not implemented' }] }, diagnostics: 'includeProblems is not supported' }],
        },
      ),
    );
    expect(record.allergies).toEqual({
      status: 'WITHHELD',
      items: [],
      warnings: [
        { code: 'WITHHELD', message: 'Items in this section are withheld for this patient.' },
        { code: 'CONFIDENTIAL_ITEMS', message: expect.stringContaining('confidential') },
      ],
    });
    expect(record.medications.status).toBe('RECORDED');
    expect(record.medications.warnings.map((w) => w.code)).toEqual(['DATA_IN_TRANSIT']);
    expect(record.medications.items).toMatchObject([{ id: 'ms1', medication: { system: 'https://dmd.nhs.uk', code: '39732311000001104', display: 'Amlodipine 5mg tablets' }, dosageText: 'One a day', prescriptionType: 'OTHER', issues: [] }]);
    expect(record.immunisations).toEqual({ status: 'NOTHING_RECORDED', items: [], warnings: [] });
    expect(record.problems).toEqual({ status: 'NOT_SUPPLIED', items: [], warnings: [{ code: 'NOT_IMPLEMENTED', message: 'The clinical system reported: Not implemented.' }] });
    // A requested section without a List and without an issue naming it is simply not supplied.
    expect(record.consultations).toEqual({ status: 'NOT_SUPPLIED', items: [], warnings: [] });
  });

  it('puts an issue that names no section on every requested section', async () => {
    const record = await readWith(bundle({ resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'processing', diagnostics: 'partial answer\u0000<script>' }] }));
    for (const section of Object.values(record)) {
      expect(section).toEqual({ status: 'NOT_SUPPLIED', items: [], warnings: [{ code: 'PROCESSING', message: 'The clinical system reported a problem with this part of the request.' }] });
    }
  });

  it('ignores unknown resources and extensions, survives malformed elements and says what it could not show', async () => {
    const record = await readWith(
      bundle(
        { resourceType: 'Flag', id: 'f1', extension: 'not-an-array', code: 42 },
        { resourceType: 'List', title: 12, entry: 'nonsense' },
        list('886921000000105', 'Allergies', ['AllergyIntolerance/a1', 'AllergyIntolerance/a2', 'AllergyIntolerance/missing', 'Flag/f1', 'AllergyIntolerance/a3']),
        {
          resourceType: 'AllergyIntolerance',
          id: 'a1',
          extension: [{ url: 'https://example.org/unknown', valueWhatever: { deep: [1, 2, 3] } }, 'junk'],
          code: { coding: { system: SCT, code: '91936005', display: 'Allergy to penicillin' } },
          clinicalStatus: 'active',
          category: 42,
          reaction: ['not a reaction', { severity: 'apocalyptic', manifestation: 'rash' }],
          assertedDate: 'yesterday',
          note: [{ text: 7 }],
          recorder: { reference: 12 },
        },
        { resourceType: 'AllergyIntolerance', id: 'a2', clinicalStatus: 'active' },
        // Values that name properties of every JavaScript object must not be mistaken for known codes.
        { resourceType: 'AllergyIntolerance', id: 'a3', code: { text: 'Latex' }, clinicalStatus: '__proto__', category: ['toString'], reaction: [{ severity: 'constructor' }] },
        list('933361000000108', 'Medications and medical devices', ['MedicationStatement/gone']),
        list('1102181000000102', 'Immunisations', ['Immunization/i1']),
        { resourceType: 'Immunization', id: 'i1', notGiven: true, date: '2020-01-01', vaccineCode: { coding: [{ system: SCT, code: '871751000000104', display: 'Influenza vaccine' }] }, explanation: { reasonNotGiven: [{ coding: [{ system: SCT, code: '591000119102', display: 'Vaccine refused by patient' }] }] }, vaccinationProtocol: [{ doseSequence: 'two' }] },
      ),
    );
    expect(record.allergies.status).toBe('RECORDED');
    expect(record.allergies.items).toEqual([
      {
        id: 'a1',
        code: { system: SCT, code: '91936005', display: 'Allergy to penicillin' },
        clinicalStatus: 'ACTIVE',
        category: null,
        onsetDate: null,
        assertedDate: null,
        endDate: null,
        reactions: [{ manifestation: null, severity: null, description: null }],
        note: null,
        recorder: null,
      },
      {
        id: 'a3',
        code: { system: '', code: '', display: 'Latex' },
        clinicalStatus: 'ACTIVE',
        category: 'OTHER',
        onsetDate: null,
        assertedDate: null,
        endDate: null,
        reactions: [{ manifestation: null, severity: null, description: null }],
        note: null,
        recorder: null,
      },
    ]);
    // a2 has no code, AllergyIntolerance/missing is not in the bundle, a Flag is no allergy: each is named.
    expect(record.allergies.warnings.map((w) => w.code)).toEqual(['UNMAPPED_ITEM', 'UNRESOLVED_REFERENCE', 'UNMAPPED_ITEM']);
    // Listed content that could not be shown is not "nothing recorded".
    expect(record.medications).toMatchObject({ status: 'UNAVAILABLE', items: [], warnings: [{ code: 'UNRESOLVED_REFERENCE' }] });
    expect(record.immunisations.items).toEqual([
      {
        id: 'i1',
        vaccine: { system: SCT, code: '871751000000104', display: 'Influenza vaccine' },
        date: '2020-01-01',
        given: false,
        doseSequence: null,
        reasonNotGiven: { system: SCT, code: '591000119102', display: 'Vaccine refused by patient' },
        note: null,
      },
    ]);
  });
});
