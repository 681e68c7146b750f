// The README's supplier walkthrough, for real: the server as its own process on a fresh embedded
// database, `scripts/walkthrough.ts` run against it twice (it must be re-runnable), and the app's
// reads found in an intact audit trail.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unusedPort } from './support/ports.js';
import { startServerProcess } from './support/server-process.js';
import { createClient, MySupplierDocument, PracticePatientsDocument } from '../sdk/index.js';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'gpoi-walkthrough-'));
const port = await unusedPort();
const base = `http://127.0.0.1:${port}`;
const serverEnv = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_PATIENTS: '40', DATABASE_URL: '', LOG_LEVEL: 'warn' };
/** What a supplier's shell would have: where the server is, nothing else. */
const walkthroughEnv = { PORT: String(port), HOST: '127.0.0.1' };

const startServer = () => startServerProcess(serverEnv);

function walkthrough(args: string[], script = 'scripts/walkthrough.ts'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env: walkthroughEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function token(person: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/token.ts', person], { env: serverEnv });
  return stdout.trim();
}

interface AuditNode {
  operation: string;
  actorKind: string;
  appId: string | null;
  nhsNumber: string | null;
  outcome: string;
  reason: string | null;
  detail: { fields?: string[] };
}
const AuditDocument = parse(`
  query WalkthroughAudit($supplierId: String!) {
    auditEvents(first: 100, supplierId: $supplierId) { edges { node { operation actorKind appId nhsNumber outcome reason detail } } }
    verifyAuditChain { intact checked }
  }
`) as TypedDocumentNode<
  { auditEvents: { edges: Array<{ node: AuditNode }> }; verifyAuditChain: { intact: boolean; checked: number } },
  { supplierId: string }
>;

const SECTION_STATUS = '(RECORDED|NOTHING_RECORDED|NOT_SUPPLIED|WITHHELD|UNAVAILABLE)';
const clientIdIn = (output: string) => /client_id (\S+)/.exec(output)?.[1];

describe('supplier walkthrough against the server process', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let firstPatient: string;
  const appIds: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    const developer = createClient({ url: `${base}/graphql`, token: await token('developer') });
    const { practice } = await developer.request(PracticePatientsDocument, { odsCode: 'Z91001', first: 1 });
    const nhsNumber = practice?.__typename === 'Practice' ? practice.patients?.edges[0]?.node.nhsNumber : undefined;
    if (!nhsNumber) throw new Error('Z91001 has no patients');
    firstPatient = nhsNumber;
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes a new supplier from application to reading a record, refusing the section the practice did not allow', async () => {
    const { code, stdout, stderr } = await walkthrough(['--url', base]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain('applied as Walkthrough Health Ltd');
    expect(stdout).toContain('EMIS_WEB: APPLIED -> PREREQUISITES_MET -> UNSUPPORTED_TEST');
    expect(stdout).toContain(`first patient at Z91001: ${firstPatient}`);
    expect(stdout).toMatch(new RegExp(`patient ${firstPatient}: \\S+ \\S+, born \\d{4}-\\d{2}-\\d{2}, at Z91001 \\(EMIS_WEB\\)`));
    expect(stdout).toMatch(new RegExp(`allergies\\s+${SECTION_STATUS} \\(\\d+ items?`));
    expect(stdout).toMatch(new RegExp(`medications\\s+${SECTION_STATUS} \\(\\d+ items?`));
    expect(stdout).toMatch(/problems\s+FORBIDDEN: Practice Z91001 has not allowed scope patient\/Condition\.rs\./);
    expect(stdout).toMatch(/cost: \d+ points; \d+ of 1000 left/);
    expect(stdout).toContain('next read: FORBIDDEN: Practice Z91001 has not enabled this app.');
    appIds.push(clientIdIn(stdout)!);
  });

  it('runs again against the same server, reusing the application and registering a fresh app', async () => {
    const { code, stdout, stderr } = await walkthrough([]); // the server's address from PORT and HOST this time
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/already applied as Walkthrough Health Ltd \(sup_\S+\): reusing it/);
    expect(stdout).toContain('EMIS_WEB: already UNSUPPORTED_TEST');
    expect(stdout).toContain('already granted: patient/Patient.rs');
    expect(stdout).toMatch(new RegExp(`allergies\\s+${SECTION_STATUS}`));
    expect(stdout).toMatch(/problems\s+FORBIDDEN/);
    appIds.push(clientIdIn(stdout)!);
    expect(new Set(appIds).size).toBe(2);
  });

  it('then takes a plugin from publication to a run at the sandbox practice and a closed task', async () => {
    const { code, stdout, stderr } = await walkthrough(['--url', base], 'scripts/plugin-walkthrough.ts');
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/medication-review@1\.0\.0-walkthrough\.\d+: SUBMITTED, sha256 [0-9a-f]{16}\.\.\., \d+ bytes/);
    expect(stdout).toContain('APPROVED: Reads medications only to remind of reviews.');
    expect(stdout).toMatch(/run run_\S+: OK, [1-9]\d* tasks created/);
    expect(stdout).toMatch(/log: \d+ patients checked, [1-9]\d* due for a medication review/);
    expect(stdout).toMatch(/closed tsk_\S+: DONE/);
  });

  it("leaves each app's reads, allowed and refused, in an intact audit trail", async () => {
    const { mySupplier } = await createClient({ url: `${base}/graphql`, token: await token('developer') }).request(MySupplierDocument);
    expect(mySupplier!.apps.map((a) => a.clientId)).toEqual(expect.arrayContaining(appIds));
    const reviewer = createClient({ url: `${base}/graphql`, token: await token('reviewer') });
    const { auditEvents, verifyAuditChain } = await reviewer.request(AuditDocument, { supplierId: mySupplier!.id });
    const reads = auditEvents.edges.map((e) => e.node).filter((n) => n.operation === 'READ_PATIENT_RECORD');
    for (const appId of appIds) {
      const mine = reads.filter((n) => n.appId === appId);
      expect(mine.every((n) => n.actorKind === 'SUPPLIER_APP' && n.nhsNumber === firstPatient)).toBe(true);
      const allowed = mine.find((n) => n.outcome === 'ALLOWED');
      expect(allowed?.detail.fields).toEqual(expect.arrayContaining(['allergies', 'medications']));
      expect(mine).toContainEqual(expect.objectContaining({ outcome: 'REFUSED', reason: 'Practice Z91001 has not allowed scope patient/Condition.rs.' }));
      // After disableApp the walkthrough asks for the practice's patient list, which is refused and audited.
      const listings = auditEvents.edges.map((e) => e.node).filter((n) => n.appId === appId && n.operation === 'LIST_PATIENTS');
      expect(listings).toContainEqual(expect.objectContaining({ outcome: 'REFUSED', reason: 'Practice Z91001 has not enabled this app.' }));
    }
    expect(verifyAuditChain.intact).toBe(true);
    expect(verifyAuditChain.checked).toBeGreaterThan(0);
  });
});
