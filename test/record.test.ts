// Reading a synthetic patient's structured record through the one query shape, on every system.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLINICAL_SYSTEMS, suppliesSection } from '../server/domain/clinical-systems.js';
import { SECTIONS } from '../server/domain/sections.js';
import { availableBackends } from './support/backends.js';
import { RECORD_QUERY } from './support/queries.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const FIELD_OF_SECTION = {
  ALLERGIES: 'allergies',
  MEDICATIONS: 'medications',
  PROBLEMS: 'problems',
  IMMUNISATIONS: 'immunisations',
  CONSULTATIONS: 'consultations',
  INVESTIGATIONS: 'investigations',
  REFERRALS: 'referrals',
  UNCATEGORISED: 'uncategorised',
  DIARY_ENTRIES: 'diaryEntries',
} as const;

type PatientData = Record<string, { status: string; items: unknown[]; warnings?: Array<{ code: string }> }> & {
  __typename: string;
  nhsNumber: string;
  practice: { odsCode: string; system: { id: string } };
};

describe.each(await availableBackends())('structured record (%s)', (backend) => {
  let app: TestApp;
  let developer: string;
  const patientsBySystem = new Map<string, string[]>();

  beforeAll(async () => {
    // Reads every patient in turn: a person's query-cost budget is lifted here (test/metering.test.ts tests it).
    app = await startTestApp(backend, { patients: 60, env: { PERSON_RATE_LIMIT_CAPACITY: '100000000', PERSON_RATE_LIMIT_RESTORE_PER_SECOND: '100000000' } });
    developer = await app.tokenFor('developer');
    const listed = await app.gql<{ practices: { edges: Array<{ node: { odsCode: string; system: { id: string }; patients: { edges: Array<{ node: { nhsNumber: string } }> } } }> } }>(
      // All 8 practices, within a person's per-request cost ceiling.
      '{ practices(first: 8) { edges { node { odsCode system { id } patients(first: 100) { edges { node { nhsNumber } } } } } } }',
      {},
      developer,
    );
    for (const { node } of listed.data?.practices.edges ?? []) {
      const list = patientsBySystem.get(node.system.id) ?? [];
      list.push(...node.patients.edges.map((e) => e.node.nhsNumber));
      patientsBySystem.set(node.system.id, list);
    }
  });
  afterAll(() => app.close());

  const readRecord = async (nhsNumber: string) => {
    const response = await app.gql<{ patient: PatientData }>(RECORD_QUERY, { nhsNumber }, developer);
    expect(response.errors).toBeUndefined();
    return response.data!.patient;
  };

  it('lists patients on all four principal systems', () => {
    expect([...patientsBySystem.keys()].sort()).toEqual(CLINICAL_SYSTEMS.map((s) => s.id).sort());
    for (const numbers of patientsBySystem.values()) expect(numbers.length).toBeGreaterThan(5);
  });

  it.each(CLINICAL_SYSTEMS.map((s) => s.id))('answers the same query shape for a %s patient, with honest section statuses', async (systemId) => {
    const numbers = patientsBySystem.get(systemId)!;
    const seen = new Set<string>();
    for (const nhsNumber of numbers.slice(0, 12)) {
      const patient = await readRecord(nhsNumber);
      expect(patient.__typename).toBe('Patient');
      expect(patient.practice.system.id).toBe(systemId);
      for (const section of SECTIONS) {
        const answer = patient[FIELD_OF_SECTION[section]]!;
        seen.add(`${section}:${answer.status}`);
        if (!suppliesSection(systemId, section)) {
          expect(answer).toMatchObject({ status: 'NOT_SUPPLIED', items: [] });
        } else if (answer.status === 'RECORDED') {
          expect(answer.items.length).toBeGreaterThan(0);
          // Synthetic item ids start with the patient's NHS number: nobody else's data leaks in.
          for (const item of answer.items as Array<{ id: string }>) expect(item.id.startsWith(`${nhsNumber}-`)).toBe(true);
        } else if (answer.status === 'NOTHING_RECORDED') {
          expect(answer.items).toEqual([]);
        } else {
          expect(answer.status).toBe('WITHHELD');
          expect(answer.items).toEqual([]);
          expect(answer.warnings?.[0]?.code).toBe('WITHHELD');
        }
      }
    }
    // Across a dozen patients both "recorded" and "nothing recorded" occur for allergies.
    expect(seen.has('ALLERGIES:RECORDED')).toBe(true);
    expect(seen.has('ALLERGIES:NOTHING_RECORDED')).toBe(true);
  });

  it('keeps real SNOMED CT and dm+d codings with their display text', async () => {
    const all = [...patientsBySystem.values()].flat();
    const meds: Array<{ medication: { system: string; code: string; display: string } }> = [];
    for (const nhsNumber of all.slice(0, 20)) meds.push(...((await readRecord(nhsNumber)).medications!.items as typeof meds));
    expect(meds.length).toBeGreaterThan(0);
    for (const m of meds) {
      expect(m.medication.system).toBe('https://dmd.nhs.uk');
      expect(m.medication.code).toMatch(/^\d{6,18}$/);
      expect(m.medication.display.length).toBeGreaterThan(3);
    }
  });

  it('tells "nothing recorded" apart from "not supplied" on the same patient', async () => {
    const evolution = patientsBySystem.get('MICROTEST_EVOLUTION')!;
    const patient = await readRecord(evolution[0]!);
    expect(patient.referrals!.status).toBe('NOT_SUPPLIED');
    expect(patient.diaryEntries!.status).toBe('NOT_SUPPLIED');
    expect(['RECORDED', 'NOTHING_RECORDED']).toContain(patient.allergies!.status);
  });

  it('reports a withheld section as WITHHELD, never as an empty list', async () => {
    const all = [...patientsBySystem.values()].flat();
    const statuses = [];
    for (const nhsNumber of all) statuses.push((await readRecord(nhsNumber)).consultations!.status);
    // The generator withholds consultations for one patient in 25.
    expect(statuses).toContain('WITHHELD');
    expect(statuses).not.toContain('NOTHING_RECORDED');
  });
});
