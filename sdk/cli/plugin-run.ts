// `gpoi plugin run`: the plugin in the production sandbox, with its manifest's limits, on an input
// from a file or from the API (its input query at a sandbox practice). Prints what a run record holds.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPluginRunner } from '../runner/pool.js';
import { EFFECT_SCOPES, type Effect } from '../manifest.js';
import type { PluginContext } from '../plugin.js';
import { readPluginFolder } from './plugin-files.js';
import { fetchPluginInput } from './api.js';

export interface RunOptions {
  input?: string;
  /** A JSON file {type, id, subject} simulating the domain event that triggers the run. */
  event?: string;
  url?: string;
  token?: string;
  practice?: string;
}

export async function runPluginLocally(folder: string, options: RunOptions): Promise<number> {
  const { manifest, bundle } = await readPluginFolder(folder);
  const now = new Date().toISOString();
  const odsCode = options.practice ?? 'Z91001';
  const trigger = await triggerFor(folder, options.event);
  let input: unknown;
  if (options.url) {
    if (!manifest.input) throw new Error('the manifest has no input query to run');
    if (!options.token) throw new Error('--token is needed with --url');
    const subject = trigger.kind === 'event' ? trigger.subject : {};
    input = await fetchPluginInput(options.url, options.token, manifest.input.query, { odsCode, now, today: now.slice(0, 10), ...subject });
  } else {
    input = JSON.parse(await readFile(options.input ?? join(folder, 'input.json'), 'utf8'));
  }
  const runner = createPluginRunner({ threads: 1 });
  try {
    const result = await runner.run({
      bundle,
      input,
      context: { now, practice: { odsCode }, trigger },
      limits: manifest.limits,
      allowedEffects: manifest.effects,
    });
    console.log(`input:\n${JSON.stringify(input, null, 2)}`);
    console.log(`outcome: ${result.outcome}${result.error ? ` (${result.error})` : ''}`);
    console.log(`effects (${result.effects.length} of ${result.proposedCount} proposed):\n${JSON.stringify(result.effects, null, 2)}`);
    for (const [i, effect] of result.effects.entries()) console.log(`  ${i + 1}. ${describeEffect(effect)}`);
    const needed = [...new Set(result.effects.flatMap((e) => EFFECT_SCOPES[e.kind] ?? []))];
    if (result.effects.length) {
      console.log(`at a practice these need ${needed.length ? `the practice's grant of ${needed.join(', ')}` : 'no scope'}, patients and appointments of that practice, and are applied all or none`);
    }
    console.log(`logs (${result.logs.length}, ${result.logsDropped} dropped):`);
    for (const line of result.logs) console.log(`  ${line}`);
    console.log(`time: ${result.durationMs.toFixed(2)} ms   memory: ${(result.memoryBytes / 1024).toFixed(1)} KiB`);
    return result.outcome === 'OK' ? 0 : 1;
  } finally {
    await runner.close();
  }
}

/** The event in --event, else the folder's event.json if there is one, else a manual trigger. */
async function triggerFor(folder: string, eventFile: string | undefined): Promise<PluginContext['trigger']> {
  const text = await readFile(eventFile ?? join(folder, 'event.json'), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (!eventFile && error.code === 'ENOENT') return null;
    throw error;
  });
  if (text === null) return { kind: 'manual' };
  const event = JSON.parse(text) as { type: string; id?: string; subject?: Record<string, string> };
  return { kind: 'event', type: event.type, eventId: event.id ?? 'local-event', subject: event.subject ?? {} };
}

/** One line per effect: what the platform would do with it. */
export function describeEffect(effect: Effect): string {
  switch (effect.kind) {
    case 'practice-task.create':
      return `task for ${effect.nhsNumber}: "${effect.title}"${effect.dueDate ? ` due ${effect.dueDate}` : ''}`;
    case 'appointment.book':
      return `book ${effect.nhsNumber} into ${effect.slotIds.length === 1 ? 'slot' : 'slots'} ${effect.slotIds.join(', ')}: "${effect.description}"`;
    case 'appointment.cancel':
      return `cancel appointment ${effect.appointmentId}: "${effect.reason}"`;
    case 'document.send':
      return `send document "${effect.title}" about ${effect.nhsNumber} to the practice's review queue (${effect.text !== undefined ? `${effect.text.length} characters of text` : `${effect.contentBase64?.length ?? 0} base64 characters`})`;
    case 'log':
      return `log (${effect.level ?? 'info'}) to the practice's audit trail: ${effect.message}`;
  }
}
