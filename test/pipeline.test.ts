// The supplier pipeline through the API: applying, reviewing, granting; typed refusals; audit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from './support/backends.js';
import { addPerson, apply, grant, transition, walk } from './support/governance.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe.each(await availableBackends())('supplier pipeline (%s)', (backend) => {
  let app: TestApp;
  let reviewer: string;

  beforeAll(async () => {
    app = await startTestApp(backend, { env: { MAX_LIVE_SUPPLIERS: '2' } });
    reviewer = await app.tokenFor('reviewer');
  });
  afterAll(() => app.close());

  it('lets a developer apply once, with one pairing per system at APPLIED', async () => {
    const dev = await addPerson(app, 'dev.apply', 'SUPPLIER_DEVELOPER');
    const supplier = await apply(app, dev);
    expect(supplier.__typename).toBe('Supplier');
    expect(supplier.pairings.map((p) => [p.system.id, p.stage]).sort()).toEqual([['EMIS_WEB', 'APPLIED'], ['TPP_SYSTMONE', 'APPLIED']]);
    const again = await apply(app, dev);
    expect(again).toMatchObject({ __typename: 'ActionRefused', code: 'ALREADY_APPLIED' });
  });

  it('refuses a malformed application with VALIDATION_FAILED and unknown scopes with INVALID_SCOPE', async () => {
    const dev = await addPerson(app, 'dev.bad', 'SUPPLIER_DEVELOPER');
    expect(await apply(app, dev, { contactEmail: 'not-an-email' })).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await apply(app, dev, { requestedScopes: ['patient/*.*'] })).toMatchObject({ code: 'INVALID_SCOPE' });
  });

  it('answers an illegal transition with INVALID_TRANSITION naming the allowed stages', async () => {
    const dev = await addPerson(app, 'dev.illegal', 'SUPPLIER_DEVELOPER');
    const { pairings } = await apply(app, dev);
    const result = await transition(app, reviewer, pairings[0]!.id, 'LIVE');
    expect(result).toMatchObject({ __typename: 'InvalidTransition', code: 'INVALID_TRANSITION', allowedStages: ['PREREQUISITES_MET', 'REJECTED'] });
  });

  it('requires evidence for prerequisites and a reason for every move', async () => {
    const dev = await addPerson(app, 'dev.evidence', 'SUPPLIER_DEVELOPER');
    const { pairings } = await apply(app, dev);
    const q = `mutation($id: String!, $e: PrerequisiteEvidenceInput, $r: String!) { transitionPairing(pairingId: $id, to: PREREQUISITES_MET, reason: $r, evidence: $e) { __typename ... on Error { code message } } }`;
    const noEvidence = await app.gql<{ transitionPairing: { code: string } }>(q, { id: pairings[0]!.id, r: 'Checked' }, reviewer);
    expect(noEvidence.data!.transitionPairing.code).toBe('EVIDENCE_REQUIRED');
    const weakDspt = await app.gql<{ transitionPairing: { code: string } }>(
      q,
      { id: pairings[0]!.id, r: 'Checked', e: { dsptStatus: 'APPROACHING_STANDARDS', clinicalSafetyOfficer: 'Dr X', dcb0129Reference: 'R1' } },
      reviewer,
    );
    expect(weakDspt.data!.transitionPairing.code).toBe('EVIDENCE_REQUIRED');
    expect((await transition(app, reviewer, pairings[0]!.id, 'PREREQUISITES_MET', '')).code).toBe('REASON_REQUIRED');
  });

  it('walks a pairing to LIVE, records the history, suspends and returns only to where it was', async () => {
    const dev = await addPerson(app, 'dev.walk', 'SUPPLIER_DEVELOPER');
    const { id, pairings } = await apply(app, dev);
    const pairingId = pairings.find((p) => p.system.id === 'EMIS_WEB')!.id;
    await walk(app, reviewer, pairingId, 'LIVE');
    const suspended = await transition(app, reviewer, pairingId, 'SUSPENDED', 'Incident under investigation');
    expect(suspended).toMatchObject({ stage: 'SUSPENDED' });
    expect((await transition(app, reviewer, pairingId, 'ASSURED')).allowedStages).toEqual(['LIVE', 'REVOKED']);
    expect(await transition(app, reviewer, pairingId, 'LIVE', 'Incident closed')).toMatchObject({ stage: 'LIVE' });
    const history = await app.gql<{ supplier: { pairings: Array<{ id: string; history: Array<{ from: string | null; to: string; reason: string; by: string }> }> } }>(
      'query($id: String!) { supplier(id: $id) { pairings { id history { from to reason by } } } }',
      { id },
      reviewer,
    );
    const events = history.data!.supplier.pairings.find((p) => p.id === pairingId)!.history;
    expect(events.map((e) => e.to)).toEqual(['APPLIED', 'PREREQUISITES_MET', 'UNSUPPORTED_TEST', 'SUPPORTED_TEST', 'ASSURED', 'LIVE', 'SUSPENDED', 'LIVE']);
    expect(events[6]).toMatchObject({ from: 'LIVE', reason: 'Incident under investigation', by: 'reviewer' });
  });

  it('lets only one of two concurrent transitions on a pairing win', async () => {
    const dev = await addPerson(app, 'dev.race', 'SUPPLIER_DEVELOPER');
    const { pairings } = await apply(app, dev);
    const pairingId = pairings[0]!.id;
    await transition(app, reviewer, pairingId, 'PREREQUISITES_MET');
    const results = await Promise.all([
      transition(app, reviewer, pairingId, 'UNSUPPORTED_TEST', 'first reviewer'),
      transition(app, reviewer, pairingId, 'UNSUPPORTED_TEST', 'second reviewer'),
    ]);
    expect(results.map((r) => r.__typename).sort()).toEqual(['InvalidTransition', 'Pairing']);
  });

  it('caps the number of live suppliers, also when two go live at once', async () => {
    // MAX_LIVE_SUPPLIERS is 2 here and one supplier is already live from the walk above.
    const a = await apply(app, await addPerson(app, 'dev.cap.a', 'SUPPLIER_DEVELOPER'));
    const b = await apply(app, await addPerson(app, 'dev.cap.b', 'SUPPLIER_DEVELOPER'));
    const [pa, pb] = [a.pairings[0]!.id, b.pairings[0]!.id];
    await walk(app, reviewer, pa, 'ASSURED');
    await walk(app, reviewer, pb, 'ASSURED');
    const results = await Promise.all([transition(app, reviewer, pa, 'LIVE'), transition(app, reviewer, pb, 'LIVE')]);
    const codes = results.map((r) => r.code ?? r.stage).sort();
    expect(codes).toEqual(['LIVE', 'LIVE_CAP_REACHED']);
    const refused = results.find((r) => r.code === 'LIVE_CAP_REACHED')!;
    expect(refused.message).toMatch(/2 suppliers are already live/);
  });

  it('grants only requested scopes', async () => {
    const dev = await addPerson(app, 'dev.scopes', 'SUPPLIER_DEVELOPER');
    const { id } = await apply(app, dev);
    expect(await grant(app, reviewer, id, ['patient/Condition.rs'])).toMatchObject({ code: 'SCOPE_NOT_REQUESTED' });
    expect(await grant(app, reviewer, id, ['patient/Patient.rs', 'patient/AllergyIntolerance.rs'])).toMatchObject({ __typename: 'Supplier' });
    const mine = await app.gql<{ mySupplier: { scopes: Array<{ scope: string; granted: boolean }> } }>('{ mySupplier { scopes { scope granted } } }', {}, dev);
    expect(mine.data!.mySupplier.scopes.filter((s) => s.granted).map((s) => s.scope).sort()).toEqual(['patient/AllergyIntolerance.rs', 'patient/Patient.rs']);
  });

  it('refuses governance to the wrong role and audits the refusal', async () => {
    const dev = await addPerson(app, 'dev.roles', 'SUPPLIER_DEVELOPER');
    const { pairings } = await apply(app, dev);
    const clinician = await app.tokenFor('clinician.Z91001');
    const response = await app.gql('mutation($id: String!) { transitionPairing(pairingId: $id, to: REJECTED, reason: "nope") { __typename } }', { id: pairings[0]!.id }, clinician);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const audit = await app.gql<{ auditEvents: { edges: Array<{ node: { actorId: string; operation: string; outcome: string } }> } }>(
      '{ auditEvents(first: 100, outcome: REFUSED) { edges { node { actorId operation outcome } } } }',
      {},
      reviewer,
    );
    expect(audit.data!.auditEvents.edges.map((e) => e.node)).toContainEqual({ actorId: 'clinician.Z91001', operation: 'transitionPairing', outcome: 'REFUSED' });
  });

  it('audits every governance action in an intact chain', async () => {
    const audit = await app.gql<{ auditEvents: { edges: Array<{ node: { operation: string; outcome: string } }> } }>(
      '{ auditEvents(first: 100) { edges { node { operation outcome } } } }',
      {},
      reviewer,
    );
    const ops = new Set(audit.data!.auditEvents.edges.map((e) => `${e.node.operation}:${e.node.outcome}`));
    for (const op of ['APPLY_AS_SUPPLIER:ALLOWED', 'APPLY_AS_SUPPLIER:REFUSED', 'TRANSITION_PAIRING:ALLOWED', 'TRANSITION_PAIRING:REFUSED', 'GRANT_SCOPES:ALLOWED', 'GRANT_SCOPES:REFUSED']) {
      expect(ops).toContain(op);
    }
    const report = await app.gql<{ verifyAuditChain: { intact: boolean; checked: number } }>('{ verifyAuditChain { intact checked } }', {}, reviewer);
    expect(report.data!.verifyAuditChain.intact).toBe(true);
    expect(report.data!.verifyAuditChain.checked).toBeGreaterThan(20);
  });
});
