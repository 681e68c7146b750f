// The README's first command, for real: the server as a separate process on the embedded database,
// GraphiQL reachable, tokens from `npm run token`, the SDK reading a record, data kept across a restart.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unusedPort } from './support/ports.js';
import { startServerProcess } from './support/server-process.js';
import { createClient, GraphQLRequestError, PatientRecordDocument, PracticesDocument } from '../sdk/index.js';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'gpoi-server-'));
const port = await unusedPort();
const serverEnv = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_PATIENTS: '40', DATABASE_URL: '', LOG_LEVEL: 'warn' };

const startServer = () => startServerProcess(serverEnv);

async function token(person: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/token.ts', person], { env: serverEnv });
  return stdout.trim();
}

describe('server process on the embedded database', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const url = `http://127.0.0.1:${port}/graphql`;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds on first start and answers health and readiness', async () => {
    expect(server.output()).toContain('40 synthetic patients in 8 practices (seeded now)');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('serves GraphiQL at /graphql to a browser, self-contained', async () => {
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('GP Open Integration');
    expect(html).not.toContain('unpkg.com');
  });

  it('lets the SDK read a synthetic record with a token from npm run token', async () => {
    const client = createClient({ url, token: await token('developer') });
    const practices = await client.request(PracticesDocument, { first: 10 });
    expect(practices.practices.edges.map((e) => e.node.system.id)).toContain('TPP_SYSTMONE');
    const record = await client.request(PatientRecordDocument, { nhsNumber: '9990000018' });
    const patient = record.patient;
    if (patient?.__typename !== 'Patient') throw new Error(`expected a patient, got ${patient?.__typename}`);
    expect(patient.nhsNumber).toBe('9990000018');
    expect(['RECORDED', 'NOTHING_RECORDED']).toContain(patient.allergies?.status);
  });

  it('surfaces refusals through the SDK with their codes', async () => {
    const anonymous = createClient({ url });
    const error = await anonymous.request(PatientRecordDocument, { nhsNumber: '9990000018' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect((error as GraphQLRequestError).codes).toContain('UNAUTHENTICATED');
  });

  it('keeps data and keys across a restart', async () => {
    const before = await token('clinician.Z91001');
    await server.stop();
    server = await startServer();
    expect(server.output()).toContain('(already seeded)');
    const client = createClient({ url, token: before });
    const record = await client.request(PatientRecordDocument, { nhsNumber: '9990000018' });
    expect(record.patient?.__typename).toBe('Patient');
  });
});
