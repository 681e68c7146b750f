// The SDK as a supplier gets it: `npm pack`, installed into an empty folder, used with plain `node`
// (ESM and CommonJS), its gpoi CLI scaffolding and running a plugin in the production sandbox.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sdkDir = resolve(import.meta.dirname, '../../sdk');
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('the SDK package', () => {
  let work: string;
  let app: string;
  let files: string[];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'gpoi-sdk-'));
    const [packed] = JSON.parse(run('npm', ['pack', sdkDir, '--pack-destination', work, '--json'], work)) as { filename: string; files: { path: string }[] }[];
    files = packed!.files.map((f) => f.path);
    app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'supplier-app', version: '1.0.0', private: true }));
    run('npm', ['install', join(work, packed!.filename), '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
  }, 180_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships compiled JavaScript and types, and nothing of the server', () => {
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/runner/worker.js', 'dist/cli/gpoi.js', 'package.json']));
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const serverOnly of ['@electric-sql/pglite', 'drizzle-orm', 'graphql-yoga', '@pothos/core', 'postgres', 'ioredis']) {
      expect(manifest.dependencies).not.toHaveProperty(serverOnly);
    }
    const installed = readdirSync(join(app, 'node_modules'));
    expect(installed).not.toContain('graphql-yoga');
    expect(installed).not.toContain('drizzle-orm');
  });

  it('imports with plain node as ESM and runs a plugin in the sandbox', () => {
    writeFileSync(join(app, 'esm.mjs'), `
      import { createClient, definePlugin, PatientRecordDocument, manifestSchema } from '@gp-open-integration/sdk';
      import { createPluginRunner } from '@gp-open-integration/sdk/runner';
      const runner = createPluginRunner({ threads: 1 });
      const result = await runner.run({
        bundle: "import { definePlugin } from '@gp-open-integration/sdk/plugin'; export default definePlugin({ run: (input, ctx) => { ctx.log('n=' + input.n); return [{ kind: 'practice-task.create', nhsNumber: '9990000018', title: 'Review ' + input.n }]; } });",
        input: { n: 7 },
        context: { now: '2026-01-02T03:04:05.000Z', practice: { odsCode: 'Z91001' }, trigger: { kind: 'manual' } },
        allowedEffects: ['practice-task.create'],
      });
      await runner.close();
      console.log(JSON.stringify({
        client: typeof createClient({ url: 'http://127.0.0.1:1/graphql' }).request,
        definePlugin: typeof definePlugin, document: PatientRecordDocument.kind,
        manifest: manifestSchema.safeParse({}).success, outcome: result.outcome, effects: result.effects, logs: result.logs,
      }));`);
    const out = JSON.parse(run('node', ['esm.mjs'], app).trim()) as Record<string, unknown>;
    expect(out).toEqual({
      client: 'function', definePlugin: 'function', document: 'Document', manifest: false, outcome: 'OK',
      effects: [{ kind: 'practice-task.create', nhsNumber: '9990000018', title: 'Review 7' }], logs: ['n=7'],
    });
  });

  it('loads with require() from CommonJS', () => {
    writeFileSync(join(app, 'cjs.cjs'), `
      const sdk = require('@gp-open-integration/sdk');
      console.log(JSON.stringify({ createClient: typeof sdk.createClient, clientCredentials: typeof sdk.clientCredentials, document: sdk.PracticesDocument.kind }));`);
    expect(JSON.parse(run('node', ['cjs.cjs'], app).trim())).toEqual({ createClient: 'function', clientCredentials: 'function', document: 'Document' });
  });

  it('gives the gpoi CLI: init scaffolds a plugin that run executes in the sandbox', () => {
    const gpoi = join(app, 'node_modules', '.bin', 'gpoi');
    expect(run(gpoi, ['plugin', 'init', 'hello-plugin'], app)).toContain('created hello-plugin');
    const output = run(gpoi, ['plugin', 'run', 'hello-plugin'], app);
    expect(output).toContain('outcome: OK');
    expect(output).toContain('"title": "Say hello"');
    expect(output).toMatch(/time: [\d.]+ ms {3}memory: [\d.]+ KiB/);
  });
});
