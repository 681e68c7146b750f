// Sandbox rows -> the shared clinical model.
import type * as t from '../../db/schema/sandbox.js';
import { DM_D, SNOMED_CT, type Coding, type ConsultationEntry, type ConsultationHeading, type SectionItems } from '../../domain/clinical-record.js';
import type { Appointment, Slot } from '../../domain/scheduling.js';

type Sel<T extends { $inferSelect: unknown }> = T['$inferSelect'];

const sct = (code: string, display: string): Coding => ({ system: SNOMED_CT, code, display });
const optionalSct = (code: string | null, display: string | null): Coding | null =>
  code && display ? sct(code, display) : null;
const person = (name: string | null) => (name ? { name, role: null } : null);

export function toAllergy(r: Sel<typeof t.sbAllergies>): SectionItems['ALLERGIES'] {
  return {
    id: r.id,
    code: sct(r.code, r.display),
    clinicalStatus: r.clinicalStatus as 'ACTIVE' | 'RESOLVED',
    category: (r.category as SectionItems['ALLERGIES']['category']) ?? null,
    // The sandbox store does not hold these; they are null as for a system that does not record them.
    criticality: null,
    verificationStatus: null,
    type: null,
    lastOccurrence: null,
    onsetDate: r.onsetDate,
    assertedDate: r.assertedDate,
    endDate: r.endDate,
    reactions:
      r.reactionCode || r.severity
        ? [{ manifestation: optionalSct(r.reactionCode, r.reactionDisplay), severity: r.severity as 'MILD' | 'MODERATE' | 'SEVERE' | null, description: null }]
        : [],
    note: r.note,
    recorder: person(r.recorder),
  };
}

interface IssueJson {
  id: string;
  issueDate: string;
  quantityText: string | null;
  issueNumber: number | null;
}

export function toMedication(r: Sel<typeof t.sbMedications>): SectionItems['MEDICATIONS'] {
  const issues = (r.issues as IssueJson[]).map((i) => ({ ...i }));
  return {
    id: r.id,
    medication: { system: DM_D, code: r.dmdCode, display: r.display },
    dosageText: r.dosageText,
    quantityText: r.quantityText,
    prescriptionType: r.prescriptionType as SectionItems['MEDICATIONS']['prescriptionType'],
    status: r.status as SectionItems['MEDICATIONS']['status'],
    startDate: r.startDate,
    endDate: r.endDate,
    issues,
    prescriber: person(r.prescriber),
    patientInstructions: null,
    pharmacyNotes: null,
    repeatsAllowed: null,
    repeatsIssued: r.prescriptionType === 'ACUTE' ? null : issues.length,
    supplyDuration: null,
    reviewDate: null,
    lastIssueDate: issues.reduce<string | null>((last, i) => (last === null || i.issueDate > last ? i.issueDate : last), null),
  };
}

export function toProblem(r: Sel<typeof t.sbProblems>): SectionItems['PROBLEMS'] {
  return {
    id: r.id,
    code: sct(r.code, r.display),
    status: r.status as 'ACTIVE' | 'INACTIVE',
    significance: r.significance as 'MAJOR' | 'MINOR' | null,
    onsetDate: r.onsetDate,
    endDate: r.endDate,
    note: r.note,
    relatedProblems: [],
    linkedItems: [],
  };
}

export function toImmunisation(r: Sel<typeof t.sbImmunisations>): SectionItems['IMMUNISATIONS'] {
  return {
    id: r.id,
    vaccine: sct(r.code, r.display),
    date: r.date,
    given: r.given,
    doseSequence: r.doseSequence,
    reasonNotGiven: optionalSct(r.reasonNotGivenCode, r.reasonNotGivenDisplay),
    note: null,
    procedure: null,
    batchNumber: null,
    expiryDate: null,
    manufacturer: null,
    site: null,
    route: null,
    dose: null,
    seriesDoses: null,
  };
}

