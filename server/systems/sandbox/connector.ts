// The sandbox connector: synthetic records in the `sandbox` schema, shaped by each principal
// system's capability matrix (a section the system does not supply is NOT_SUPPLIED).
import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import * as t from '../../db/schema/sandbox.js';
import type { AnySectionAnswer, PatientDemographics } from '../../domain/clinical-record.js';
import { suppliesSection } from '../../domain/clinical-systems.js';
import type { Appointment, DateRange } from '../../domain/scheduling.js';
import { applySectionOptions } from '../../domain/section-options.js';
import { answered, notSupplied, withheld } from '../../domain/sections.js';
import { ConnectorError, type ClinicalSystemConnector, type PracticeRecord, type SectionRequest } from '../types.js';
import { sandboxAppointmentWrites } from './appointment-writes.js';
import { toAppointment, toSlot } from './mappers.js';
import { readPatientSections, type PatientSections } from './section-readers.js';

export function sandboxConnector(db: Db): ClinicalSystemConnector {
  async function patientsOf(practice: PracticeRecord, nhsNumbers: readonly string[]) {
    if (nhsNumbers.length === 0) return [];
    return db
      .select()
      .from(t.sbPatients)
      .where(and(eq(t.sbPatients.practiceOds, practice.odsCode), inArray(t.sbPatients.nhsNumber, [...nhsNumbers])));
  }

  /** Demographics of `nhsNumbers` and the sections `requests` ask for, in one statement. */
  async function readRecords(practice: PracticeRecord, nhsNumbers: readonly string[], requests: readonly SectionRequest[]) {
    const numbers = [...new Set([...nhsNumbers, ...requests.map((r) => r.nhsNumber)])];
    const supplied = [...new Set(requests.map((r) => r.section))].filter((s) => suppliesSection(practice.systemId, s));
    const found = numbers.length ? await readPatientSections(db, practice.odsCode, numbers, supplied) : new Map<string, PatientSections>();
    const patients = new Map<string, PatientDemographics | ConnectorError>();
    for (const n of nhsNumbers) {
      const patient = found.get(n);
      if (patient) patients.set(n, patient.demographics);
    }
    const sections = requests.map((request): AnySectionAnswer | ConnectorError => {
      const patient = found.get(request.nhsNumber);
      if (!patient) return new ConnectorError('PATIENT_NOT_FOUND', 'No such patient at this practice.');
      if (!suppliesSection(practice.systemId, request.section)) return notSupplied();
      if (patient.withheldSections.includes(request.section)) return withheld();
      return answered(applySectionOptions(request.section, patient.sections.get(request.section) ?? [], request.options));
    });
    return { patients, sections };
  }

  return {
    kind: 'sandbox',
    appointmentWrites: sandboxAppointmentWrites(db),

    async findPatients(practice, nhsNumbers) {
      const found = new Map<string, PatientDemographics | ConnectorError>();
      for (const p of await patientsOf(practice, nhsNumbers)) {
        found.set(p.nhsNumber, {
          nhsNumber: p.nhsNumber,
          givenName: p.givenName,
          familyName: p.familyName,
          birthDate: p.birthDate,
          gender: p.gender as PatientDemographics['gender'],
          practiceOds: p.practiceOds,
        });
      }
      return found;
    },

    async readSections(practice, requests: readonly SectionRequest[]) {
      return (await readRecords(practice, [], requests)).sections;
    },

    readRecords: (practice, nhsNumbers, requests) => readRecords(practice, nhsNumbers, requests),

    async searchSlots(practice, range: DateRange) {
      const rows = await db
        .select()
        .from(t.sbSlots)
        .leftJoin(t.sbSchedules, eq(t.sbSlots.scheduleId, t.sbSchedules.id))
        .where(and(eq(t.sbSlots.practiceOds, practice.odsCode), gte(t.sbSlots.start, range.from), lt(t.sbSlots.start, range.to), eq(t.sbSlots.status, 'free')))
        .orderBy(asc(t.sbSlots.start), asc(t.sbSlots.id));
      return rows.map((r) => toSlot(r.slots, r.schedules));
    },

    async patientAppointments(practice, nhsNumbers, range: DateRange) {
      const found = new Map<string, Appointment[]>();
      if (nhsNumbers.length === 0) return found;
      const rows = await db
        .select()
        .from(t.sbAppointments)
        .where(
          and(
            eq(t.sbAppointments.practiceOds, practice.odsCode),
            inArray(t.sbAppointments.nhsNumber, [...nhsNumbers]),
            gte(t.sbAppointments.start, range.from),
            lt(t.sbAppointments.start, range.to),
          ),
        )
        .orderBy(asc(t.sbAppointments.start));
      for (const row of rows) {
        const list = found.get(row.nhsNumber) ?? [];
        list.push(toAppointment(row));
        found.set(row.nhsNumber, list);
      }
      return found;
    },
  };
}
