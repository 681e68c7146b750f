// The pure rules behind the permission map and the pipeline, decision by decision: who may read
// which practice, what a supplier app needs at each layer, which stage may follow which, and what
// a section answer's status says.
import { describe, expect, it } from 'vitest';
import { mayAppUseScope, mayPluginRunUseScope, mayReadPracticeRecords, type AppFacts, type PracticeFacts } from '../server/domain/access.js';
import type { Actor } from '../server/domain/actors.js';
import { allowedTransitions, checkTransition, PAIRING_STAGES, SANDBOX_ACCESS_STAGES, type PairingStage } from '../server/domain/pipeline.js';
import { answered, englandToday, notSupplied, sectionOptionsProblem, unavailable, withheld } from '../server/domain/sections.js';

const sandbox: PracticeFacts = { odsCode: 'Z91001', systemId: 'EMIS_WEB', isSandbox: true };
const real: PracticeFacts = { odsCode: 'A81001', systemId: 'EMIS_WEB', isSandbox: false };
const person = (role: 'PRACTICE_ADMIN' | 'CLINICIAN' | 'SUPPLIER_DEVELOPER' | 'REVIEWER', practiceOds: string | null = null) =>
  ({ kind: 'PERSON', id: `p-${role}`, name: role, role, practiceOds }) as unknown as Actor;

const pluginRun: Extract<Actor, { kind: 'PLUGIN_RUN' }> = {
  kind: 'PLUGIN_RUN',
  runId: 'run-1',
  versionId: 'v-1',
  supplierId: 's',
  practiceOds: 'Z91001',
  scopes: ['patient/AllergyIntolerance.rs'],
};

describe('mayReadPracticeRecords', () => {
  it('lets practice users read their own practice only', () => {
    for (const role of ['PRACTICE_ADMIN', 'CLINICIAN'] as const) {
      expect(mayReadPracticeRecords(person(role, 'Z91001'), sandbox)).toEqual({ allowed: true });
      expect(mayReadPracticeRecords(person(role, 'Z91002'), sandbox)).toEqual({ allowed: false, reason: 'Practice users may only read patients registered at their own practice.' });
      expect(mayReadPracticeRecords(person(role, null), sandbox).allowed).toBe(false);
    }
  });

  it('lets developers read sandbox practices only, and never reviewers, apps or anonymous callers', () => {
    expect(mayReadPracticeRecords(person('SUPPLIER_DEVELOPER'), sandbox)).toEqual({ allowed: true });
    expect(mayReadPracticeRecords(person('SUPPLIER_DEVELOPER'), real)).toEqual({ allowed: false, reason: 'Supplier developers may only read synthetic sandbox practices.' });
    expect(mayReadPracticeRecords(person('REVIEWER'), sandbox)).toEqual({ allowed: false, reason: 'Reviewers govern supplier access; they do not read patient records.' });
    expect(mayReadPracticeRecords({ kind: 'ANONYMOUS' } as Actor, sandbox)).toEqual({ allowed: false, reason: 'Authentication required.' });
    expect(mayReadPracticeRecords({ kind: 'SUPPLIER_APP', appId: 'a', supplierId: 's', scopes: [] } as unknown as Actor, sandbox)).toEqual({
      allowed: false,
      reason: 'Supplier apps are decided by scope (mayAppUseScope).',
    });
    expect(mayReadPracticeRecords(pluginRun, sandbox)).toEqual({ allowed: false, reason: 'Plugin runs are decided by scope (mayPluginRunUseScope).' });
  });
});

describe('mayPluginRunUseScope', () => {
  it('lets a plugin run use only its own practice, and only the scopes it was given there', () => {
    expect(mayPluginRunUseScope(pluginRun, sandbox, 'patient/AllergyIntolerance.rs')).toEqual({ allowed: true });
    expect(mayPluginRunUseScope(pluginRun, { ...sandbox, odsCode: 'Z91002' }, 'patient/AllergyIntolerance.rs')).toEqual({
      allowed: false,
      reason: 'A plugin run reads only its own practice (Z91001).',
    });
    expect(mayPluginRunUseScope(pluginRun, sandbox, 'patient/MedicationStatement.rs')).toEqual({
      allowed: false,
      reason: 'Scope patient/MedicationStatement.rs is not granted to this plugin at Z91001.',
    });
  });
});