/** Consecutive entries under the same heading, in order. */
function headingsOf(entries: ConsultationEntry[]): ConsultationHeading[] {
  const headings: ConsultationHeading[] = [];
  for (const entry of entries) {
    const last = headings.at(-1);
    if (last && last.title === entry.heading) last.entries.push(entry);
    else headings.push({ title: entry.heading, entries: [entry] });
  }
  return headings;
}

export function toConsultation(r: Sel<typeof t.sbConsultations>): SectionItems['CONSULTATIONS'] {
  const entries = (r.entries as Array<{ heading: string; text: string }>).map((e) => ({ heading: e.heading, text: e.text }));
  return {
    id: r.id,
    date: r.date,
    type: r.type,
    practitioner: person(r.practitioner),
    location: r.location,
    entries,
    // One topic: the sandbox records headings and text, not topics or problem links.
    topics: entries.length > 0 ? [{ title: null, problem: null, headings: headingsOf(entries) }] : [],
    participants: r.practitioner ? [{ name: r.practitioner, role: null }] : [],
    durationMinutes: null,
  };
}

interface ResultJson {
  id: string;
  code: string;
  display: string;
  value: number | null;
  unit: string | null;
  low: number | null;
  high: number | null;
  interpretation: string | null;
}

export function toInvestigation(r: Sel<typeof t.sbInvestigations>): SectionItems['INVESTIGATIONS'] {
  return {
    id: r.id,
    date: r.date,
    code: sct(r.code, r.display),
    status: r.status,
    specimen: r.specimen,
    issuedDate: null,
    performer: null,
    requester: null,
    clinicalIndication: null,
    results: (r.results as ResultJson[]).map((x) => ({
      id: x.id,
      code: sct(x.code, x.display),
      value: x.value,
      valueText: null,
      unit: x.unit,
      referenceRange: x.low !== null || x.high !== null ? { low: x.low, high: x.high, text: null } : null,
      interpretation: x.interpretation,
      comment: null,
      components: [],
    })),
  };
}

export function toReferral(r: Sel<typeof t.sbReferrals>): SectionItems['REFERRALS'] {
  return {
    id: r.id,
    date: r.date,
    reason: optionalSct(r.reasonCode, r.reasonDisplay),
    specialty: r.specialty,
    priority: r.priority as SectionItems['REFERRALS']['priority'],
    status: r.status,
    recipient: r.recipient,
    note: null,
  };
}

interface ComponentJson {
  code: string;
  display: string;
  value: number | null;
  unit: string | null;
}

export function toObservation(r: Sel<typeof t.sbObservations>): SectionItems['UNCATEGORISED'] {
  return {
    id: r.id,
    date: r.date,
    code: sct(r.code, r.display),
    value: r.value,
    valueText: null,
    unit: r.unit,
    components: (r.components as ComponentJson[]).map((c) => ({ code: sct(c.code, c.display), value: c.value, valueText: null, unit: c.unit })),
  };
}

export function toDiaryEntry(r: Sel<typeof t.sbDiaryEntries>): SectionItems['DIARY_ENTRIES'] {
  return { id: r.id, plannedDate: r.plannedDate, code: sct(r.code, r.display), status: r.status, note: r.note };
}

export function toSlot(r: Sel<typeof t.sbSlots>, s: Sel<typeof t.sbSchedules> | null): Slot {
  return {
    id: r.id,
    start: r.start,
    end: r.end,
    status: r.status === 'free' ? 'FREE' : 'BUSY',
    deliveryChannel: r.deliveryChannel,
    practitioner: s?.practitioner ?? null,
    practitionerRole: s?.practitionerRole ?? null,
    location: s?.location ?? null,
    serviceType: s?.serviceType ?? null,
  };
}

export function toAppointment(r: Sel<typeof t.sbAppointments>): Appointment {
  return {
    id: r.id,
    start: r.start,
    end: r.end,
    status: r.status.toUpperCase() as Appointment['status'],
    description: r.description,
    comment: r.comment,
    practitioner: null,
    location: null,
    createdAt: r.createdAt,
  };
}
