// Plugins at the practice: NHS England-approved plugin versions the practice may switch on with the
// permissions it consents to, switching one off at once, running one now, and moving to a newer
// version: in one step when it asks for nothing more, otherwise by consenting to what it adds.
import type { PluginVersion } from '../../api-types.js';
import { button, form, heading, insetText, summaryList, table, tag, type FieldError } from '../../components.js';
import { formatDateTime } from '../../format.js';
import { html, type Html } from '../../html.js';
import { effectKindLabel, enumLabel, eventTypeLabel } from '../../labels.js';
import { page, redirect, type ConsoleNavItem, type ConsoleRequest, type ConsoleResult, type ConsoleRoute } from '../../routes.js';
import { formList, isRefused, problems, scopeCheckboxes, scopeList, seg, type ApiRefusal, nodes, type Connection } from '../common.js';

const BASE = '/console/practice/plugins';
const PRACTICE_ROLES = ['PRACTICE_ADMIN', 'CLINICIAN'] as const;

export type Version = Pick<PluginVersion, 'id' | 'name' | 'version' | 'description' | 'scopes' | 'effectKinds' | 'triggers' | 'status' | 'submittedAt' | 'supplierId'>;
interface Enabled {
  pluginName: string;
  active: boolean;
  scopes: string[];
  changedAt: string;
  changedBy: string;
  version: Version;
}

const VERSION_FIELDS = 'id name version description scopes effectKinds triggers status submittedAt supplierId';
const ENABLED = `practicePlugins(first: 50) { edges { node { pluginName active scopes changedAt changedBy version { ${VERSION_FIELDS} } } } }`;

const isAdmin = (req: ConsoleRequest) => req.session.role === 'PRACTICE_ADMIN';

async function load(req: ConsoleRequest): Promise<{ enabled: Enabled[]; approved: Version[] }> {
  // Only admins may list approved versions (the API's rule); clinicians see what is switched on.
  if (!isAdmin(req)) {
    const data = await req.api<{ practicePlugins: Connection<Enabled> }>(`{ ${ENABLED} }`);
    return { enabled: nodes(data.practicePlugins), approved: [] };
  }
  const data = await req.api<{ practicePlugins: Connection<Enabled>; pluginVersions: Connection<Version> }>(
    `{ ${ENABLED} pluginVersions(status: APPROVED, first: 50) { edges { node { ${VERSION_FIELDS} } } } }`,
  );
  return { enabled: nodes(data.practicePlugins), approved: nodes(data.pluginVersions) };
}

/** The newest approved version of the same plugin submitted after the one switched on, if any. */
export function newerVersion(current: Version, approved: readonly Version[]): Version | null {
  const newer = approved
    .filter((v) => v.name === current.name && v.id !== current.id && v.submittedAt > current.submittedAt)
    .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
  return newer[0] ?? null;
}

/** Scopes a version asks for beyond those consented to (the practice's current consent). */
export function addedScopes(current: Version, next: Version): string[] {
  return next.scopes.filter((s) => !current.scopes.includes(s));
}

/** When a plugin runs, in words. */
export function triggerText(triggers: unknown): Html {
  const list = Array.isArray(triggers) ? (triggers as Array<{ kind?: string; cron?: string; type?: string }>) : [];
  if (list.length === 0) return html`Only when run by hand`;
  return html`<ul class="nhsuk-list nhsuk-u-margin-bottom-0">${list.map((t) =>
    html`<li>${
      t.kind === 'schedule'
        ? html`On a schedule: <code>${t.cron ?? ''}</code> (UTC)`
        : t.kind === 'event'
          ? html`When this happens: ${eventTypeLabel(t.type ?? '')} <code>${t.type ?? ''}</code>`
          : 'When someone at the practice runs it'
    }</li>`)}</ul>`;
}

function effectsText(kinds: readonly string[]): Html {
  if (kinds.length === 0) return html`Nothing: it only reads`;
  return html`<ul class="nhsuk-list nhsuk-u-margin-bottom-0">${kinds.map((k) => html`<li>${effectKindLabel(k)} <code>${k}</code></li>`)}</ul>`;
}

function smallButton(text: string, hidden: string, variant?: 'secondary' | 'warning'): Html {
  return html`<button class="nhsuk-button nhsuk-button--small${variant ? ` nhsuk-button--${variant}` : ''} nhsuk-u-margin-bottom-2" data-module="nhsuk-button" type="submit">${text}<span class="nhsuk-u-visually-hidden"> ${hidden}</span></button>`;
}

