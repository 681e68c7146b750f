// The four principal GP clinical systems and what each supplies. Facts published for GP Connect are
// marked PUBLISHED; everything else the sandbox needs to behave differently per system is marked
// SANDBOX_ASSUMPTION so nobody mistakes it for a supplier's commitment.
import { SECTIONS, type Section } from './sections.js';

export const CLINICAL_SYSTEM_IDS = ['EMIS_WEB', 'TPP_SYSTMONE', 'CEGEDIM_VISION', 'MICROTEST_EVOLUTION'] as const;
export type ClinicalSystemId = (typeof CLINICAL_SYSTEM_IDS)[number];

export const OPERATIONS = [
  'FULL_RECORD',
  'SLOT_SEARCH',
  'READ_APPOINTMENTS',
  'BOOK_APPOINTMENT',
  'AMEND_APPOINTMENT',
  'CANCEL_APPOINTMENT',
  // GP Connect Foundations reads: resolve practitioners, organisations and locations a record names.
  'READ_PRACTITIONER',
  'READ_ORGANISATION',
  'READ_LOCATION',
] as const;
export type Operation = (typeof OPERATIONS)[number];
export type CapabilityArea = Section | Operation;
export const CAPABILITY_AREAS: readonly CapabilityArea[] = [...SECTIONS, ...OPERATIONS];

export type SupportLevel = 'SUPPORTED' | 'BETA' | 'NOT_SUPPORTED';
export const CAPABILITY_SOURCES = ['PUBLISHED', 'PROVIDER_CAPABILITY_STATEMENT', 'SANDBOX_ASSUMPTION'] as const;
export type CapabilitySource = (typeof CAPABILITY_SOURCES)[number];

export interface Throttle {
  requests: number;
  perSeconds: number;
  scope: 'PATIENT' | 'PRACTICE';
}

export interface Capability {
  area: CapabilityArea;
  support: SupportLevel;
  source: CapabilitySource;
  note: string | null;
  throttle: Throttle | null;
}

export interface ClinicalSystemInfo {
  id: ClinicalSystemId;
  name: string;
  supplier: string;
  capabilities: Capability[];
}

const STABLE_SECTIONS = new Set<Section>(['ALLERGIES', 'MEDICATIONS']);

/** GP Connect Access Record Structured: allergies and medications stable, other sections beta. */
export function gpConnectBaseline(): Map<CapabilityArea, Capability> {
  const rows = new Map<CapabilityArea, Capability>();
  for (const area of SECTIONS) {
    const stable = STABLE_SECTIONS.has(area);
    rows.set(area, {
      area,
      support: stable ? 'SUPPORTED' : 'BETA',
      source: 'PUBLISHED',
      note: stable ? 'GP Connect Access Record Structured: stable' : 'GP Connect Access Record Structured: beta',
      throttle: null,
    });
  }
  for (const area of OPERATIONS) {
    rows.set(area, {
      area,
      support: 'SUPPORTED',
      source: 'PUBLISHED',
      note: area === 'FULL_RECORD' ? null : area.startsWith('READ_') && area !== 'READ_APPOINTMENTS' ? 'GP Connect Foundations' : 'GP Connect Appointment Management',
      throttle: null,
    });
  }
  return rows;
}

type Override = Partial<Omit<Capability, 'area'>> & { area: CapabilityArea };

function system(id: ClinicalSystemId, name: string, supplier: string, overrides: Override[]): ClinicalSystemInfo {
  const rows = gpConnectBaseline();
  for (const o of overrides) {
    const base = rows.get(o.area);
    if (!base) throw new Error(`unknown capability area ${o.area}`);
    rows.set(o.area, { ...base, ...o });
  }
  return { id, name, supplier, capabilities: [...rows.values()] };
}

const assumption = (area: CapabilityArea, support: SupportLevel, note: string): Override => ({
  area,
  support,
  source: 'SANDBOX_ASSUMPTION',
  note,
});

export const CLINICAL_SYSTEMS: readonly ClinicalSystemInfo[] = [
  system('EMIS_WEB', 'EMIS Web', 'EMIS Health (Optum)', []),
  system('TPP_SYSTMONE', 'SystmOne', 'TPP', [
    {
      area: 'FULL_RECORD',
      note: 'TPP throttles full-record retrieval; request only the sections you need. The figures are a sandbox assumption.',
      throttle: { requests: 1, perSeconds: 60, scope: 'PATIENT' },
    },
  ]),
  system('CEGEDIM_VISION', 'Vision', 'Cegedim Healthcare Solutions', [
    assumption('DIARY_ENTRIES', 'NOT_SUPPORTED', 'Sandbox assumption: diary entries not supplied.'),
  ]),
  system('MICROTEST_EVOLUTION', 'Evolution', 'Microtest', [
    assumption('DIARY_ENTRIES', 'NOT_SUPPORTED', 'Sandbox assumption: diary entries not supplied.'),
    assumption('REFERRALS', 'NOT_SUPPORTED', 'Sandbox assumption: referrals not supplied.'),
    assumption('AMEND_APPOINTMENT', 'NOT_SUPPORTED', 'Sandbox assumption: amend not offered; cancel and rebook.'),
  ]),
];

const BY_ID = new Map(CLINICAL_SYSTEMS.map((s) => [s.id, s]));

export function clinicalSystem(id: ClinicalSystemId): ClinicalSystemInfo {
  const found = BY_ID.get(id);
  if (!found) throw new Error(`unknown clinical system ${id}`);
  return found;
}

export function capabilityOf(id: ClinicalSystemId, area: CapabilityArea): Capability {
  const found = clinicalSystem(id).capabilities.find((c) => c.area === area);
  if (!found) throw new Error(`no capability ${area} for ${id}`);
  return found;
}

export function suppliesSection(id: ClinicalSystemId, section: Section): boolean {
  return capabilityOf(id, section).support !== 'NOT_SUPPORTED';
}
