// Plain-English names for the API's enums and scopes: the one table the console shows and the
// README copies. Unknown values fall back to the code itself, so nothing new is ever hidden.
import { SCOPES } from '../domain/scopes.js';
import type { Role } from './session-types.js';

export const ENUM_NAMES: Record<string, Record<string, string>> = {
  PersonRole: { REVIEWER: 'NHS England reviewer', SUPPLIER_DEVELOPER: 'Supplier developer', PRACTICE_ADMIN: 'Practice admin', CLINICIAN: 'Clinician' },
  PairingStage: {
    APPLIED: 'Applied',
    PREREQUISITES_MET: 'Prerequisites met',
    UNSUPPORTED_TEST: 'Unsupported test (sandbox)',
    SUPPORTED_TEST: 'Supported test',
    ASSURED: 'Assured (recommended to connect)',
    LIVE: 'Live',
    SUSPENDED: 'Suspended',
    REVOKED: 'Revoked',
    REJECTED: 'Rejected',
  },
  PluginVersionStatus: { SUBMITTED: 'Waiting for review', APPROVED: 'Approved', REJECTED: 'Rejected' },
  PluginRunOutcome: { OK: 'Succeeded', ERROR: 'Failed with an error', TIMEOUT: 'Timed out', OUT_OF_MEMORY: 'Ran out of memory', EFFECTS_REFUSED: 'Effects refused', DISABLED: 'Plugin disabled' },
  AuditOutcome: { ALLOWED: 'Allowed', REFUSED: 'Refused', FAILED: 'Failed' },
  AuditVerificationState: { RUNNING: 'Checking', DONE: 'Finished', FAILED: 'Could not finish' },
  ClinicalSystemId: { EMIS_WEB: 'EMIS Web', TPP_SYSTMONE: 'TPP SystmOne', CEGEDIM_VISION: 'Cegedim Vision', MICROTEST_EVOLUTION: 'Microtest Evolution' },
};

export function enumName(enumType: string, value: string): string {
  return ENUM_NAMES[enumType]?.[value] ?? value;
}

export function roleName(role: Role): string {
  return enumName('PersonRole', role);
}

const SCOPE_NAMES = new Map(SCOPES.map((s) => [s.scope, s.description]));

/** "Read allergies and adverse reactions." for 'patient/AllergyIntolerance.rs'. */
export function scopeName(scope: string): string {
  return SCOPE_NAMES.get(scope) ?? scope;
}

const UK_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const UK_DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

/** 1 December 2026 */
export function ukDate(value: string | Date | null | undefined): string {
  if (!value) return '';
  const d = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? String(value) : UK_DATE.format(d);
}

/** 1 December 2026 at 18:48 (UK time) */
export function ukDateTime(value: string | Date | null | undefined): string {
  if (!value) return '';
  const d = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? String(value) : UK_DATE_TIME.format(d).replace(', ', ' at ');
}

/** '9990000018' → '999 000 0018' */
export function nhsNumber(value: string): string {
  return /^\d{10}$/.test(value) ? `${value.slice(0, 3)} ${value.slice(3, 6)} ${value.slice(6)}` : value;
}