function actionsFor(req: ConsoleRequest, e: Enabled, approved: readonly Version[]): Html {
  const name = e.pluginName;
  const next = newerVersion(e.version, approved);
  const upgrade = next
    ? addedScopes(e.version, next).length === 0
      ? form({ action: `${BASE}/versions/${seg(next.id)}/upgrade`, csrfToken: req.csrfToken, body: smallButton(`Upgrade to ${next.version}`, name, 'secondary') })
      : html`<p class="nhsuk-body-s"><a class="nhsuk-link" href="${BASE}/versions/${seg(next.id)}">Review version ${next.version}<span class="nhsuk-u-visually-hidden"> of ${name}</span></a>: it asks for more permissions</p>`
    : null;
  return html`${form({ action: `${BASE}/${seg(name)}/run`, csrfToken: req.csrfToken, body: smallButton('Run now', name) })}
    ${upgrade}
    ${form({ action: `${BASE}/${seg(name)}/disable`, csrfToken: req.csrfToken, body: smallButton('Switch off', name, 'warning') })}`;
}

async function listPlugins(req: ConsoleRequest): Promise<ConsoleResult> {
  const { enabled, approved } = await load(req);
  const active = enabled.filter((e) => e.active);
  const activeNames = new Set(active.map((e) => e.pluginName));
  const latestByName = new Map<string, Version>();
  for (const v of [...approved].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt))) if (!latestByName.has(v.name)) latestByName.set(v.name, v);
  const offered = [...latestByName.values()].filter((v) => !activeNames.has(v.name));
  const off = new Set(enabled.filter((e) => !e.active).map((e) => e.pluginName));

  const enabledTable = table({
    caption: 'Switched on at your practice',
    id: 'enabled-plugins',
    empty: 'No plugins are switched on at your practice.',
    head: ['Plugin', 'Permissions you consented to', 'Since', ...(isAdmin(req) ? ['Actions'] : [])],
    rows: active.map((e) => [
      html`<a class="nhsuk-link" href="${BASE}/versions/${seg(e.version.id)}">${e.pluginName}</a><br><span class="nhsuk-body-s">Version ${e.version.version}</span>`,
      scopeList(e.scopes),
      html`${formatDateTime(e.changedAt)}<br><span class="nhsuk-body-s">by ${e.changedBy}</span>`,
      ...(isAdmin(req) ? [actionsFor(req, e, approved)] : []),
    ]),
  });
  const offeredTable = isAdmin(req)
    ? table({
        caption: 'Approved by NHS England, not switched on',
        id: 'available-plugins',
        empty: 'There are no other approved plugins.',
        head: ['Plugin', 'What it does', 'Permissions it asks for'],
        rows: offered.map((v) => [
          html`<a class="nhsuk-link" href="${BASE}/versions/${seg(v.id)}">${v.name}</a><br><span class="nhsuk-body-s">Version ${v.version}</span>${off.has(v.name) ? html`<br>${tag('Switched off', 'grey')}` : null}`,
          v.description,
          scopeList(v.scopes),
        ]),
      })
    : insetText(html`<p>Only your practice admin can switch plugins on or off, run them, or change their permissions.</p>`);

  return page(
    'Plugins',
    html`${heading('Plugins', `Practice ${req.session.practiceOds ?? ''}`)}
      <p class="nhsuk-body">Plugins are small programs from suppliers that NHS England has reviewed. They run inside this platform with only the permissions you consent to, and propose changes (such as tasks on your worklist) that are checked before anything happens. <a class="nhsuk-link" href="/console/practice/runs">See every run</a>.</p>
      ${enabledTable}
      ${offeredTable}`,
  );
}

interface VersionState {
  chosen?: string[];
  errors?: FieldError[];
  refusal?: { code: string; message: string } | null;
}

