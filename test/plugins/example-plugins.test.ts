// The example plugins, each run through the production sandbox with its own manifest and sample
// input, and the same module imported into Node directly: the answers agree.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { manifestSchema, type Plugin } from '@gp-open-integration/sdk';
import { createPluginRunner, type PluginRunner } from '@gp-open-integration/sdk/runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const folder = (name: string) => resolve(import.meta.dirname, '../../plugins', name);
const read = (name: string, file: string) => JSON.parse(readFileSync(resolve(folder(name), file), 'utf8')) as Record<string, unknown>;

let runner: PluginRunner;
beforeAll(() => {
  runner = createPluginRunner({ threads: 1 });
});
afterAll(() => runner.close());

async function both(name: string, input: unknown, context: { now: string; practice: { odsCode: string }; trigger: never }) {
  const manifest = manifestSchema.parse(read(name, 'plugin.json'));
  const bundle = readFileSync(resolve(folder(name), 'plugin.js'), 'utf8');
  const sandboxed = await runner.run({ bundle, input, context, limits: manifest.limits, allowedEffects: manifest.effects });
  const logs: string[] = [];
  const direct = (await import(pathToFileURL(resolve(folder(name), 'plugin.js')).href)) as { default: Plugin };
  const inNode = await direct.default.run(input, { ...context, log: (line) => logs.push(line) });
  return { sandboxed, inNode, logs };
}

describe('medication-review', () => {
  it('proposes one task per patient with an active repeat medication past its annual review', async () => {
    const { sandboxed, inNode, logs } = await both('medication-review', read('medication-review', 'input.json'), {
      now: '2026-12-01T06:00:00.000Z', practice: { odsCode: 'Z91001' }, trigger: { kind: 'schedule', cron: '0 6 * * *' } as never,
    });
    expect(sandboxed.outcome).toBe('OK');
    expect(sandboxed.effects).toEqual([
      { kind: 'practice-task.create', nhsNumber: '9990000018', title: 'Medication review due', detail: 'Repeat medication past its annual review: Amlodipine 5mg tablets', dueDate: '2026-12-01' },
    ]);
    expect(sandboxed.logs).toEqual(['2 patients checked, 1 due for a medication review']);
    expect(sandboxed.effects).toEqual(inNode);
    expect(sandboxed.logs).toEqual(logs);
  });

  it('proposes nothing when the medications section was withheld', async () => {
    const input = { practice: { patients: { edges: [{ node: { nhsNumber: '9990000018', medications: null } }] } } };
    const { sandboxed } = await both('medication-review', input, { now: '2026-12-01T06:00:00.000Z', practice: { odsCode: 'Z91001' }, trigger: { kind: 'manual' } as never });
    expect(sandboxed).toMatchObject({ outcome: 'OK', effects: [] });
  });
});

describe('appointment-follow-up', () => {
  const event = read('appointment-follow-up', 'event.json') as { type: string; id: string; subject: Record<string, string> };
  const trigger = { kind: 'event', type: event.type, eventId: event.id, subject: event.subject } as never;

  it('on a booking, drafts the questionnaire into the review queue and proposes a task to send it the day before', async () => {
    const { sandboxed, inNode } = await both('appointment-follow-up', read('appointment-follow-up', 'input.json'), { now: '2026-12-01T10:00:00.000Z', practice: { odsCode: 'Z91001' }, trigger });
    expect(sandboxed.outcome, sandboxed.error ?? '').toBe('OK');
    const [document, task] = sandboxed.effects;
    expect(document).toMatchObject({ kind: 'document.send', nhsNumber: '9990000018', title: 'Pre-appointment questionnaire for 2026-12-10 09:00' });
    const text = document?.kind === 'document.send' ? (document.text ?? '') : '';
    expect(text).toContain('Your appointment is on 2026-12-10 09:00 with Dr A Example.');
    expect(text.split('\n').filter((line) => /^\d\. /.test(line))).toHaveLength(4);
    expect(task).toEqual({
      kind: 'practice-task.create', nhsNumber: '9990000018', title: 'Send pre-appointment questionnaire',
      detail: 'Appointment apt-1 on 2026-12-10 09:00 with Dr A Example: send the patient "Pre-appointment questionnaire for 2026-12-10 09:00" from the document review queue.',
      dueDate: '2026-12-09',
    });
    expect(sandboxed.effects).toEqual(inNode);
  });

  it('for an appointment sooner than a day away, the task is due today', async () => {
    const input = { patient: { nhsNumber: '9990000018', appointments: { appointments: [{ id: 'apt-1', start: '2026-12-01T16:00:00Z', status: 'BOOKED', practitioner: null }] } } };
    const { sandboxed, inNode } = await both('appointment-follow-up', input, { now: '2026-12-01T10:00:00.000Z', practice: { odsCode: 'Z91001' }, trigger });
    expect(sandboxed.effects.map((e) => e.kind)).toEqual(['document.send', 'practice-task.create']);
    expect(sandboxed.effects[1]).toMatchObject({ dueDate: '2026-12-01', detail: expect.stringMatching(/^Appointment apt-1 on 2026-12-01 16:00: send/) });
    expect(sandboxed.effects).toEqual(inNode);
  });

  it('proposes nothing for an appointment it cannot see as booked, and logs why', async () => {
    const input = { patient: { nhsNumber: '9990000018', appointments: { appointments: [{ id: 'apt-1', start: '2026-12-10T09:00:00Z', status: 'CANCELLED' }] } } };
    const { sandboxed } = await both('appointment-follow-up', input, { now: '2026-12-01T10:00:00.000Z', practice: { odsCode: 'Z91001' }, trigger });
    expect(sandboxed).toMatchObject({ outcome: 'OK', effects: [], logs: ['appointment apt-1 not found as booked; nothing proposed'] });
  });
});
