// `gpoi plugin run`: the plugin in the production sandbox, with its manifest's limits, on an input
// from a file or from the API (its input query at a sandbox practice). Prints what a run record holds.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPluginRunner } from '../runner/pool.js';
import { readPluginFolder } from './plugin-files.js';
import { fetchPluginInput } from './api.js';

export interface RunOptions {
  input?: string;
  url?: string;
  token?: string;
  practice?: string;
}

export async function runPluginLocally(folder: string, options: RunOptions): Promise<number> {
  const { manifest, bundle } = await readPluginFolder(folder);
  const now = new Date().toISOString();
  const odsCode = options.practice ?? 'Z91001';
  let input: unknown;
  if (options.url) {
    if (!manifest.input) throw new Error('the manifest has no input query to run');
    if (!options.token) throw new Error('--token is needed with --url');
    input = await fetchPluginInput(options.url, options.token, manifest.input.query, { odsCode, now, today: now.slice(0, 10) });
  } else {
    input = JSON.parse(await readFile(options.input ?? join(folder, 'input.json'), 'utf8'));
  }
  const runner = createPluginRunner({ threads: 1 });
  try {
    const result = await runner.run({
      bundle,
      input,
      context: { now, practice: { odsCode }, trigger: { kind: 'manual' } },
      limits: manifest.limits,
      allowedEffects: manifest.effects,
    });
    console.log(`input:\n${JSON.stringify(input, null, 2)}`);
    console.log(`outcome: ${result.outcome}${result.error ? ` (${result.error})` : ''}`);
    console.log(`effects (${result.effects.length} of ${result.proposedCount} proposed):\n${JSON.stringify(result.effects, null, 2)}`);
    console.log(`logs (${result.logs.length}, ${result.logsDropped} dropped):`);
    for (const line of result.logs) console.log(`  ${line}`);
    console.log(`time: ${result.durationMs.toFixed(2)} ms   memory: ${(result.memoryBytes / 1024).toFixed(1)} KiB`);
    return result.outcome === 'OK' ? 0 : 1;
  } finally {
    await runner.close();
  }
}
