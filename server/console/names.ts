// The names pages use, all from the one table of plain-English names (labels.ts) and the UK
// formatters (format.ts), so the console and the README never disagree.
import { formatDate, formatDateTime, formatNhsNumber } from './format.js';
import { ENUM_LABELS, enumLabel, scopeLabel } from './labels.js';
import type { Role } from './session-types.js';

export const ENUM_NAMES = ENUM_LABELS;

export function enumName(enumType: string, value: string): string {
  return enumLabel(enumType, value);
}

export function roleName(role: Role): string {
  return enumLabel('PersonRole', role);
}

/** "Read and search allergies" for 'patient/AllergyIntolerance.rs'. */
export function scopeName(scope: string): string {
  return scopeLabel(scope);
}

/** 1 December 2026 */
export function ukDate(value: string | Date | null | undefined): string {
  return formatDate(value);
}

/** 1 December 2026 at 18:48 (UK time) */
export function ukDateTime(value: string | Date | null | undefined): string {
  return formatDateTime(value);
}

/** '9990000018' → '999 000 0018' */
export function nhsNumber(value: string): string {
  return formatNhsNumber(value);
}
