// Drives the supplier pipeline through the API, as reviewers and developers would.
import { people } from '../../server/db/schema/governance.js';
import type { PairingStage } from '../../server/domain/pipeline.js';
import type { TestApp } from './test-app.js';

export const PATH_TO_LIVE: PairingStage[] = ['PREREQUISITES_MET', 'UNSUPPORTED_TEST', 'SUPPORTED_TEST', 'ASSURED', 'LIVE'];
export const EVIDENCE = { dsptStatus: 'STANDARDS_MET', clinicalSafetyOfficer: 'Dr Jo Safety', dcb0129Reference: 'DCB0129-2026-001' };

export async function addPerson(app: TestApp, id: string, role: string, practiceOds: string | null = null) {
  await app.database.db.insert(people).values({ id, displayName: id, role, practiceOds }).onConflictDoNothing();
  return app.tokenFor(id);
}

const APPLY = /* GraphQL */ `
  mutation Apply($input: SupplierApplicationInput!) {
    applyAsSupplier(input: $input) {
      __typename
      ... on Error { code message }
      ... on Supplier { id pairings { id stage system { id } } scopes { scope granted } }
    }
  }`;

export interface Applied {
  id: string;
  pairings: Array<{ id: string; stage: string; system: { id: string } }>;
}

export async function apply(app: TestApp, developerToken: string, overrides: Record<string, unknown> = {}) {
  const input = {
    name: 'Acme Health Ltd',
    contactName: 'Ada Lovelace',
    contactEmail: 'ada@acme.example',
    useCase: 'Medication reconciliation for care homes.',
    requestedScopes: ['patient/Patient.rs', 'patient/AllergyIntolerance.rs', 'patient/MedicationStatement.rs', 'system/Slot.rs'],
    systems: ['EMIS_WEB', 'TPP_SYSTMONE'],
    ...overrides,
  };
  const response = await app.gql<{ applyAsSupplier: Applied & { __typename: string; code?: string } }>(APPLY, { input }, developerToken);
  return response.data!.applyAsSupplier;
}

const TRANSITION = /* GraphQL */ `
  mutation T($pairingId: String!, $to: PairingStage!, $reason: String!, $evidence: PrerequisiteEvidenceInput) {
    transitionPairing(pairingId: $pairingId, to: $to, reason: $reason, evidence: $evidence) {
      __typename
      ... on Error { code message }
      ... on InvalidTransition { allowedStages }
      ... on Pairing { id stage allowedTransitions }
    }
  }`;

export type TransitionResult = { __typename: string; code?: string; message?: string; allowedStages?: string[]; stage?: string };

export async function transition(app: TestApp, reviewerToken: string, pairingId: string, to: PairingStage, reason = `Moving to ${to}`) {
  const evidence = to === 'PREREQUISITES_MET' ? EVIDENCE : undefined;
  const response = await app.gql<{ transitionPairing: TransitionResult }>(TRANSITION, { pairingId, to, reason, evidence }, reviewerToken);
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data.transitionPairing;
}

export async function walk(app: TestApp, reviewerToken: string, pairingId: string, until: PairingStage) {
  for (const stage of PATH_TO_LIVE.slice(0, PATH_TO_LIVE.indexOf(until) + 1)) {
    const result = await transition(app, reviewerToken, pairingId, stage);
    if (result.__typename !== 'Pairing') throw new Error(`${stage}: ${result.message}`);
  }
}

export async function grant(app: TestApp, reviewerToken: string, supplierId: string, scopes: string[]) {
  const response = await app.gql<{ grantScopes: { __typename: string; code?: string } }>(
    'mutation G($s: String!, $scopes: [String!]!) { grantScopes(supplierId: $s, scopes: $scopes) { __typename ... on Error { code message } } }',
    { s: supplierId, scopes },
    reviewerToken,
  );
  return response.data!.grantScopes;
}
