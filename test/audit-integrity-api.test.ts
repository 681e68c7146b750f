// The audit trail's integrity through the API: a check any number of aliases share, a full
// re-verification started and polled by a reviewer, the public checkpoints, and inclusion proofs a
// practice can check on its own.
import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../server/domain/audit/event.js';
import { verifyInclusion } from '../server/domain/audit/merkle.js';
import { availableBackends } from './support/backends.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface Report { intact: boolean; checked: number; lastSeq: number; checkpointSeq: number }

describe.each(await availableBackends())('audit integrity API (%s)', (backend) => {
  let app: TestApp;
  let reviewer: string;
  let clinician: string;

  beforeAll(async () => {
    app = await startTestApp(backend);
    reviewer = await app.tokenFor('reviewer');
    clinician = await app.tokenFor('clinician.Z91001');
    // A few audited reads at Z91001, then a checkpoint.
    for (let i = 0; i < 3; i++) await app.gql('{ practice(odsCode: "Z91001") { ... on Practice { patients(first: 2) { edges { node { nhsNumber } } } } } }', {}, clinician);
    await app.api.auditIntegrity.checkpointNow();
  });
  afterAll(() => app.close());

  it('answers 30 aliased checks with one check, from the latest checkpoint', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `v${i}: verifyAuditChain { intact checked lastSeq checkpointSeq }`).join(' ');
    app.statements.length = 0;
    const response = await app.gql<Record<string, Report>>(`{ ${aliases} }`, {}, reviewer);
    expect(response.errors).toBeUndefined();
    const reports = Object.values(response.data!);
    expect(reports).toHaveLength(30);
    expect(new Set(reports.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(reports[0]).toMatchObject({ intact: true, checked: 0 });
    expect(reports[0]!.checkpointSeq).toBe(reports[0]!.lastSeq);
    // One anchor read, one head read, one read of the (empty) tail: not 30 of each, and no full walk.
    expect(app.statements.filter((s) => /from "audit_events"/.test(s) && !/^insert/i.test(s))).toHaveLength(2);
  });

  it('runs a full re-verification in the background that a reviewer starts and polls', async () => {
    const started = await app.gql<{ startAuditVerification: { id: string; state: string } }>('mutation { startAuditVerification { id state } }', {}, reviewer);
    const id = started.data!.startAuditVerification.id;
    let job: { state: string; checked: number; total: number; report: Report | null } | undefined;
    for (let i = 0; i < 200 && job?.state !== 'DONE'; i++) {
      const polled = await app.gql<{ auditVerification: typeof job }>('query($id: ID!) { auditVerification(id: $id) { state checked total report { intact checked lastSeq } } }', { id }, reviewer);
      job = polled.data!.auditVerification;
      if (job?.state !== 'DONE') await new Promise((r) => setTimeout(r, 20));
    }
    expect(job).toMatchObject({ state: 'DONE', report: { intact: true } });
    expect(job!.checked).toBe(job!.report!.checked);
    expect(job!.checked).toBeGreaterThanOrEqual(job!.total);
    const asClinician = await app.gql('mutation { startAuditVerification { id } }', {}, clinician);
    expect(asClinician.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('publishes the signed checkpoints and the key that verifies them, to anyone', async () => {
    const response = await app.fetch('/audit/checkpoints');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { algorithm: string; publicKey: string; checkpoints: Array<Record<string, unknown> & { sig: string }> };
    expect(body.algorithm).toBe('Ed25519');
    expect(body.checkpoints.length).toBeGreaterThan(0);
    const key = createPublicKey(body.publicKey);
    for (const { sig, ...signed } of body.checkpoints) {
      expect(verify(null, Buffer.from(canonicalJson(signed)), key, Buffer.from(sig, 'base64url'))).toBe(true);
    }
    expect((await app.fetch('/audit/checkpoints?after=x')).status).toBe(400);
  });

  it("gives a practice user a proof for their own practice's event, and refuses another practice's", async () => {
    const events = await app.gql<{ auditEvents: { edges: Array<{ node: { seq: number; hash: string } }> } }>(
      '{ auditEvents(last: 1, practiceOdsCode: "Z91001") { edges { node { seq hash } } } }', // the oldest: before the checkpoint,
      {},
      reviewer,
    );
    const { seq, hash } = events.data!.auditEvents.edges.map((e) => e.node).find(() => true)!;
    const PROOF = 'query($s: Int!) { auditInclusionProof(seq: $s) { seq eventHash proof checkpoint { seq root } } }';
    const proved = await app.gql<{ auditInclusionProof: { eventHash: string; proof: string[]; checkpoint: { seq: number; root: string } } }>(PROOF, { s: seq }, clinician);
    const p = proved.data!.auditInclusionProof;
    expect(p.eventHash).toBe(hash);
    expect(verifyInclusion(hash, seq - 1, p.checkpoint.seq, p.proof, p.checkpoint.root)).toBe(true);
    const other = await app.gql(PROOF, { s: seq }, await app.tokenFor('clinician.Z92001'));
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const twice = await app.gql(`{ a: auditInclusionProof(seq: ${seq}) { seq } b: auditInclusionProof(seq: ${seq}) { seq } }`, {}, reviewer);
    expect(twice.errors?.map((e) => e.message)).toEqual(['One inclusion proof per request.']);
  });
});
