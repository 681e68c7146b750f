// The IM1-style pairing pipeline per supplier x principal system. Pure rules: which stage may follow
// which, and what a transition needs. Persistence and concurrency live in pairings.ts.

export const PAIRING_STAGES = [
  'APPLIED',
  'PREREQUISITES_MET',
  'UNSUPPORTED_TEST',
  'SUPPORTED_TEST',
  'ASSURED',
  'LIVE',
  'SUSPENDED',
  'REJECTED',
  'REVOKED',
] as const;
export type PairingStage = (typeof PAIRING_STAGES)[number];

const NEXT: Record<PairingStage, readonly PairingStage[]> = {
  APPLIED: ['PREREQUISITES_MET', 'REJECTED'],
  PREREQUISITES_MET: ['UNSUPPORTED_TEST', 'REJECTED'],
  UNSUPPORTED_TEST: ['SUPPORTED_TEST', 'REJECTED', 'SUSPENDED'],
  SUPPORTED_TEST: ['ASSURED', 'REJECTED', 'SUSPENDED'],
  ASSURED: ['LIVE', 'REJECTED', 'SUSPENDED'],
  LIVE: ['SUSPENDED', 'REVOKED'],
  // Back from suspension to the stage it was suspended from (checked against history).
  SUSPENDED: ['UNSUPPORTED_TEST', 'SUPPORTED_TEST', 'ASSURED', 'LIVE', 'REVOKED'],
  REJECTED: [],
  REVOKED: [],
};

export function allowedTransitions(from: PairingStage, suspendedFrom: PairingStage | null = null): PairingStage[] {
  // Back only to the stage it was suspended from, if the table allows a return there; or revoked.
  if (from === 'SUSPENDED') return NEXT.SUSPENDED.filter((to) => to === suspendedFrom || to === 'REVOKED');
  return [...NEXT[from]];
}

/** Stages from which an app may read synthetic sandbox practices. */
export const SANDBOX_ACCESS_STAGES: readonly PairingStage[] = ['UNSUPPORTED_TEST', 'SUPPORTED_TEST', 'ASSURED', 'LIVE'];

export const DSPT_STATUSES = ['STANDARDS_MET', 'STANDARDS_EXCEEDED', 'APPROACHING_STANDARDS', 'STANDARDS_NOT_MET'] as const;
export type DsptStatus = (typeof DSPT_STATUSES)[number];

/** Evidence recorded when prerequisites are met (IG/DSPT, clinical safety officer, DCB0129). */
export interface PrerequisiteEvidence {
  dsptStatus: DsptStatus;
  clinicalSafetyOfficer: string;
  dcb0129Reference: string;
}

export type TransitionProblem =
  | { code: 'INVALID_TRANSITION'; allowed: PairingStage[] }
  | { code: 'EVIDENCE_REQUIRED'; message: string }
  | { code: 'REASON_REQUIRED' };

/** Checks a transition's shape; stage counting (live cap) and locking happen where data is. */
export function checkTransition(
  from: PairingStage,
  to: PairingStage,
  input: { reason: string; evidence: PrerequisiteEvidence | null; suspendedFrom: PairingStage | null },
): TransitionProblem | null {
  const allowed = allowedTransitions(from, input.suspendedFrom);
  if (!allowed.includes(to)) return { code: 'INVALID_TRANSITION', allowed };
  if (input.reason.trim().length < 3) return { code: 'REASON_REQUIRED' };
  if (to === 'PREREQUISITES_MET') {
    const e = input.evidence;
    if (!e || !e.clinicalSafetyOfficer.trim() || !e.dcb0129Reference.trim()) {
      return { code: 'EVIDENCE_REQUIRED', message: 'DSPT status, clinical safety officer and DCB0129 reference are required.' };
    }
    if (e.dsptStatus !== 'STANDARDS_MET' && e.dsptStatus !== 'STANDARDS_EXCEEDED') {
      return { code: 'EVIDENCE_REQUIRED', message: 'The DSPT must be at "Standards Met" or "Standards Exceeded".' };
    }
  }
  return null;
}