async function versionPage(req: ConsoleRequest, state: VersionState = {}): Promise<ConsoleResult> {
  const versionId = req.params.versionId!;
  const { enabled, approved } = await load(req);
  const version = approved.find((v) => v.id === versionId) ?? enabled.find((e) => e.version.id === versionId)?.version;
  const current = version ? enabled.find((e) => e.pluginName === version.name) : undefined;
  if (!version) {
    return page('Plugin version not found', html`${heading('Plugin version not found')}
      <p class="nhsuk-body">There is no approved plugin version with this identifier. It may not have been reviewed yet, or it was rejected.</p>
      <p class="nhsuk-body"><a class="nhsuk-link" href="${BASE}">Back to plugins</a></p>`, { status: 404 });
  }
  const isCurrent = current?.active === true && current.version.id === version.id;
  const upgradeFrom = current?.active === true && current.version.id !== version.id ? current : null;
  const added = upgradeFrom ? addedScopes(upgradeFrom.version, version) : [];
  const status = isCurrent ? tag('Switched on', 'green') : upgradeFrom ? tag(`Version ${upgradeFrom.version.version} is switched on`, 'blue') : tag('Not switched on', 'white');

  const details = summaryList([
    { key: 'Status at your practice', value: status },
    { key: 'What it does', value: version.description },
    { key: 'When it runs', value: triggerText(version.triggers) },
    { key: 'What it may change', value: effectsText(version.effectKinds) },
    { key: 'Permissions it asks for', value: scopeList(version.scopes) },
    ...(isCurrent ? [{ key: 'Permissions you consented to', value: scopeList(current.scopes) }] : []),
    { key: 'Review', value: `${enumLabel('PluginVersionStatus', version.status)} by NHS England` },
    { key: 'Submitted', value: formatDateTime(version.submittedAt) },
  ]);

  let decide: Html | null = null;
  if (!isAdmin(req)) decide = insetText(html`<p>Only your practice admin can switch plugins on or off.</p>`);
  else if (upgradeFrom && added.length === 0) {
    decide = html`<h2 class="nhsuk-heading-m">Upgrade from version ${upgradeFrom.version.version}</h2>
      <p class="nhsuk-body">This version asks for no permission beyond those you consented to, so it can replace version ${upgradeFrom.version.version} in one step, keeping your choices.</p>
      ${form({ action: `${BASE}/versions/${seg(version.id)}/upgrade`, csrfToken: req.csrfToken, body: button({ text: `Upgrade to version ${version.version}` }) })}`;
  } else if (!isCurrent || version.scopes.length > 0) {
    const chosen = state.chosen ?? (isCurrent ? current.scopes : upgradeFrom ? upgradeFrom.scopes.filter((s) => version.scopes.includes(s)) : []);
    const notes = Object.fromEntries(added.map((s) => [s, 'new in this version']));
    decide = html`<h2 class="nhsuk-heading-m">${upgradeFrom ? `Consent to version ${version.version}` : isCurrent ? 'Change permissions' : 'Switch on'}</h2>
      ${upgradeFrom ? html`<p class="nhsuk-body">Version ${version.version} asks for ${added.length === 1 ? 'a permission' : 'permissions'} you have not consented to: ${added.join(', ')}. It replaces version ${upgradeFrom.version.version} once you consent.</p>` : null}
      ${form({
        action: `${BASE}/versions/${seg(version.id)}/enable`,
        csrfToken: req.csrfToken,
        body: html`${version.scopes.length > 0
          ? scopeCheckboxes({
              legend: 'Which permissions do you consent to?',
              hint: 'The plugin can only use the permissions you tick. Without one it needs, its changes are refused.',
              scopes: version.scopes,
              values: chosen,
              notes,
              error: state.errors?.find((e) => e.field === 'scopes')?.message,
            })
          : html`<p class="nhsuk-body">This plugin asks for no permissions.</p>`}
          ${button({ text: upgradeFrom ? `Consent and upgrade to version ${version.version}` : isCurrent ? 'Save permissions' : 'Switch on with these permissions' })}`,
      })}`;
  }

  return page(
    `${version.name} ${version.version}`,
    html`${problems({ refusal: state.refusal, errors: state.errors })}
      ${heading(`${version.name} version ${version.version}`, 'Plugin')}
      ${details}
      ${decide}`,
    { breadcrumbs: [{ text: 'Plugins', href: BASE }], status: state.errors?.length || state.refusal ? 400 : 200 },
  );
}

