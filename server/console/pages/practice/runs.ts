// Plugin runs at the practice: each run's outcome, its figures (time, memory, changes proposed and
// applied) and its logs, newest first.
import { heading, insetText, summaryList, table, tag, type TagColour } from '../../components.js';
import { formatBytes, formatDate, formatDateTime, formatDuration, formatNhsNumber } from '../../format.js';
import { html, type Html } from '../../html.js';
import { effectKindLabel, enumLabel } from '../../labels.js';
import { page, type ConsoleNavItem, type ConsoleRequest, type ConsoleResult, type ConsoleRoute } from '../../routes.js';
import { seg, nodes, type Connection } from '../common.js';

const BASE = '/console/practice/runs';
const PRACTICE_ROLES = ['PRACTICE_ADMIN', 'CLINICIAN'] as const;
/** The API's cap on one page of runs. */
const RUNS = 100;

interface Run {
  id: string;
  outcome: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  memoryBytes: number;
  effectsApplied: number;
  effectsProposed: unknown;
  error: string | null;
  logs: string[] | null;
  logsDropped: number;
  trigger: { kind?: string; by?: string; cron?: string; type?: string } | null;
  version: { id: string; name: string; version: string };
}

const RUN_FIELDS = 'id outcome startedAt finishedAt durationMs memoryBytes effectsApplied effectsProposed error logs logsDropped trigger version { id name version }';

const OUTCOME_COLOUR: Record<string, TagColour> = { OK: 'green', EFFECTS_REFUSED: 'orange', DISABLED: 'grey', ERROR: 'red', TIMEOUT: 'red', OUT_OF_MEMORY: 'red' };

/** The outcome in words on a coloured tag: the words carry the meaning, the colour only helps. */
export function outcomeTag(outcome: string): Html {
  return tag(enumLabel('PluginRunOutcome', outcome), OUTCOME_COLOUR[outcome] ?? 'grey');
}

function triggerWords(trigger: Run['trigger']): string {
  switch (trigger?.kind) {
    case 'manual':
      return trigger.by ? `Run now, by ${trigger.by}` : 'Run now';
    case 'schedule':
      return `Schedule (${trigger.cron ?? ''})`;
    case 'event':
      return `Event: ${trigger.type ?? ''}`;
    default:
      return 'Unknown';
  }
}

const proposedList = (value: unknown): Array<Record<string, unknown>> => (Array.isArray(value) ? (value as Array<Record<string, unknown>>) : []);

async function listRuns(req: ConsoleRequest): Promise<ConsoleResult> {
  const practicePluginRuns = nodes((await req.api<{ practicePluginRuns: Connection<Run> }>(`query Runs($first: Int) { practicePluginRuns(first: $first) { edges { node { ${RUN_FIELDS} } } } }`, { first: RUNS })).practicePluginRuns);
  const rows = practicePluginRuns.map((r) => [
    html`<a class="nhsuk-link" href="${BASE}/${seg(r.id)}">${formatDateTime(r.startedAt)}<span class="nhsuk-u-visually-hidden">: ${r.version.name} run</span></a>`,
    html`${r.version.name}<br><span class="nhsuk-body-s">Version ${r.version.version}</span>`,
    triggerWords(r.trigger),
    outcomeTag(r.outcome),
    `${r.effectsApplied} of ${proposedList(r.effectsProposed).length}`,
    formatDuration(r.durationMs),
  ]);
  return page(
    'Plugin runs',
    html`${heading('Plugin runs', `Practice ${req.session.practiceOds ?? ''}`)}
      <p class="nhsuk-body">Every run of a plugin at your practice, newest first (the latest ${RUNS}). Open a run to see its figures and its logs.</p>
      ${table({ caption: 'Runs', id: 'plugin-runs', empty: 'No plugin has run at your practice yet.', head: ['Started', 'Plugin', 'Started by', 'Outcome', 'Changes applied', 'Time taken'], rows })}`,
  );
}

