// The synthetic estate: practices per principal system, their patients' NHS numbers and staff.
import { CLINICAL_SYSTEM_IDS, type ClinicalSystemId } from '../domain/clinical-systems.js';
import { nhsNumberCheckDigit } from '../domain/identifiers.js';
import type { Section } from '../domain/sections.js';
import { TOWNS } from './codes.js';

export interface SandboxPractice {
  odsCode: string;
  name: string;
  systemId: ClinicalSystemId;
}

export const PATIENTS_PER_PRACTICE = 5000;
/** 999-range NHS numbers with a valid check digit number about 909,000. */
export const MAX_SANDBOX_PATIENTS = 900_000;

/** Practices: two per system at least, more for large data sets. ODS codes Z9<system><nnn>. */
export function sandboxPractices(patients: number): SandboxPractice[] {
  const perSystem = Math.max(2, Math.ceil(patients / CLINICAL_SYSTEM_IDS.length / PATIENTS_PER_PRACTICE));
  const practices: SandboxPractice[] = [];
  for (let n = 1; n <= perSystem; n++) {
    CLINICAL_SYSTEM_IDS.forEach((systemId, s) => {
      const town = TOWNS[(n * 4 + s) % TOWNS.length] ?? 'Sandbox';
      practices.push({
        odsCode: `Z9${s + 1}${String(n).padStart(3, '0')}`,
        name: `${town} Medical Centre (sandbox)`,
        systemId,
      });
    });
  }
  return practices;
}

/** The k-th valid NHS number in the 999 range (never issued to real patients). */
export function* sandboxNhsNumbers(): Generator<string> {
  for (let n = 0; n < 1_000_000; n++) {
    const firstNine = `999${String(n).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(firstNine);
    if (check !== null) yield `${firstNine}${check}`;
  }
}

/** Patient k is registered at practice k mod P: spreads every system evenly. */
export function practiceForPatient(index: number, practices: readonly SandboxPractice[]): SandboxPractice {
  const p = practices[index % practices.length];
  if (!p) throw new Error('no practices');
  return p;
}

/** One patient in 25 has confidential consultations withheld, so WITHHELD shows up in every data set. */
export function withheldSectionsFor(index: number): Section[] {
  return index % 25 === 3 ? ['CONSULTATIONS'] : [];
}

export interface SandboxPerson {
  id: string;
  displayName: string;
  role: 'REVIEWER' | 'SUPPLIER_DEVELOPER' | 'PRACTICE_ADMIN' | 'CLINICIAN';
  practiceOds: string | null;
}

export function sandboxPeople(practices: readonly SandboxPractice[]): SandboxPerson[] {
  const people: SandboxPerson[] = [
    { id: 'reviewer', displayName: 'Rhiannon Reviewer (NHS England)', role: 'REVIEWER', practiceOds: null },
    { id: 'developer', displayName: 'Dev Eloper (supplier developer)', role: 'SUPPLIER_DEVELOPER', practiceOds: null },
  ];
  for (const p of practices) {
    people.push(
      { id: `admin.${p.odsCode}`, displayName: `Practice admin, ${p.name}`, role: 'PRACTICE_ADMIN', practiceOds: p.odsCode },
      { id: `clinician.${p.odsCode}`, displayName: `GP, ${p.name}`, role: 'CLINICIAN', practiceOds: p.odsCode },
    );
  }
  return people;
}
