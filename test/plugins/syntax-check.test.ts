// The syntax check a version gets at publish, through the real worker pool: it reports syntax errors
// with QuickJS's message, runs none of the bundle, and a worker can alternate checks and runs for as
// long as it lives (compile-only evaluation of modules corrupted the instance after a few dozen).
import { createPluginRunner, type PluginRunner } from '@gp-open-integration/sdk/runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const context = { now: '2026-12-01T09:30:00.000Z', practice: { odsCode: 'Z91001' }, trigger: { kind: 'manual' as const } };
const VALID = "import { definePlugin } from '@gp-open-integration/sdk/plugin';\nexport default definePlugin({ run() { return []; } });\n";

let runner: PluginRunner;
beforeAll(() => {
  runner = createPluginRunner({ threads: 1, niceness: 0 });
});
afterAll(async () => {
  await runner.close();
});

describe('the bundle syntax check', () => {
  it('reports a syntax error with its message, and passes modules that compile', async () => {
    expect(await runner.checkSyntax('export default { run() { return [ } };')).toMatch(/unexpected token/);
    expect(await runner.checkSyntax('/* never closed')).toMatch(/comment/);
    expect(await runner.checkSyntax(VALID)).toBeNull();
    expect(await runner.checkSyntax('#!/usr/bin/env node\nexport default { run() { return []; } } // no newline at the end')).toBeNull();
  });

  it('runs none of the bundle: a top-level loop or throw does not stop it compiling', async () => {
    expect(await runner.checkSyntax('for (;;) {}\nexport default {};')).toBeNull();
    expect(await runner.checkSyntax("throw new Error('top level ran');\nexport default {};")).toBeNull();
    expect(runner.recycledWorkers).toBe(0);
  });

  it('alternates with runs on one worker without harming it', async () => {
    const bundle = 'export default { run() { return []; } };';
    for (let i = 0; i < 300; i++) {
      expect(await runner.checkSyntax(bundle)).toBeNull();
      const run = await runner.run({ bundle, input: {}, context, limits: { timeoutMs: 5_000 }, allowedEffects: [] });
      expect(run.outcome, run.error ?? '').toBe('OK');
    }
    expect(runner.recycledWorkers).toBe(0);
  });
});