describe('mayAppUseScope', () => {
  const SCOPE = 'patient/AllergyIntolerance.rs';
  const facts = (stage: PairingStage | undefined, granted = [SCOPE], appActive = true): AppFacts => ({
    appActive,
    stages: stage ? { EMIS_WEB: stage } : {},
    grantedScopes: new Set(granted),
  });
  const enabled = { active: true, scopes: [SCOPE] };

  it('allows only when every layer agrees: stage, grant, token scope, enablement and practice scope', () => {
    expect(mayAppUseScope([SCOPE], facts('LIVE'), real, enabled, SCOPE)).toEqual({ allowed: true });
    expect(mayAppUseScope([SCOPE], facts('LIVE', [SCOPE], false), real, enabled, SCOPE)).toEqual({ allowed: false, reason: 'This app has been revoked.' });
    expect(mayAppUseScope([SCOPE], facts('LIVE', []), real, enabled, SCOPE)).toEqual({ allowed: false, reason: `Scope ${SCOPE} is not granted to this app.` });
    // A token narrowed at the token endpoint is narrowed at the API too.
    expect(mayAppUseScope(['patient/Patient.rs'], facts('LIVE'), real, enabled, SCOPE)).toEqual({ allowed: false, reason: `Scope ${SCOPE} is not granted to this app.` });
    expect(mayAppUseScope([SCOPE], facts('LIVE'), real, null, SCOPE)).toEqual({ allowed: false, reason: 'Practice A81001 has not enabled this app.' });
    expect(mayAppUseScope([SCOPE], facts('LIVE'), real, { active: false, scopes: [SCOPE] }, SCOPE)).toEqual({ allowed: false, reason: 'Practice A81001 has not enabled this app.' });
    expect(mayAppUseScope([SCOPE], facts('LIVE'), real, { active: true, scopes: [] }, SCOPE)).toEqual({ allowed: false, reason: `Practice A81001 has not allowed scope ${SCOPE}.` });
  });

  it('opens sandbox practices from UNSUPPORTED_TEST and real ones only when LIVE', () => {
    for (const stage of PAIRING_STAGES) {
      const inSandbox = mayAppUseScope([SCOPE], facts(stage), sandbox, enabled, SCOPE);
      const inReal = mayAppUseScope([SCOPE], facts(stage), real, enabled, SCOPE);
      expect(inSandbox.allowed, stage).toBe(SANDBOX_ACCESS_STAGES.includes(stage));
      expect(inReal.allowed, stage).toBe(stage === 'LIVE');
    }
    expect(mayAppUseScope([SCOPE], facts('ASSURED'), real, enabled, SCOPE)).toEqual({ allowed: false, reason: "The supplier's EMIS_WEB pairing is not LIVE (it is ASSURED)." });
    expect(mayAppUseScope([SCOPE], facts(undefined), sandbox, enabled, SCOPE)).toEqual({
      allowed: false,
      reason: "The supplier's EMIS_WEB pairing must be at least UNSUPPORTED_TEST to use sandbox practices (it is absent).",
    });
    expect(mayAppUseScope([SCOPE], facts(undefined), real, enabled, SCOPE)).toEqual({ allowed: false, reason: "The supplier's EMIS_WEB pairing is not LIVE (it is absent)." });
  });
});

