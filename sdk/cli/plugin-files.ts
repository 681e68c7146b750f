// A plugin folder: plugin.json (the manifest), plugin.js (the bundle: one module) and, for local
// runs, input.json (an input to try without the API).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_BUNDLE_BYTES, manifestSchema, type ValidManifest } from '../manifest.js';

export interface PluginFolder {
  manifest: ValidManifest;
  manifestText: string;
  bundle: string;
}

export async function readPluginFolder(folder: string): Promise<PluginFolder> {
  const manifestText = await readFile(join(folder, 'plugin.json'), 'utf8');
  const parsed = manifestSchema.safeParse(JSON.parse(manifestText));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(manifest)'}: ${i.message}`).join('\n');
    throw new Error(`plugin.json is not a valid manifest:\n${issues}`);
  }
  const bundle = await readFile(join(folder, 'plugin.js'), 'utf8');
  if (Buffer.byteLength(bundle) > MAX_BUNDLE_BYTES) throw new Error(`plugin.js is over ${MAX_BUNDLE_BYTES} bytes`);
  return { manifest: parsed.data, manifestText, bundle };
}