function effectItem(effect: Record<string, unknown>): Html {
  const kind = String(effect.kind ?? '');
  if (kind === 'practice-task.create') {
    return html`<li>${effectKindLabel(kind)}: “${String(effect.title ?? '')}” for ${formatNhsNumber(String(effect.nhsNumber ?? ''))}${
      effect.dueDate ? `, due ${formatDate(String(effect.dueDate))}` : ''
    }</li>`;
  }
  return html`<li>${effectKindLabel(kind)} <code>${JSON.stringify(effect)}</code></li>`;
}

async function runPage(req: ConsoleRequest): Promise<ConsoleResult> {
  const runId = req.params.runId!;
  const practicePluginRuns = nodes((await req.api<{ practicePluginRuns: Connection<Run> }>(`query Runs($first: Int) { practicePluginRuns(first: $first) { edges { node { ${RUN_FIELDS} } } } }`, { first: RUNS })).practicePluginRuns);
  const run = practicePluginRuns.find((r) => r.id === runId);
  if (!run) {
    return page('Run not found', html`${heading('Run not found')}
      <p class="nhsuk-body">There is no run with this identifier among your practice’s latest ${RUNS} runs.</p>
      <p class="nhsuk-body"><a class="nhsuk-link" href="${BASE}">Back to plugin runs</a></p>`, { status: 404 });
  }
  const proposed = proposedList(run.effectsProposed);
  const logs = run.logs ?? [];
  const body = html`${heading(`${run.version.name} run`, `Started ${formatDateTime(run.startedAt)}`)}
    ${summaryList([
      { key: 'Outcome', value: outcomeTag(run.outcome) },
      ...(run.error ? [{ key: 'What went wrong', value: run.error }] : []),
      { key: 'Plugin', value: html`<a class="nhsuk-link" href="/console/practice/plugins/versions/${seg(run.version.id)}">${run.version.name} version ${run.version.version}</a>` },
      { key: 'Started by', value: triggerWords(run.trigger) },
      { key: 'Started', value: formatDateTime(run.startedAt) },
      { key: 'Finished', value: formatDateTime(run.finishedAt) },
      { key: 'Time taken', value: formatDuration(run.durationMs) },
      { key: 'Memory used', value: formatBytes(run.memoryBytes) },
      { key: 'Changes proposed', value: String(proposed.length) },
      { key: 'Changes applied', value: String(run.effectsApplied) },
    ])}
    <h2 class="nhsuk-heading-m">Changes proposed</h2>
    ${proposed.length === 0 ? html`<p class="nhsuk-body">This run proposed no changes.</p>` : html`<ul class="nhsuk-list nhsuk-list--bullet">${proposed.map(effectItem)}</ul>`}
    ${run.effectsApplied < proposed.length ? insetText(html`<p>Changes are applied all together or not at all: ${run.effectsApplied === 0 ? 'none of them was applied' : 'only some were applied'}. ${run.error ?? ''}</p>`) : null}
    <h2 class="nhsuk-heading-m">Logs</h2>
    ${logs.length === 0 ? html`<p class="nhsuk-body">The plugin wrote no log lines.</p>` : html`<pre class="console-code" data-testid="run-logs" tabindex="0" aria-label="Log lines">${logs.join('\n')}</pre>`}
    ${run.logsDropped > 0 ? html`<p class="nhsuk-body-s">${run.logsDropped} more log ${run.logsDropped === 1 ? 'line was' : 'lines were'} dropped (over the plugin’s log limit).</p>` : null}`;
  return page(`${run.version.name} run`, body, { breadcrumbs: [{ text: 'Plugin runs', href: BASE }] });
}

export const routes: ConsoleRoute[] = [
  { method: 'GET', path: BASE, roles: [...PRACTICE_ROLES], handle: listRuns },
  { method: 'GET', path: `${BASE}/:runId`, roles: [...PRACTICE_ROLES], handle: runPage },
];

export const nav: ConsoleNavItem[] = [{ text: 'Plugin runs', href: BASE, roles: [...PRACTICE_ROLES] }];
