// The supplier's plugin versions and where each stands in NHS England's review (with the
// reviewer's reason), and their latest runs: outcomes everywhere, logs only at sandbox practices.
import type { PluginVersion } from '../../api-types.js';
import { heading, summaryList, table, tag, type TagColour } from '../../components.js';
import { formatBytes, formatDateTime, formatDuration } from '../../format.js';
import { html } from '../../html.js';
import { effectKindLabel, enumLabel } from '../../labels.js';
import { page, type ConsoleNavItem, type ConsoleRequest, type ConsoleResult, type ConsoleRoute } from '../../routes.js';
import { scopeList, seg, nodes, type Connection } from '../common.js';
import { outcomeTag } from '../practice/runs.js';
import { triggerText } from '../practice/plugins.js';

const BASE = '/console/developer/plugins';
const ROLES = ['SUPPLIER_DEVELOPER'] as const;
const REVIEW_COLOUR: Record<string, TagColour> = { APPROVED: 'green', SUBMITTED: 'blue', REJECTED: 'red' };

type Version = Pick<PluginVersion, 'id' | 'name' | 'version' | 'description' | 'status' | 'submittedAt' | 'reviewedAt' | 'reviewReason' | 'scopes' | 'effectKinds' | 'triggers' | 'bundleBytes' | 'bundleSha256'>;

interface Run {
  id: string;
  practiceOdsCode: string;
  outcome: string;
  startedAt: string;
  durationMs: number;
  effectsApplied: number;
  error: string | null;
  logs: string[] | null;
  version: { name: string; version: string };
}

const reviewTag = (status: string) => tag(enumLabel('PluginVersionStatus', status), REVIEW_COLOUR[status] ?? 'grey');

async function listVersions(req: ConsoleRequest): Promise<ConsoleResult> {
  const data = await req.api<{ myPluginVersions: Connection<Version>; myPluginRuns: Connection<Run> }>(
    '{ myPluginVersions(first: 50) { edges { node { id name version status submittedAt reviewedAt reviewReason scopes } } } myPluginRuns(first: 20) { edges { node { id practiceOdsCode outcome startedAt durationMs effectsApplied error version { name version } } } } }',
  );
  const [myPluginVersions, myPluginRuns] = [nodes(data.myPluginVersions), nodes(data.myPluginRuns)];
  return page(
    'Plugin versions',
    html`${heading('Plugin versions', 'Your company')}
      <p class="nhsuk-body">Publish versions with <code>npx gpoi plugin publish</code> or the <code>publishPluginVersion</code> mutation. Each version is reviewed by NHS England before any practice can switch it on.</p>
      ${table({
        caption: 'Versions, newest first',
        id: 'plugin-versions',
        empty: 'Your company has not published a plugin version yet.',
        head: ['Plugin', 'Review', 'Submitted', 'Reviewer’s reason'],
        rows: myPluginVersions.map((v) => [
          html`<a class="nhsuk-link" href="${BASE}/${seg(v.id)}">${v.name} ${v.version}</a>`,
          reviewTag(v.status),
          formatDateTime(v.submittedAt),
          v.reviewReason ? html`${v.reviewReason}<br><span class="nhsuk-body-s">${formatDateTime(v.reviewedAt)}</span>` : 'Not reviewed yet',
        ]),
      })}
      ${table({
        caption: 'Latest runs at practices',
        id: 'plugin-runs',
        empty: 'None of your plugins has run yet.',
        head: ['Started', 'Plugin', 'Practice', 'Outcome', 'Changes applied', 'Time taken'],
        rows: myPluginRuns.map((r) => [formatDateTime(r.startedAt), `${r.version.name} ${r.version.version}`, r.practiceOdsCode, html`${outcomeTag(r.outcome)}${r.error ? html`<br><span class="nhsuk-body-s">${r.error}</span>` : null}`, String(r.effectsApplied), formatDuration(r.durationMs)]),
      })}`,
  );
}

async function versionPage(req: ConsoleRequest): Promise<ConsoleResult> {
  const myPluginVersions = nodes((await req.api<{ myPluginVersions: Connection<Version> }>(
    '{ myPluginVersions(first: 100) { edges { node { id name version description status submittedAt reviewedAt reviewReason scopes effectKinds triggers bundleBytes bundleSha256 } } } }',
  )).myPluginVersions);
  const v = myPluginVersions.find((x) => x.id === req.params.versionId);
  if (!v) return page('Version not found', html`${heading('Version not found')}<p class="nhsuk-body">Your company has no plugin version with this identifier.</p><p class="nhsuk-body"><a class="nhsuk-link" href="${BASE}">Back to plugin versions</a></p>`, { status: 404 });
  return page(
    `${v.name} ${v.version}`,
    html`${heading(`${v.name} version ${v.version}`, 'Plugin version')}
      ${summaryList([
        { key: 'Review', value: reviewTag(v.status) },
        ...(v.reviewReason ? [{ key: 'Reviewer’s reason', value: `${v.reviewReason} (${formatDateTime(v.reviewedAt)})` }] : []),
        { key: 'What it does', value: v.description },
        { key: 'When it runs', value: triggerText(v.triggers) },
        { key: 'What it may change', value: v.effectKinds.length ? html`${v.effectKinds.map((k) => html`${effectKindLabel(k)} <code>${k}</code><br>`)}` : 'Nothing: it only reads' },
        { key: 'Permissions it asks for', value: scopeList(v.scopes) },
        { key: 'Submitted', value: formatDateTime(v.submittedAt) },
        { key: 'Bundle', value: html`${formatBytes(v.bundleBytes)}, SHA-256 <code class="console-hash">${v.bundleSha256}</code>` },
        { key: 'Version ID', value: html`<code>${v.id}</code>` },
      ])}`,
    { breadcrumbs: [{ text: 'Plugin versions', href: BASE }] },
  );
}

export const routes: ConsoleRoute[] = [
  { method: 'GET', path: BASE, roles: [...ROLES], handle: listVersions },
  { method: 'GET', path: `${BASE}/:versionId`, roles: [...ROLES], handle: versionPage },
];

export const nav: ConsoleNavItem[] = [{ text: 'Plugin versions', href: BASE, roles: [...ROLES] }];
