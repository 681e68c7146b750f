// Plugin version review: everything NHS England approves (manifest, input query, scopes, effect
// kinds, limits, triggers, the source and its SHA-256), and the decision with its reason.
import type { PluginVersion } from '../../api-types.js';
import { nodes, type Connection } from '../common.js';
import { button, errorFor, errorSummary, form, heading, radios, summaryList, table, tag, textarea, type FieldError } from '../../components.js';
import { html, type Html } from '../../html.js';
import { enumName, scopeName, ukDateTime } from '../../names.js';
import { page, redirect, type ConsoleNavItem, type ConsoleRequest, type ConsoleRoute } from '../../routes.js';
import { enc } from './shared.js';

type Version = PluginVersion;

const LIST = /* GraphQL */ `
  query Versions($status: PluginVersionStatus) {
    pluginVersions(status: $status, first: 50) { edges { node { id name version supplierId status submittedAt reviewedAt } } }
  }`;

const ONE = /* GraphQL */ `
  query Versions {
    pluginVersions(first: 100) { edges { node {
      id name version description supplierId status submittedAt reviewedAt reviewReason scopes effectKinds limits triggers manifest inputQuery source bundleSha256 bundleBytes
    } } }
  }`;

const REVIEW = /* GraphQL */ `
  mutation Review($versionId: String!, $approve: Boolean!, $reason: String!) {
    reviewPluginVersion(versionId: $versionId, approve: $approve, reason: $reason) { __typename ... on Error { code message } ... on PluginVersion { id status } }
  }`;

const STATUS_COLOUR = { SUBMITTED: 'yellow', APPROVED: 'green', REJECTED: 'red' } as const;
const statusTag = (s: string) => tag(enumName('PluginVersionStatus', s), STATUS_COLOUR[s as keyof typeof STATUS_COLOUR] ?? 'grey');
const code = (value: unknown): Html => html`<pre class="console-code" tabindex="0">${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>`;

export const nav: ConsoleNavItem[] = [{ text: 'Plugin review', href: '/console/reviewer/plugins', roles: ['REVIEWER'] }];

function versionPage(req: ConsoleRequest, v: Version, values: { decision?: string; reason?: string } = {}, errors?: FieldError[]) {
  const body = html`${heading(`${v.name} ${v.version}`, 'Plugin version')}
    ${errorSummary(errors)}
    ${summaryList([
      { key: 'Review state', value: html`${statusTag(v.status)}${v.reviewReason ? html`<p class="nhsuk-body-s">${v.reviewReason} (${ukDateTime(v.reviewedAt)})</p>` : null}` },
      { key: 'Supplier', value: v.supplierId },
      { key: 'Description', value: v.description },
      { key: 'Submitted', value: ukDateTime(v.submittedAt) },
      { key: 'Scopes asked for', value: html`<ul class="nhsuk-list">${v.scopes.map((s) => html`<li>${scopeName(s)} <code>${s}</code></li>`)}</ul>` },
      { key: 'Effect kinds', value: v.effectKinds.length ? v.effectKinds.join(', ') : 'None (read only)' },
      { key: 'Limits', value: code(v.limits) },
      { key: 'Triggers', value: code(v.triggers) },
      { key: 'Source SHA-256', value: html`<code data-testid="bundle-sha256">${v.bundleSha256}</code> (${v.bundleBytes} bytes)` },
    ])}
    <h2 class="nhsuk-heading-m">Input query</h2>
    ${v.inputQuery ? code(v.inputQuery) : html`<p class="nhsuk-body">None: the plugin reads nothing before it runs.</p>`}
    <h2 class="nhsuk-heading-m">Manifest</h2>
    ${code(v.manifest)}
    <h2 class="nhsuk-heading-m">Source</h2>
    ${code(v.source)}
    ${
      v.status === 'SUBMITTED'
        ? html`<h2 class="nhsuk-heading-m">Decision</h2>
          ${form({
            action: `/console/reviewer/plugins/${enc(v.id)}/review`,
            csrfToken: req.csrfToken,
            body: html`${radios({
              name: 'decision',
              legend: 'Your decision',
              items: [
                { value: 'approve', text: 'Approve', hint: 'Practices may then enable it with the scopes above.' },
                { value: 'reject', text: 'Reject' },
              ],
              value: values.decision,
              error: errorFor(errors, 'decision'),
            })}
            ${textarea({ name: 'reason', label: 'Reason', hint: 'The supplier sees it; it is kept in the audit trail.', value: values.reason, error: errorFor(errors, 'reason') })}
            ${button({ text: 'Record decision' })}`,
          })}`
        : null
    }`;
  return page(`${v.name} ${v.version}`, body, { breadcrumbs: [{ text: 'Plugin review', href: '/console/reviewer/plugins' }], status: errors?.length ? 400 : 200 });
}