describe('pipeline', () => {
  const evidence = { dsptStatus: 'STANDARDS_MET' as const, clinicalSafetyOfficer: 'Dr Jo Safety', dcb0129Reference: 'DCB0129-1' };

  it('allows exactly the transitions of the IM1 table', () => {
    const table: Record<PairingStage, PairingStage[]> = {
      APPLIED: ['PREREQUISITES_MET', 'REJECTED'],
      PREREQUISITES_MET: ['UNSUPPORTED_TEST', 'REJECTED'],
      UNSUPPORTED_TEST: ['SUPPORTED_TEST', 'REJECTED', 'SUSPENDED'],
      SUPPORTED_TEST: ['ASSURED', 'REJECTED', 'SUSPENDED'],
      ASSURED: ['LIVE', 'REJECTED', 'SUSPENDED'],
      LIVE: ['SUSPENDED', 'REVOKED'],
      SUSPENDED: ['REVOKED'],
      REJECTED: [],
      REVOKED: [],
    };
    for (const stage of PAIRING_STAGES) expect(allowedTransitions(stage), stage).toEqual(table[stage]);
    for (const from of ['UNSUPPORTED_TEST', 'SUPPORTED_TEST', 'ASSURED', 'LIVE'] as const) expect(allowedTransitions('SUSPENDED', from)).toEqual([from, 'REVOKED']);
  });

  it('asks for evidence only to meet the prerequisites', () => {
    expect(checkTransition('PREREQUISITES_MET', 'UNSUPPORTED_TEST', { reason: 'Cleared', evidence: null, suspendedFrom: null })).toBeNull();
  });

  it('moves forward one stage at a time, and only back from suspension to where it left', () => {
    expect(allowedTransitions('APPLIED')).toEqual(['PREREQUISITES_MET', 'REJECTED']);
    expect(allowedTransitions('ASSURED')).toEqual(['LIVE', 'REJECTED', 'SUSPENDED']);
    expect(allowedTransitions('LIVE')).toEqual(['SUSPENDED', 'REVOKED']);
    expect(allowedTransitions('SUSPENDED', 'SUPPORTED_TEST')).toEqual(['SUPPORTED_TEST', 'REVOKED']);
    expect(allowedTransitions('SUSPENDED')).toEqual(['REVOKED']);
    // A suspension recorded from a stage one may not return to (history edited, or a bug) offers only revocation.
    expect(allowedTransitions('SUSPENDED', 'APPLIED')).toEqual(['REVOKED']);
    expect(allowedTransitions('SUSPENDED', 'SUSPENDED')).toEqual(['REVOKED']);
    expect(allowedTransitions('REJECTED')).toEqual([]);
    expect(allowedTransitions('REVOKED')).toEqual([]);
    expect(SANDBOX_ACCESS_STAGES).toEqual(['UNSUPPORTED_TEST', 'SUPPORTED_TEST', 'ASSURED', 'LIVE']);
  });

  it('needs a reason, and evidence with a good DSPT status to meet the prerequisites', () => {
    const ok = { reason: 'Checked', evidence, suspendedFrom: null };
    expect(checkTransition('APPLIED', 'PREREQUISITES_MET', ok)).toBeNull();
    expect(checkTransition('APPLIED', 'PREREQUISITES_MET', { ...ok, evidence: { ...evidence, dsptStatus: 'STANDARDS_EXCEEDED' } })).toBeNull();
    expect(checkTransition('APPLIED', 'LIVE', ok)).toEqual({ code: 'INVALID_TRANSITION', allowed: ['PREREQUISITES_MET', 'REJECTED'] });
    expect(checkTransition('APPLIED', 'REJECTED', { ...ok, reason: ' no ' })).toEqual({ code: 'REASON_REQUIRED' });
    expect(checkTransition('APPLIED', 'REJECTED', { ...ok, reason: 'Bad' })).toBeNull();
    expect(checkTransition('APPLIED', 'PREREQUISITES_MET', { ...ok, evidence: null })).toMatchObject({ code: 'EVIDENCE_REQUIRED' });
    expect(checkTransition('APPLIED', 'PREREQUISITES_MET', { ...ok, evidence: { ...evidence, clinicalSafetyOfficer: '  ' } })).toMatchObject({ code: 'EVIDENCE_REQUIRED' });
    expect(checkTransition('APPLIED', 'PREREQUISITES_MET', { ...ok, evidence: { ...evidence, dcb0129Reference: '  ' } })).toEqual({
      code: 'EVIDENCE_REQUIRED',
      message: 'DSPT status, clinical safety officer and DCB0129 reference are required.',
    });
    for (const dsptStatus of ['APPROACHING_STANDARDS', 'STANDARDS_NOT_MET'] as const) {
      expect(checkTransition('APPLIED', 'PREREQUISITES_MET', { ...ok, evidence: { ...evidence, dsptStatus } })).toEqual({
        code: 'EVIDENCE_REQUIRED',
        message: 'The DSPT must be at "Standards Met" or "Standards Exceeded".',
      });
    }
  });
});

