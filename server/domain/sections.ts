// Record sections and what a section answer means. Clinical safety: an empty list is never
// ambiguous, so every section answer carries one of these statuses.
import type { Coding } from './clinical-record.js';

export const SECTIONS = [
  'ALLERGIES',
  'MEDICATIONS',
  'PROBLEMS',
  'IMMUNISATIONS',
  'CONSULTATIONS',
  'INVESTIGATIONS',
  'REFERRALS',
  'UNCATEGORISED',
  'DIARY_ENTRIES',
] as const;
export type Section = (typeof SECTIONS)[number];

export const SECTION_STATUSES = [
  /** The system returned at least one item. */
  'RECORDED',
  /** The system supplies this section and has nothing recorded for this patient. */
  'NOTHING_RECORDED',
  /** This principal system does not supply this section at all. */
  'NOT_SUPPLIED',
  /** Items exist but are withheld (confidential, patient dissent or not permitted). */
  'WITHHELD',
  /** The system could not answer now (unreachable, timed out, failed); says nothing about the record. */
  'UNAVAILABLE',
] as const;
export type SectionStatus = (typeof SECTION_STATUSES)[number];

export interface SectionWarning {
  code: string;
  message: string;
  /** The listed resource the warning is about (e.g. an item that could not be shown), when there is one. */
  resourceType?: string | null;
  resourceId?: string | null;
}

/**
 * A section-level fact that is not an item of the section: an assertion of absence ("no known
 * allergy"), which software counting allergies must not count, or a record of consent or dissent
 * to immunisation.
 */
export interface RecordAssertion {
  id: string;
  kind: 'NO_KNOWN' | 'IMMUNISATION_STATUS';
  code: Coding;
  date: string | null;
  note: string | null;
}

export interface SectionAnswer<T> {
  status: SectionStatus;
  items: T[];
  warnings: SectionWarning[];
  /** Section-level facts that are not items (absent means none). */
  assertions?: RecordAssertion[];
  /** Notes the clinical system attached to the section as a whole (e.g. GP Connect's List.note). */
  notes?: string[];
}

export function notSupplied<T>(): SectionAnswer<T> {
  return { status: 'NOT_SUPPLIED', items: [], warnings: [] };
}

export function withheld<T>(message = 'This section is withheld for this patient.'): SectionAnswer<T> {
  return { status: 'WITHHELD', items: [], warnings: [{ code: 'WITHHELD', message }] };
}

export function unavailable<T>(code: string, message: string): SectionAnswer<T> {
  return { status: 'UNAVAILABLE', items: [], warnings: [{ code, message }] };
}

export function answered<T>(items: T[], warnings: SectionWarning[] = []): SectionAnswer<T> {
  return { status: items.length > 0 ? 'RECORDED' : 'NOTHING_RECORDED', items, warnings };
}

/** Options a caller may set per section; they mirror GP Connect's structured-record parameters. */
export interface SectionOptions {
  /** ALLERGIES: include resolved allergies (default false, as in GP Connect). */
  includeResolved?: boolean;
  /** MEDICATIONS: include prescription issues (default true). */
  includeIssues?: boolean;
  /** PROBLEMS: restrict to ACTIVE or INACTIVE. */
  problemStatus?: 'ACTIVE' | 'INACTIVE';
  /** IMMUNISATIONS: include immunisations recorded as not given (default true). */
  includeNotGiven?: boolean;
  /** PROBLEMS: restrict to MAJOR or MINOR significance. */
  problemSignificance?: 'MAJOR' | 'MINOR';
  /** IMMUNISATIONS: include consent and dissent records (default true, as in GP Connect). */
  includeStatus?: boolean;
  /** CONSULTATIONS: only the N most recent (not combinable with from/to). */
  mostRecent?: number;
  /** DIARY_ENTRIES: entries planned on or before this ISO date (today or later). */
  diaryBefore?: string;
  /** MEDICATIONS, CONSULTATIONS, INVESTIGATIONS, REFERRALS, UNCATEGORISED: ISO dates, inclusive. */
  from?: string;
  to?: string;
}

// Built once: constructing a time-zone formatter costs far more than formatting with it.
const ENGLAND_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's calendar date in England, where GP Connect providers read date-only parameters. */
export const englandToday = (now: Date = new Date()) => ENGLAND_DATE.format(now);

/**
 * Why a section's options cannot be asked (GP Connect's rules, applied to every connector so the
 * API answers alike): search periods lie in the past, the diary search date does not, and "most
 * recent" is not combined with a period. Null when acceptable.
 */
export function sectionOptionsProblem(section: Section, options: SectionOptions, today?: string): OptionsProblem | null {
  // Today only when a date was given: most requests give none.
  const now = options.from || options.to || options.diaryBefore ? (today ?? englandToday()) : '';
  if (options.from && options.to && options.from > options.to) return badRange('"from" must not be after "to".');
  if (options.from && options.from > now) return badRange('"from" must not be in the future.');
  if (options.to && options.to > now && section !== 'MEDICATIONS') return badRange('"to" must not be in the future: the record holds nothing later than today.');
  if (options.diaryBefore && options.diaryBefore < now) return badRange('"before" must be today or later.');
  if (options.mostRecent !== undefined && (options.from || options.to)) return badInput('"mostRecent" cannot be combined with "from" or "to".');
  if (options.mostRecent !== undefined && (!Number.isInteger(options.mostRecent) || options.mostRecent < 1 || options.mostRecent > 1000)) return badInput('"mostRecent" must be between 1 and 1000.');
  return null;
}

// Outside the function: it runs for every section of every patient, and closures made per call cost.
const badRange = (message: string): OptionsProblem => ({ code: 'INVALID_DATE_RANGE', message });
const badInput = (message: string): OptionsProblem => ({ code: 'BAD_USER_INPUT', message });

export interface OptionsProblem {
  code: 'INVALID_DATE_RANGE' | 'BAD_USER_INPUT';
  message: string;
}