async function enable(req: ConsoleRequest): Promise<ConsoleResult> {
  const versionId = req.params.versionId!;
  const chosen = formList(req.form, 'scopes');
  const { approved } = await load(req);
  const version = approved.find((v) => v.id === versionId);
  const errors: FieldError[] = [];
  if (version && version.scopes.length > 0 && chosen.length === 0) errors.push({ field: 'scopes', message: 'Choose at least one permission to consent to, or leave the plugin switched off' });
  else if (version && chosen.some((s) => !version.scopes.includes(s))) errors.push({ field: 'scopes', message: 'Choose only permissions this version asks for' });
  if (errors.length > 0) return versionPage(req, { chosen, errors });
  const result = await req.api<{ enablePlugin: ApiRefusal & { pluginName?: string; version?: { version: string } } }>(
    'mutation EnablePlugin($versionId: String!, $scopes: [String!]!) { enablePlugin(versionId: $versionId, scopes: $scopes) { __typename ... on Error { code message } ... on PluginEnablement { pluginName version { version } } } }',
    { versionId, scopes: chosen },
  );
  const outcome = result.enablePlugin;
  if (isRefused(outcome, 'PluginEnablement')) return versionPage(req, { chosen, refusal: { code: outcome.code, message: outcome.message } });
  return redirect(BASE, { kind: 'success', message: `${outcome.pluginName} version ${outcome.version?.version ?? ''} is switched on at your practice.` });
}

async function upgrade(req: ConsoleRequest): Promise<ConsoleResult> {
  const result = await req.api<{ upgradePlugin: ApiRefusal & { pluginName?: string; version?: { version: string } } }>(
    'mutation UpgradePlugin($versionId: String!) { upgradePlugin(versionId: $versionId) { __typename ... on Error { code message } ... on PluginEnablement { pluginName version { version } } } }',
    { versionId: req.params.versionId! },
  );
  const outcome = result.upgradePlugin;
  if (isRefused(outcome, 'PluginEnablement')) return versionPage(req, { refusal: { code: outcome.code, message: outcome.message } });
  return redirect(BASE, { kind: 'success', message: `${outcome.pluginName} is upgraded to version ${outcome.version?.version ?? ''}.` });
}

async function disable(req: ConsoleRequest): Promise<ConsoleResult> {
  const name = req.params.name!;
  const result = await req.api<{ disablePlugin: ApiRefusal }>(
    'mutation DisablePlugin($name: String!) { disablePlugin(name: $name) { __typename ... on Error { code message } } }',
    { name },
  );
  const outcome = result.disablePlugin;
  if (isRefused(outcome, 'PluginEnablement')) return redirect(BASE, { kind: 'error', message: `${name} could not be switched off: ${outcome.message}` });
  return redirect(BASE, { kind: 'success', message: `${name} is switched off. A run in progress has its changes refused.` });
}

async function runNow(req: ConsoleRequest): Promise<ConsoleResult> {
  const name = req.params.name!;
  const result = await req.api<{ runPlugin: ApiRefusal & { id?: string; outcome?: string } }>(
    'mutation RunPlugin($name: String!) { runPlugin(name: $name) { __typename ... on Error { code message } ... on PluginRun { id outcome } } }',
    { name },
  );
  const outcome = result.runPlugin;
  if (isRefused(outcome, 'PluginRun')) return redirect(BASE, { kind: 'error', message: `${name} did not run: ${outcome.message}` });
  return redirect(`/console/practice/runs/${seg(outcome.id!)}`, { kind: 'success', message: `${name} ran: ${enumLabel('PluginRunOutcome', outcome.outcome ?? '')}.` });
}

export const routes: ConsoleRoute[] = [
  { method: 'GET', path: BASE, roles: [...PRACTICE_ROLES], handle: listPlugins },
  { method: 'GET', path: `${BASE}/versions/:versionId`, roles: [...PRACTICE_ROLES], handle: (req) => versionPage(req) },
  { method: 'POST', path: `${BASE}/versions/:versionId/enable`, roles: ['PRACTICE_ADMIN'], handle: enable },
  { method: 'POST', path: `${BASE}/versions/:versionId/upgrade`, roles: ['PRACTICE_ADMIN'], handle: upgrade },
  { method: 'POST', path: `${BASE}/:name/disable`, roles: ['PRACTICE_ADMIN'], handle: disable },
  { method: 'POST', path: `${BASE}/:name/run`, roles: ['PRACTICE_ADMIN'], handle: runNow },
];

export const nav: ConsoleNavItem[] = [{ text: 'Plugins', href: BASE, roles: [...PRACTICE_ROLES] }];
