// What a plugin author writes against: `export default definePlugin({ run(input, context) { ... } })`.
// Inside the sandbox this module is the only import a plugin may name, and it resolves to the same
// identity function, so a plugin runs unchanged in the sandbox and in a plain Node test.
import type { Effect } from './manifest.js';

export type { Effect, EffectKind, EffectOf, PluginManifest, RunLimits, Trigger } from './manifest.js';

/** What the host hands a run besides its input. */
export interface PluginContext {
  /** The host's clock for this run (ISO 8601); the sandbox has no other. `new Date()` returns it too. */
  now: string;
  /** The practice this run is for. */
  practice: { odsCode: string };
  /** What fired the run. */
  trigger: { kind: 'manual' } | { kind: 'schedule'; cron: string } | { kind: 'event'; type: string; eventId: string; subject: Record<string, string> };
  /** Capped: lines past the manifest's log limits are dropped and counted. */
  log(message: string): void;
}

export interface Plugin<Input = unknown> {
  run(input: Input, context: PluginContext): Effect[] | Promise<Effect[]>;
}

/** Identity at run time; gives `run` its types. */
export function definePlugin<Input = unknown>(plugin: Plugin<Input>): Plugin<Input> {
  return plugin;
}

/** The specifier a bundle may import, and the source the sandbox serves for it. */
export const PLUGIN_MODULE_SPECIFIER = '@gp-open-integration/sdk/plugin';
export const PLUGIN_MODULE_SANDBOX_SOURCE = 'export function definePlugin(plugin) { return plugin; }\n';