describe('section answers', () => {
  it('never leaves an empty list ambiguous', () => {
    expect(answered([1])).toEqual({ status: 'RECORDED', items: [1], warnings: [] });
    expect(answered([])).toEqual({ status: 'NOTHING_RECORDED', items: [], warnings: [] });
    expect(notSupplied()).toEqual({ status: 'NOT_SUPPLIED', items: [], warnings: [] });
    expect(withheld()).toEqual({ status: 'WITHHELD', items: [], warnings: [{ code: 'WITHHELD', message: 'This section is withheld for this patient.' }] });
    expect(unavailable('TIMEOUT', 'Too slow')).toEqual({ status: 'UNAVAILABLE', items: [], warnings: [{ code: 'TIMEOUT', message: 'Too slow' }] });
  });
});

describe('section options', () => {
  const TODAY = '2026-06-15';
  const range = (message: string) => ({ code: 'INVALID_DATE_RANGE', message });
  const bad = (message: string) => ({ code: 'BAD_USER_INPUT', message });

  it('takes today as the calendar date in England, summer time included', () => {
    expect(englandToday(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(englandToday(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
  });

  it('keeps search periods in the past, in order, and up to today', () => {
    expect(sectionOptionsProblem('CONSULTATIONS', { from: '2026-06-10', to: '2026-06-01' }, TODAY)).toEqual(range('"from" must not be after "to".'));
    expect(sectionOptionsProblem('CONSULTATIONS', { from: '2026-06-10', to: '2026-06-10' }, TODAY)).toBeNull();
    expect(sectionOptionsProblem('CONSULTATIONS', { from: '2026-06-16' }, TODAY)).toEqual(range('"from" must not be in the future.'));
    expect(sectionOptionsProblem('CONSULTATIONS', { from: TODAY }, TODAY)).toBeNull();
    const futureTo = range('"to" must not be in the future: the record holds nothing later than today.');
    expect(sectionOptionsProblem('CONSULTATIONS', { to: '2026-06-16' }, TODAY)).toEqual(futureTo);
    expect(sectionOptionsProblem('CONSULTATIONS', { to: TODAY }, TODAY)).toBeNull();
    // Medications may be searched up to a future date: issues can be planned.
    expect(sectionOptionsProblem('MEDICATIONS', { to: '2026-06-16' }, TODAY)).toBeNull();
  });

  it('keeps the diary search date today or later', () => {
    expect(sectionOptionsProblem('DIARY_ENTRIES', { diaryBefore: '2026-06-14' }, TODAY)).toEqual(range('"before" must be today or later.'));
    expect(sectionOptionsProblem('DIARY_ENTRIES', { diaryBefore: TODAY }, TODAY)).toBeNull();
  });

  it('takes "most recent" from 1 to 1000, and never with a period', () => {
    for (const period of [{ from: '2026-01-01' }, { to: '2026-01-01' }]) {
      expect(sectionOptionsProblem('CONSULTATIONS', { mostRecent: 5, ...period }, TODAY)).toEqual(bad('"mostRecent" cannot be combined with "from" or "to".'));
      expect(sectionOptionsProblem('CONSULTATIONS', period, TODAY)).toBeNull();
    }
    for (const mostRecent of [1, 5, 1000]) expect(sectionOptionsProblem('CONSULTATIONS', { mostRecent }, TODAY)).toBeNull();
    for (const mostRecent of [0, 1001, 1.5]) expect(sectionOptionsProblem('CONSULTATIONS', { mostRecent }, TODAY)).toEqual(bad('"mostRecent" must be between 1 and 1000.'));
    expect(sectionOptionsProblem('CONSULTATIONS', {}, TODAY)).toBeNull();
  });
});
