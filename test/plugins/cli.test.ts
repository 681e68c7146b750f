// The gpoi CLI against a running API: `plugin run` takes its input from the manifest's query at a
// sandbox practice and runs it in the production sandbox; `plugin publish` submits the version.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/backends.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { pluginSupplier, type PluginPeople } from './support.js';

const run = promisify(execFile);
const gpoi = resolve(import.meta.dirname, '../../sdk/dist/cli/gpoi.js');
const medicationReview = resolve(import.meta.dirname, '../../plugins/medication-review');

describe.each(await availableBackends())('gpoi against the API (%s)', (backend) => {
  let app: TestApp;
  let server: Server;
  let url: string;
  let people: PluginPeople;

  beforeAll(async () => {
    app = await startTestApp(backend, { patients: 20 });
    people = await pluginSupplier(app);
    server = createServer(app.api.yoga);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
    await app.close();
  });

  it('runs a plugin on sandbox data from the API, printing input, effects, logs, time and memory', async () => {
    const { stdout } = await run('node', [gpoi, 'plugin', 'run', medicationReview, '--url', url, '--token', people.developer, '--practice', 'Z91001']);
    expect(stdout).toContain('"patients"');
    expect(stdout).toContain('outcome: OK');
    expect(stdout).toMatch(/effects \(\d+ of \d+ proposed\)/);
    expect(stdout).toMatch(/\d+ patients checked, \d+ due for a medication review/);
    expect(stdout).toMatch(/time: [\d.]+ ms {3}memory: [\d.]+ KiB/);
  });

  it('publishes the folder as a version awaiting review, and refuses the same version twice', async () => {
    const { stdout } = await run('node', [gpoi, 'plugin', 'publish', medicationReview, '--url', url, '--token', people.developer]);
    expect(stdout).toMatch(/^published medication-review@1\.0\.0: SUBMITTED \(sha256 [0-9a-f]{64}, \d+ bytes\)/);
    const again = await run('node', [gpoi, 'plugin', 'publish', medicationReview, '--url', url, '--token', people.developer]).catch((error: { code: number; stderr: string }) => error);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining('refused: VERSION_EXISTS') });
  });
});

describe('gpoi plugin run on a local input', () => {
  it('prints each proposed effect, what it would do and the scopes the practice must grant', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gpoi-effects-'));
    const manifest = {
      name: 'recall-booker', version: '0.1.0', description: 'Books recalls.', triggers: [{ kind: 'manual' }],
      scopes: ['patient/Appointment.cud'], effects: ['appointment.book', 'appointment.cancel', 'log'],
    };
    writeFileSync(join(folder, 'plugin.json'), JSON.stringify(manifest));
    writeFileSync(join(folder, 'input.json'), '{}');
    writeFileSync(join(folder, 'plugin.js'), `export default { run() { return [
      { kind: 'appointment.book', nhsNumber: '9990000018', slotIds: ['s1', 's2'], description: 'Annual review' },
      { kind: 'appointment.cancel', appointmentId: 'appt_1', reason: 'Rebooked' },
      { kind: 'log', message: 'two recalls' },
    ]; } };`);
    const { stdout } = await run('node', [gpoi, 'plugin', 'run', folder]);
    expect(stdout).toContain('outcome: OK');
    expect(stdout).toContain('1. book 9990000018 into slots s1, s2: "Annual review"');
    expect(stdout).toContain('2. cancel appointment appt_1: "Rebooked"');
    expect(stdout).toContain("3. log (info) to the practice's audit trail: two recalls");
    expect(stdout).toContain("the practice's grant of patient/Appointment.cud");

    // A manifest declaring an effect without its scope is refused before anything runs.
    writeFileSync(join(folder, 'plugin.json'), JSON.stringify({ ...manifest, scopes: [] }));
    const refused = await run('node', [gpoi, 'plugin', 'run', folder]).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('appointment.book needs scope patient/Appointment.cud') });
  });
});
