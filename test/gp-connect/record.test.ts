// A practice served by GP Connect answers the record query with the same shapes as the sandbox.
// The provider is a local HTTP server answering with the published GP Connect examples; each test
// checks, field by field, what the API returns for one example.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/backends.js';
import { GP_CLINICIAN, GP_PRACTICE, startGpConnectEstate, type GpConnectEstate } from './support/estate.js';
import { JANE, JOHN } from './support/fixtures.js';
import { FULL_RECORD, type Section } from './support/queries.js';

const SCT = 'http://snomed.info/sct';
const GILBERT = { name: 'Miss Nichole Gilbert', role: 'General Medical Practitioner' };

type Patient = Record<string, unknown> & Record<'allergies' | 'medications' | 'problems' | 'immunisations' | 'consultations' | 'investigations' | 'referrals' | 'uncategorised' | 'diaryEntries', Section>;

describe.each(await availableBackends())('GP Connect structured record (%s)', (backend) => {
  let estate: GpConnectEstate;
  let token: string;
  let jane: Patient;
  let john: Patient;

  beforeAll(async () => {
    estate = await startGpConnectEstate(backend);
    token = await estate.app.tokenFor(GP_CLINICIAN);
    const read = async (nhsNumber: string) => {
      const response = await estate.app.gql<{ patient: Patient }>(FULL_RECORD, { nhsNumber }, token);
      expect(response.errors).toBeUndefined();
      return response.data!.patient;
    };
    jane = await read(JANE);
    john = await read(JOHN);
  });
  afterAll(() => estate.close());

  it('reads demographics with find patient', () => {
    expect(jane).toMatchObject({
      __typename: 'Patient',
      nhsNumber: JANE,
      givenName: 'Jane',
      familyName: 'Jackson',
      birthDate: '1952-05-31',
      gender: 'female',
      practice: { odsCode: GP_PRACTICE.odsCode, sandbox: false },
    });
    expect(john).toMatchObject({ givenName: 'John', familyName: 'REARDON', birthDate: '1974-12-29' });
  });

  it('maps allergies: active and resolved lists, reactions with severity, recorder; a missing listed item is a warning', () => {
    const { allergies } = jane;
    expect(allergies.status).toBe('RECORDED');
    expect(allergies.warnings.map((w) => w.code)).toEqual(['UNRESOLVED_REFERENCE']);
    expect(allergies.items).toEqual([
      {
        id: '6bff710a-0bdc-4c9b-b98b-40db0a107edc',
        code: { system: SCT, code: '323509004', display: 'Amoxicillin 250mg capsules' },
        clinicalStatus: 'ACTIVE',
        category: 'MEDICATION',
        onsetDate: null,
        assertedDate: '2012-05-07',
        endDate: null,
        reactions: [{ manifestation: { system: SCT, code: '304386008', display: 'O/E - itchy rash' }, severity: 'MILD', description: null }],
        note: 'Certainty: Likely, Severity: Minimal, NOTES: Some freetext notes',
        recorder: GILBERT,
      },
      {
        id: '5eb0f76a-cecb-4b83-999d-ddb76e551a9b',
        code: { system: SCT, code: '256349002', display: 'Peanut - dietary' },
        clinicalStatus: 'ACTIVE',
        category: 'ENVIRONMENT',
        onsetDate: null,
        assertedDate: '2016-02-08',
        endDate: null,
        reactions: [{ manifestation: { system: SCT, code: '241933001', display: 'Peanut-induced anaphylaxis' }, severity: 'SEVERE', description: 'Anaphalactic shock' }],
        note: 'Certainty: Certain, Severity: Life Threatening, NOTES: notes on the peanut allergy',
        recorder: GILBERT,
      },
      {
        id: 'd92b7d42-554d-4c92-b829-e76508185702',
        code: { system: SCT, code: '196461000000101', display: 'Transfer-degraded drug allergy' },
        clinicalStatus: 'ACTIVE',
        category: 'MEDICATION',
        onsetDate: null,
        assertedDate: '2016-01-08',
        endDate: null,
        reactions: [],
        note: 'NOTES: This was entered incorrectly on the source system as a history/journal entry and not as a drug allergy',
        recorder: GILBERT,
      },
      {
        id: 'Resolved-1',
        code: { system: SCT, code: '319773006', display: 'Aspirin 75mg dispersible tablet' },
        clinicalStatus: 'RESOLVED',
        category: 'MEDICATION',
        onsetDate: null,
        assertedDate: '2011-05-07',
        endDate: '2018-03-01',
        reactions: [{ manifestation: { system: SCT, code: '422400008', display: 'Vomiting' }, severity: 'SEVERE', description: null }],
        note: 'Allergy Type: Adverse Reaction, Certainty: Absolute, Severity: Very Severe, NOTES: Some freetext notes',
        recorder: GILBERT,
      },
    ]);
  });

  it('maps medications: statement, plan and issues with dosage, quantity and prescription type', () => {
    const { medications } = jane;
    expect(medications).toMatchObject({ status: 'RECORDED', warnings: [] });
    expect(medications.items).toEqual([
      {
        id: '6bff710a-0bdc-4c9b-b98b-40db0a107edc',
        medication: { system: SCT, code: '323509004', display: 'Amoxicillin 250mg capsules' },
        dosageText: 'TAKE ONE DAILY',
        quantityText: '28 capsule(s)',
        prescriptionType: 'ACUTE',
        status: 'COMPLETED',
        startDate: '2016-05-10',
        endDate: null,
        issues: [{ id: 'ca89c863-1569-4e0f-ae8c-31bf98367555', issueDate: '2016-05-10', quantityText: '28 capsule(s)', issueNumber: 1 }],
        prescriber: GILBERT,
      },
      {
        id: '791ceb40-db0a-491d-ab0f-22f5a08509fd',
        medication: { system: SCT, code: '319773006', display: 'Aspirin 75mg dispersible tablets' },
        dosageText: 'TAKE ONE DAILY',
        quantityText: '84 tablets(s)',
        prescriptionType: 'REPEAT',
        status: 'ACTIVE',
        startDate: '2016-08-11',
        endDate: null,
        issues: [
          { id: '8afe3af9-995d-4ccc-9211-f8c2620be670', issueDate: '2016-08-11', quantityText: '84 tablet(s)', issueNumber: 1 },
          { id: 'a946012a-283b-46c4-8312-e1312a54ab9c', issueDate: '2016-09-11', quantityText: '84 tablet(s)', issueNumber: 2 },
        ],
        prescriber: GILBERT,
      },
    ]);
  });

  it('maps immunisations: the vaccination procedure names the vaccine when the product is the UNK null flavour', () => {
    expect(jane.immunisations).toEqual({
      status: 'RECORDED',
      warnings: [],
      items: [
        {
          id: 'eba25af1-5b74-4790-aa5a-2134fd27ad45',
          vaccine: { system: SCT, code: '170378007', display: 'First hepatitis A vaccination' },
          date: '2019-06-28',
          given: true,
          doseSequence: 1,
          reasonNotGiven: null,
          note: 'Notes on adminstration of vaccine',
        },
      ],
    });
  });

  it('maps pathology: report -> test group -> results with values, units and reference ranges; specimen', () => {
    const { investigations } = john;
    expect(investigations).toMatchObject({ status: 'RECORDED', warnings: [] });
    expect(investigations.items).toHaveLength(1);
    const [fbc] = investigations.items as Array<Record<string, unknown> & { results: Array<Record<string, unknown>> }>;
    expect(fbc).toMatchObject({
      id: 'efae5859-28df-4e7d-be91-6df56d8215e4',
      date: '2019-04-01',
      code: { system: SCT, code: '26604007', display: 'FBC - Full blood count' },
      status: 'final',
      specimen: 'Venous blood specimen',
    });
    expect(fbc!.results).toHaveLength(18);
    const result = (display: string) => fbc!.results.find((r) => (r.code as { display: string }).display === display);
    expect(result('Total white cell count')).toEqual({
      id: 'dacb177a-9501-4dcc-8b22-b941791ae067',
      code: { system: SCT, code: '1022541000000102', display: 'Total white cell count' },
      value: 5.7,
      valueText: null,
      unit: '10*9/L',
      referenceRange: { low: 3.5, high: 11, text: null },
      interpretation: null,
      comment: null,
    });
    expect(result('Red blood cell count')).toMatchObject({ value: 4.57, unit: '10*12/L', referenceRange: { low: null, high: null, text: 'less than 3.8 to 5' } });
    expect(result('Haemoglobin estimation')).toMatchObject({ value: 142, unit: 'g/dL', referenceRange: { low: 115, high: 150 } });
    expect(result('Percentage neutrophils')).toMatchObject({ value: 77.7, unit: '%', referenceRange: null });
    expect(result('Percentage basophils')).toMatchObject({ value: 0, unit: '%' });
    expect(result('Basophil count')).toMatchObject({ value: 0.06, unit: '10*9/L', referenceRange: { low: 0.02, high: 0.1, text: null } });
  });

  it('maps referrals in list order', () => {
    expect(jane.referrals).toEqual({
      status: 'RECORDED',
      warnings: [],
      items: [
        {
          id: 'Consultation1-Topic1-Category-Plan-ReferralRequest-1',
          date: '2019-03-28',
          reason: { system: SCT, code: '308448008', display: 'Referral to counselor' },
          specialty: null,
          priority: 'ROUTINE',
          status: 'unknown',
          recipient: 'Dr Dave',
          note: null,
        },
        {
          id: 'Consultation1-Topic5-Category-Plan-ReferralRequest-1',
          date: '2019-03-28',
          reason: { system: SCT, code: '308447003', display: 'Referral to physiotherapist' },
          specialty: null,
          priority: 'ROUTINE',
          status: 'unknown',
          recipient: 'Dr Dave',
          note: 'Referral due to swollen legs',
        },
      ],
    });
  });

  it('maps uncategorised observations, keeping codes exactly as sent', () => {
    expect(jane.uncategorised).toEqual({
      status: 'RECORDED',
      warnings: [],
      items: [
        {
          id: 'Consultation1-topic2-category-Examination-Observation-1',
          date: '2019-03-28',
          code: { system: SCT, code: '703421000', display: 'Temperature' },
          value: 36.7,
          valueText: null,
          unit: 'C',
          components: [],
        },
        {
          id: 'Consultation1-topic2-category-Examination-Observation-2',
          date: '2019-03-28',
          code: { system: SCT, code: '1097811000000106', display: 'Arterial oxygen saturation breathing room air at rest' },
          value: 96,
          valueText: null,
          unit: '%',
          components: [],
        },
        {
          id: 'Consultation1-topic2-category-Examination-Observation-3',
          date: '2019-03-28',
          // The published example has a leading space in this code; we do not "correct" source data.
          code: { system: SCT, code: ' 86290005', display: 'Respiratory rate' },
          value: 16,
          valueText: null,
          unit: 'breaths per minute',
          components: [],
        },
      ],
    });
  });

  it('maps diary entries (ProcedureRequest) with their planned dates', () => {
    expect(jane.diaryEntries).toEqual({
      status: 'RECORDED',
      warnings: [],
      items: [
        { id: 'eba25af1-5b74-4790-aa5a-2134fd27ad45', plannedDate: '2019-05-02', code: { system: SCT, code: '314529007', display: 'Medication review due' }, status: 'active', note: null },
        { id: 'eba25af1-5b74-4790-aa5a-2134fd57ad45', plannedDate: '2019-05-01', code: { system: SCT, code: '408490001', display: 'Antipsychotic drug therapy' }, status: 'active', note: null },
      ],
    });
  });

  it('reads a List with an emptyReason as NOTHING_RECORDED, not as an error', () => {
    for (const section of [jane.problems, jane.consultations, jane.investigations, john.allergies, john.medications]) {
      expect(section).toEqual({ status: 'NOTHING_RECORDED', warnings: [], items: [] });
    }
  });

  it('keeps resolved allergies out unless asked for', async () => {
    const response = await estate.app.gql<{ patient: { allergies: Section<{ id: string; clinicalStatus: string }> } }>(
      `query($n: String!) { patient(nhsNumber: $n) { ... on Patient { allergies { status items { id clinicalStatus } } } } }`,
      { n: JANE },
      token,
    );
    const { allergies } = response.data!.patient;
    expect(allergies.status).toBe('RECORDED');
    expect(allergies.items.map((a) => a.clinicalStatus)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
  });
});