async function findVersion(req: ConsoleRequest): Promise<Version | null> {
  const pluginVersions = nodes((await req.api<{ pluginVersions: Connection<Version> }>(ONE)).pluginVersions);
  return pluginVersions.find((v) => v.id === req.params.versionId) ?? null;
}

const notFound = () => page('Plugin version not found', html`${heading('Plugin version not found')}<p class="nhsuk-body"><a class="nhsuk-link" href="/console/reviewer/plugins">All plugin versions</a></p>`, { status: 404 });

export const routes: ConsoleRoute[] = [
  {
    method: 'GET',
    path: '/console/reviewer/plugins',
    roles: ['REVIEWER'],
    async handle(req) {
      const status = req.query.get('status');
      const chosen = status && ['SUBMITTED', 'APPROVED', 'REJECTED'].includes(status) ? status : null;
      const pluginVersions = nodes((await req.api<{ pluginVersions: Connection<Version> }>(LIST, { status: chosen })).pluginVersions);
      const filters = html`<form method="get" action="/console/reviewer/plugins" class="nhsuk-form-group">
        ${radios({
          name: 'status',
          legend: 'Show',
          small: true,
          items: [
            { value: '', text: 'All versions' },
            { value: 'SUBMITTED', text: enumName('PluginVersionStatus', 'SUBMITTED') },
            { value: 'APPROVED', text: enumName('PluginVersionStatus', 'APPROVED') },
            { value: 'REJECTED', text: enumName('PluginVersionStatus', 'REJECTED') },
          ],
          value: chosen ?? '',
        })}
        ${button({ text: 'Filter', variant: 'secondary', small: true })}
      </form>`;
      const body = html`${heading('Plugin versions', 'NHS England review')}
        ${filters}
        ${table({
          caption: 'Plugin versions, newest first',
          head: ['Plugin', 'Version', 'Supplier', 'Submitted', 'State'],
          rows: pluginVersions.map((v) => [
            html`<a class="nhsuk-link" href="/console/reviewer/plugins/${enc(v.id)}">${v.name}</a>`,
            v.version,
            v.supplierId,
            ukDateTime(v.submittedAt),
            statusTag(v.status),
          ]),
          empty: 'No plugin versions here.',
        })}`;
      return page('Plugin versions', body);
    },
  },
  {
    method: 'GET',
    path: '/console/reviewer/plugins/:versionId',
    roles: ['REVIEWER'],
    async handle(req) {
      const v = await findVersion(req);
      return v ? versionPage(req, v) : notFound();
    },
  },
  {
    method: 'POST',
    path: '/console/reviewer/plugins/:versionId/review',
    roles: ['REVIEWER'],
    async handle(req) {
      const v = await findVersion(req);
      if (!v) return notFound();
      const decision = req.form.get('decision') ?? '';
      const reason = (req.form.get('reason') ?? '').trim();
      const errors: FieldError[] = [];
      if (decision !== 'approve' && decision !== 'reject') errors.push({ field: 'decision', message: 'Choose approve or reject' });
      if (!reason) errors.push({ field: 'reason', message: 'Enter the reason for your decision' });
      if (errors.length) return versionPage(req, v, { decision, reason }, errors);
      const result = (await req.api<{ reviewPluginVersion: { __typename: string; code?: string; message?: string } }>(REVIEW, { versionId: v.id, approve: decision === 'approve', reason })).reviewPluginVersion;
      if (result.__typename !== 'PluginVersion') return versionPage(req, v, { decision, reason }, [{ field: 'decision', message: `${result.message ?? 'Refused.'} (${result.code ?? 'REFUSED'})` }]);
      return redirect(`/console/reviewer/plugins/${enc(v.id)}`, { kind: 'success', message: `${v.name} ${v.version} ${decision === 'approve' ? 'approved' : 'rejected'}.` });
    },
  },
];
