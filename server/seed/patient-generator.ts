// One synthetic patient and their structured record, derived only from (seed, NHS number, anchor
// date): the same inputs always give the same rows.
import type * as t from '../db/schema/sandbox.js';
import type { Section } from '../domain/sections.js';
import * as codes from './codes.js';
import { Random, addDays, isoDate } from './random.js';

type Row<T extends { $inferInsert: unknown }> = T['$inferInsert'];

export interface PatientRows {
  patient: Row<typeof t.sbPatients>;
  allergies: Row<typeof t.sbAllergies>[];
  medications: Row<typeof t.sbMedications>[];
  problems: Row<typeof t.sbProblems>[];
  immunisations: Row<typeof t.sbImmunisations>[];
  consultations: Row<typeof t.sbConsultations>[];
  investigations: Row<typeof t.sbInvestigations>[];
  referrals: Row<typeof t.sbReferrals>[];
  observations: Row<typeof t.sbObservations>[];
  diaryEntries: Row<typeof t.sbDiaryEntries>[];
}

function times<T>(n: number, make: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

/** `withheld`: sections the practice withholds for this patient (e.g. confidential consultations). */
export function generatePatient(seed: number, nhsNumber: string, practiceOds: string, anchor: Date, withheld: Section[] = []): PatientRows {
  const r = Random.for(seed, 'patient', nhsNumber);
  const age = r.int(0, 95);
  const birth = addDays(anchor, -(age * 365 + r.int(0, 364)));
  const daysAgo = (maxDays: number) => isoDate(addDays(anchor, -r.int(1, Math.max(1, maxDays))));
  const clinician = () => r.pick(codes.CLINICIANS);
  const id = (kind: string, i: number) => `${nhsNumber}-${kind}-${i}`;

  const patient = {
    nhsNumber,
    practiceOds,
    givenName: r.pick(codes.GIVEN_NAMES),
    familyName: r.pick(codes.FAMILY_NAMES),
    birthDate: isoDate(birth),
    gender: r.pick(['female', 'male', 'female', 'male', 'other', 'unknown'] as const),
    withheldSections: withheld,
  };

  const allergens = r.sample(codes.ALLERGENS, r.chance(0.35) ? r.int(1, 3) : 0);
  const allergies = allergens.map((allergen, i) => {
    const resolved = r.chance(0.2);
    const reaction = r.chance(0.8) ? r.pick(codes.REACTIONS) : null;
    return {
      id: id('allergy', i),
      nhsNumber,
      code: allergen.coding.code,
      display: allergen.coding.display,
      category: allergen.category,
      clinicalStatus: resolved ? 'RESOLVED' : 'ACTIVE',
      onsetDate: daysAgo(age * 300),
      assertedDate: daysAgo(age * 200),
      endDate: resolved ? daysAgo(200) : null,
      reactionCode: reaction?.code ?? null,
      reactionDisplay: reaction?.display ?? null,
      severity: reaction ? r.pick(['MILD', 'MODERATE', 'SEVERE']) : null,
      note: null,
      recorder: clinician(),
    };
  });

  const medications = r.sample(codes.MEDICINES, r.chance(0.7) ? r.int(1, 5) : 0).map((medicine, i) => {
    const start = addDays(anchor, -r.int(20, 900));
    const stopped = !medicine.repeat || r.chance(0.15);
    const issueCount = medicine.repeat ? r.int(1, 6) : 1;
    return {
      id: id('medication', i),
      nhsNumber,
      dmdCode: medicine.coding.code,
      display: medicine.coding.display,
      dosageText: medicine.dosage,
      quantityText: medicine.quantity,
      prescriptionType: medicine.repeat ? 'REPEAT' : 'ACUTE',
      status: stopped ? (medicine.repeat ? 'STOPPED' : 'COMPLETED') : 'ACTIVE',
      startDate: isoDate(start),
      endDate: stopped ? isoDate(addDays(start, 28 * issueCount)) : null,
      prescriber: clinician(),
      issues: times(issueCount, (n) => ({
        id: id(`medication-${i}-issue`, n),
        issueDate: isoDate(addDays(start, 28 * n)),
        quantityText: medicine.quantity,
        issueNumber: n + 1,
      })),
    };
  });

  const problems = r.sample(codes.PROBLEMS, r.int(0, 4)).map((coding, i) => {
    const active = r.chance(0.6);
    return {
      id: id('problem', i),
      nhsNumber,
      code: coding.code,
      display: coding.display,
      status: active ? 'ACTIVE' : 'INACTIVE',
      significance: r.chance(0.5) ? 'MAJOR' : 'MINOR',
      onsetDate: daysAgo(age * 300),
      endDate: active ? null : daysAgo(100),
      note: null,
    };
  });

  const immunisations = times(r.int(0, 4), (i) => {
    const given = r.chance(0.9);
    const vaccine = r.pick(codes.VACCINATIONS);
    return {
      id: id('immunisation', i),
      nhsNumber,
      code: vaccine.code,
      display: vaccine.display,
      date: daysAgo(age * 300),
      given,
      doseSequence: r.int(1, 3),
      reasonNotGivenCode: given ? null : codes.NOT_GIVEN_REASON.code,
      reasonNotGivenDisplay: given ? null : codes.NOT_GIVEN_REASON.display,
    };
  });

  const consultations = times(r.int(1, 6), (i) => {
    const problem = r.pick(codes.PROBLEMS);
    return {
      id: id('consultation', i),
      nhsNumber,
      date: daysAgo(1500),
      type: r.pick(['Surgery consultation', 'Telephone consultation', 'Home visit', 'Video consultation']),
      practitioner: clinician(),
      location: 'Main surgery',
      entries: [
        { heading: 'History', text: `Presents with symptoms related to ${problem.display.toLowerCase()}.` },
        { heading: 'Examination', text: r.pick(['No abnormality detected.', 'Mild tenderness.', 'Chest clear.']) },
        { heading: 'Plan', text: r.pick(['Review in two weeks.', 'Safety-netting advice given.', 'Bloods requested.']) },
      ],
    };
  });

  const investigations = times(r.chance(0.5) ? r.int(1, 2) : 0, (i) => ({
    id: id('investigation', i),
    nhsNumber,
    date: daysAgo(700),
    code: codes.FULL_BLOOD_COUNT.panel.code,
    display: codes.FULL_BLOOD_COUNT.panel.display,
    status: 'final',
    specimen: 'Venous blood specimen',
    results: codes.FULL_BLOOD_COUNT.tests.map((test, n) => {
      const spread = test.high - test.low;
      const value = Math.round((test.low - spread * 0.2 + r.next() * spread * 1.4) * 10) / 10;
      return {
        id: id(`investigation-${i}-result`, n),
        code: test.coding.code,
        display: test.coding.display,
        value,
        unit: test.unit,
        low: test.low,
        high: test.high,
        interpretation: value < test.low ? 'LOW' : value > test.high ? 'HIGH' : 'NORMAL',
      };
    }),
  }));

  const referrals = times(r.chance(0.3) ? r.int(1, 2) : 0, (i) => {
    const referral = r.pick(codes.REFERRALS);
    return {
      id: id('referral', i),
      nhsNumber,
      date: daysAgo(600),
      reasonCode: referral.coding.code,
      reasonDisplay: referral.coding.display,
      specialty: referral.specialty,
      priority: r.pick(['ROUTINE', 'ROUTINE', 'URGENT', 'TWO_WEEK_WAIT']),
      status: r.pick(['active', 'completed']),
      recipient: `${referral.specialty} service`,
    };
  });

  const observations = times(r.int(1, 3), (i) => {
    const date = daysAgo(800);
    if (i === 0) {
      const systolic = r.int(105, 165);
      const diastolic = r.int(60, 100);
      return {
        id: id('observation', i),
        nhsNumber,
        date,
        code: codes.OBSERVATIONS.bloodPressure.code,
        display: codes.OBSERVATIONS.bloodPressure.display,
        value: null,
        unit: null,
        components: [
          { ...codes.OBSERVATIONS.systolic, value: systolic, unit: 'mm[Hg]' },
          { ...codes.OBSERVATIONS.diastolic, value: diastolic, unit: 'mm[Hg]' },
        ],
      };
    }
    const weight = i === 1;
    const coding = weight ? codes.OBSERVATIONS.weight : codes.OBSERVATIONS.temperature;
    return {
      id: id('observation', i),
      nhsNumber,
      date,
      code: coding.code,
      display: coding.display,
      value: weight ? r.int(40, 120) : Math.round((36 + r.next() * 2.5) * 10) / 10,
      unit: weight ? 'kg' : 'Cel',
      components: [],
    };
  });

  const diaryEntries = times(r.chance(0.4) ? r.int(1, 2) : 0, (i) => {
    const coding = r.pick(codes.DIARY);
    return {
      id: id('diary', i),
      nhsNumber,
      plannedDate: isoDate(addDays(anchor, r.int(7, 180))),
      code: coding.code,
      display: coding.display,
      status: 'active',
      note: null,
    };
  });

  return { patient, allergies, medications, problems, immunisations, consultations, investigations, referrals, observations, diaryEntries };
}
