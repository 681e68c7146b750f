// The audit explorer for NHS England reviewers: filter and page through the whole audit trail,
// with the chain's verification state. Practice users have their own practice's audit page.
import { button, errorSummary, heading, pagination, select, summaryList, table, tag, textInput, type FieldError } from '../../components.js';
import { html } from '../../html.js';
import { enumName, nhsNumber, ukDateTime } from '../../names.js';
import { ConsoleApiError, page, type ConsoleNavItem, type ConsoleRoute } from '../../routes.js';
import { operationText } from '../common.js';

interface AuditRow {
  seq: number;
  at: string;
  actorKind: string;
  actorId: string;
  appId: string | null;
  supplierId: string | null;
  pluginId: string | null;
  practiceOdsCode: string | null;
  nhsNumber: string | null;
  operation: string;
  outcome: string;
  reason: string | null;
  detail: unknown;
}

interface AuditData {
  verifyAuditChain: { intact: boolean; checked: number; checkpointSeq: number; lastSeq: number; firstBrokenLink: { seq: number; reason: string } | null };
  auditEvents: { edges: { cursor: string; node: AuditRow }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null } };
}

const QUERY = /* GraphQL */ `
  query Audit($first: Int, $after: String, $last: Int, $before: String, $practiceOdsCode: String, $supplierId: String, $nhsNumber: String, $outcome: AuditOutcome, $from: DateTime, $to: DateTime) {
    verifyAuditChain { intact checked checkpointSeq lastSeq firstBrokenLink { seq reason } }
    auditEvents(first: $first, after: $after, last: $last, before: $before, practiceOdsCode: $practiceOdsCode, supplierId: $supplierId, nhsNumber: $nhsNumber, outcome: $outcome, from: $from, to: $to) {
      edges { cursor node { seq at actorKind actorId appId supplierId pluginId practiceOdsCode nhsNumber operation outcome reason detail } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;

const PAGE_SIZE = 25;
const FILTERS = ['practiceOdsCode', 'supplierId', 'nhsNumber', 'outcome', 'from', 'to'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const nav: ConsoleNavItem[] = [{ text: 'Audit', href: '/console/audit', roles: ['REVIEWER'] }];

/** What the event was about, in a few words: sections read, the plugin, the app. */
function about(row: AuditRow): string {
  const parts: string[] = [];
  if (row.appId) parts.push(`app ${row.appId}`);
  if (row.pluginId) parts.push(`plugin ${row.pluginId}`);
  const detail = row.detail && typeof row.detail === 'object' ? (row.detail as Record<string, unknown>) : {};
  if (Array.isArray(detail.sections)) parts.push(`sections: ${(detail.sections as unknown[]).join(', ').toLowerCase()}`);
  if (typeof detail.path === 'string') parts.push(detail.path);
  return parts.join('; ');
}

export const routes: ConsoleRoute[] = [
  {
    method: 'GET',
    path: '/console/audit',
    roles: ['REVIEWER'],
    async handle(req) {
      const q = req.query;
      const values = Object.fromEntries(FILTERS.map((k) => [k, (q.get(k) ?? '').trim()])) as Record<(typeof FILTERS)[number], string>;
      const errors: FieldError[] = [];
      if (values.from && !DATE.test(values.from)) errors.push({ field: 'from', message: 'Enter the "from" date as a date, for example 2026-12-01' });
      if (values.to && !DATE.test(values.to)) errors.push({ field: 'to', message: 'Enter the "to" date as a date, for example 2026-12-01' });
      if (values.outcome && !['ALLOWED', 'REFUSED', 'FAILED'].includes(values.outcome)) errors.push({ field: 'outcome', message: 'Choose an outcome from the list' });
      const reviewer = req.session.role === 'REVIEWER';
      const variables: Record<string, unknown> = {
        practiceOdsCode: values.practiceOdsCode || null,
        supplierId: values.supplierId || null,
        nhsNumber: values.nhsNumber.replace(/[\s-]/g, '') || null,
        outcome: values.outcome || null,
        from: values.from && DATE.test(values.from) ? `${values.from}T00:00:00.000Z` : null,
        to: values.to && DATE.test(values.to) ? new Date(Date.parse(`${values.to}T00:00:00.000Z`) + 86_400_000).toISOString() : null,
      };
      const before = q.get('before');
      const after = q.get('after');
      Object.assign(variables, before ? { last: PAGE_SIZE, before } : { first: PAGE_SIZE, after: after || null });
      let data: AuditData | null = null;
      if (errors.length === 0) {
        try {
          data = await req.api<AuditData>(QUERY, variables);
        } catch (error) {
          if (!(error instanceof ConsoleApiError) || error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN') throw error;
          errors.push({ message: `${error.message} (${error.code})` });
        }
      }
      const keep = new URLSearchParams(Object.entries(values).filter(([, v]) => v));
      const link = (extra: Record<string, string>) => `/console/audit?${new URLSearchParams([...keep, ...Object.entries(extra)])}`;
      const chain = data?.verifyAuditChain;
      const filtersForm = html`<form method="get" action="/console/audit" novalidate>
        <div class="nhsuk-grid-row">
          ${reviewer ? html`<div class="nhsuk-grid-column-one-third">${textInput({ name: 'practiceOdsCode', label: 'Practice ODS code', value: values.practiceOdsCode, width: 10, spellcheck: false })}</div>` : null}
          <div class="nhsuk-grid-column-one-third">${textInput({ name: 'supplierId', label: 'Supplier', value: values.supplierId, width: 20, spellcheck: false })}</div>
          <div class="nhsuk-grid-column-one-third">${textInput({ name: 'nhsNumber', label: 'NHS number', value: values.nhsNumber, width: 10, spellcheck: false })}</div>
        </div>
        <div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-one-third">${select({
            name: 'outcome',
            label: 'Outcome',
            items: [{ value: '', text: 'Any' }, ...['ALLOWED', 'REFUSED', 'FAILED'].map((v) => ({ value: v, text: enumName('AuditOutcome', v) }))],
            value: values.outcome,
          })}</div>
          <div class="nhsuk-grid-column-one-third">${textInput({ name: 'from', label: 'From (date)', type: 'date', value: values.from, hint: 'For example 2026-12-01' })}</div>
          <div class="nhsuk-grid-column-one-third">${textInput({ name: 'to', label: 'To (date, inclusive)', type: 'date', value: values.to, hint: 'For example 2026-12-01' })}</div>
        </div>
        ${button({ text: 'Apply filters', variant: 'secondary' })}
      </form>`;
      const body = html`${heading('Audit trail', reviewer ? 'Every organisation' : `Practice ${req.session.practiceOds ?? ''}`)}
        ${
          chain
            ? summaryList([
                {
                  key: 'Chain verification',
                  value: html`<span data-testid="chain-status">${chain.intact ? tag('Intact', 'green') : tag('Broken', 'red')}</span> ${chain.checked} events checked from signed checkpoint ${chain.checkpointSeq} to event ${chain.lastSeq}.${
                    chain.firstBrokenLink ? html` First broken link at event ${chain.firstBrokenLink.seq}: ${chain.firstBrokenLink.reason}` : null
                  }`,
                },
              ])
            : null
        }
        ${errorSummary(errors)}
        ${filtersForm}
        ${
          data
            ? html`${table({
                id: 'audit-events',
                caption: 'Audit events, newest first',
                head: ['Event', 'When', 'Who', 'What', 'Practice', 'Patient', 'Outcome'],
                rows: data.auditEvents.edges.map(({ node: e }) => [
                  String(e.seq),
                  ukDateTime(e.at),
                  html`${e.actorId}<br><span class="nhsuk-body-s">${e.actorKind.toLowerCase().replace('_', ' ')}</span>`,
                  html`${operationText(e.operation)}<br><span class="nhsuk-body-s">${about(e)}</span>`,
                  e.practiceOdsCode ?? '',
                  e.nhsNumber ? nhsNumber(e.nhsNumber) : '',
                  html`${tag(enumName('AuditOutcome', e.outcome), e.outcome === 'ALLOWED' ? 'green' : e.outcome === 'REFUSED' ? 'orange' : 'red')}${e.reason ? html`<br><span class="nhsuk-body-s">${e.reason}</span>` : null}`,
                ]),
                empty: 'No audit events match these filters.',
              })}
              ${pagination({
                previousHref: data.auditEvents.pageInfo.hasPreviousPage && data.auditEvents.pageInfo.startCursor ? link({ before: data.auditEvents.pageInfo.startCursor }) : null,
                nextHref: data.auditEvents.pageInfo.hasNextPage && data.auditEvents.pageInfo.endCursor ? link({ after: data.auditEvents.pageInfo.endCursor }) : null,
              })}`
            : null
        }`;
      return page('Audit trail', body, { status: errors.length ? 400 : 200 });
    },
  },
];
