// The gpoi CLI against a running API: `plugin run` takes its input from the manifest's query at a
// sandbox practice and runs it in the production sandbox; `plugin publish` submits the version.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
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
