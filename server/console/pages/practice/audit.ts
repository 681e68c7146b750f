// The practice's audit trail: every access to its patients' records and every decision about its
// apps and plugins, including refusals, newest first. Filters are checked on the server; paging
// follows the API's cursors. The chain check says whether the trail is intact.
import { button, heading, insetText, pagination, radios, table, tag, textInput, type FieldError, type TagColour } from '../../components.js';
import { formatCount, formatDateTime, formatNhsNumber, nextDay, parseUkDate, ukStartOfDay } from '../../format.js';
import { html, type Html } from '../../html.js';
import { enumLabel } from '../../labels.js';
import { page, type ConsoleNavItem, type ConsoleRequest, type ConsoleResult, type ConsoleRoute } from '../../routes.js';
import { normaliseNhsNumber } from '../../../domain/identifiers.js';
import { operationText, problems } from '../common.js';

const BASE = '/console/practice/audit';
const PRACTICE_ROLES = ['PRACTICE_ADMIN', 'CLINICIAN'] as const;
const PAGE_SIZE = 25;
const OUTCOMES = ['ALLOWED', 'REFUSED', 'FAILED'] as const;
const OUTCOME_COLOUR: Record<string, TagColour> = { ALLOWED: 'green', REFUSED: 'orange', FAILED: 'red' };

interface AuditEvent {
  seq: number;
  at: string;
  actorKind: string;
  actorId: string;
  supplierId: string | null;
  appId: string | null;
  pluginId: string | null;
  nhsNumber: string | null;
  operation: string;
  outcome: string;
  reason: string | null;
}
interface Connection {
  edges: { node: AuditEvent }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const AUDIT = /* GraphQL */ `
  query PracticeAudit($first: Int, $last: Int, $after: String, $before: String, $from: DateTime, $to: DateTime, $nhsNumber: String, $outcome: AuditOutcome, $supplierId: String) {
    auditEvents(first: $first, last: $last, after: $after, before: $before, from: $from, to: $to, nhsNumber: $nhsNumber, outcome: $outcome, supplierId: $supplierId) {
      edges { node { seq at actorKind actorId supplierId appId pluginId nhsNumber operation outcome reason } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
    verifyAuditChain { intact checked lastSeq }
  }`;

export interface AuditFilters {
  from: string;
  to: string;
  nhsNumber: string;
  outcome: string;
  supplierId: string;
}

/** Reads and checks the filters; what the API should be asked, or the errors to show. */
export function readFilters(query: URLSearchParams): { filters: AuditFilters; variables: Record<string, unknown>; errors: FieldError[] } {
  const text = (name: string) => (query.get(name) ?? '').trim();
  const filters: AuditFilters = { from: text('from'), to: text('to'), nhsNumber: text('nhsNumber'), outcome: text('outcome'), supplierId: text('supplierId') };
  const errors: FieldError[] = [];
  const variables: Record<string, unknown> = {};
  const from = filters.from ? parseUkDate(filters.from) : null;
  const to = filters.to ? parseUkDate(filters.to) : null;
  if (filters.from && !from) errors.push({ field: 'from', message: 'Enter the “from” date as a real date, for example 1/12/2026' });
  if (filters.to && !to) errors.push({ field: 'to', message: 'Enter the “to” date as a real date, for example 31/12/2026' });
  if (from && to && from > to) errors.push({ field: 'to', message: 'The “to” date must be the same as or after the “from” date' });
  if (from) variables.from = ukStartOfDay(from)!.toISOString();
  if (to) variables.to = ukStartOfDay(nextDay(to))!.toISOString();
  if (filters.nhsNumber) {
    const nhs = normaliseNhsNumber(filters.nhsNumber);
    if (nhs) variables.nhsNumber = nhs;
    else errors.push({ field: 'nhsNumber', message: 'Enter a valid 10-digit NHS number, for example 999 000 0018' });
  }
  if (filters.outcome) {
    if ((OUTCOMES as readonly string[]).includes(filters.outcome)) variables.outcome = filters.outcome;
    else errors.push({ field: 'outcome', message: 'Choose an outcome from the list' });
  }
  if (filters.supplierId) {
    if (/^[A-Za-z0-9_-]{1,100}$/.test(filters.supplierId)) variables.supplierId = filters.supplierId;
    else errors.push({ field: 'supplierId', message: 'Enter a supplier ID as shown in the audit trail (letters, numbers, _ and -)' });
  }
  return { filters, variables, errors };
}

function who(e: AuditEvent): Html {
  switch (e.actorKind) {
    case 'SUPPLIER_APP':
      return html`App <code>${e.appId ?? e.actorId}</code>${e.supplierId ? html`<br><span class="nhsuk-body-s">Supplier <code>${e.supplierId}</code></span>` : null}`;
    case 'PLUGIN_RUN':
      return html`Plugin <code>${e.pluginId ?? e.actorId}</code>`;
    case 'PERSON':
      return html`${e.actorId}`;
    case 'ANONYMOUS':
      return html`Someone not signed in`;
    default:
      return html`${e.actorKind.toLowerCase()} <code>${e.actorId}</code>`;
  }
}

function filterLink(filters: AuditFilters, cursor: Record<string, string>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  for (const [key, value] of Object.entries(cursor)) params.set(key, value);
  return `${BASE}?${params}`;
}

function filterForm(filters: AuditFilters, errors: readonly FieldError[]): Html {
  const err = (field: string) => errors.find((e) => e.field === field)?.message;
  return html`<form method="get" action="${BASE}" novalidate>
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-one-half">
        ${textInput({ name: 'from', label: 'From (date)', hint: 'For example, 1/12/2026', value: filters.from, error: err('from'), width: 10 })}
      </div>
      <div class="nhsuk-grid-column-one-half">
        ${textInput({ name: 'to', label: 'To (date, included)', hint: 'For example, 31/12/2026', value: filters.to, error: err('to'), width: 10 })}
      </div>
    </div>
    ${textInput({ name: 'nhsNumber', label: 'Patient’s NHS number', hint: '10 digits, for example 999 000 0018', value: filters.nhsNumber, error: err('nhsNumber'), width: 10, spellcheck: false })}
    ${textInput({ name: 'supplierId', label: 'Supplier ID', value: filters.supplierId, error: err('supplierId'), width: 20, spellcheck: false })}
    ${radios({
      name: 'outcome',
      legend: 'Outcome',
      small: true,
      value: filters.outcome,
      error: err('outcome'),
      items: [{ value: '', text: 'Any outcome' }, ...OUTCOMES.map((o) => ({ value: o, text: enumLabel('AuditOutcome', o) }))],
    })}
    ${button({ text: 'Show events', variant: 'secondary' })}
    <p class="nhsuk-body"><a class="nhsuk-link" href="${BASE}">Clear filters</a></p>
  </form>`;
}

async function auditPage(req: ConsoleRequest): Promise<ConsoleResult> {
  const { filters, variables, errors } = readFilters(req.query);
  const caption = `Practice ${req.session.practiceOds ?? ''}`;
  if (errors.length > 0) {
    return page('Audit trail', html`${problems({ errors })}${heading('Audit trail', caption)}${filterForm(filters, errors)}`, { status: 400 });
  }
  const after = req.query.get('after');
  const before = req.query.get('before');
  const paging = before ? { last: PAGE_SIZE, before } : { first: PAGE_SIZE, ...(after ? { after } : {}) };
  const { auditEvents, verifyAuditChain } = await req.api<{ auditEvents: Connection; verifyAuditChain: { intact: boolean; checked: number; lastSeq: number } }>(AUDIT, { ...variables, ...paging });
  const rows = auditEvents.edges.map(({ node: e }) => [
    formatDateTime(e.at),
    who(e),
    e.nhsNumber ? formatNhsNumber(e.nhsNumber) : 'None',
    operationText(e.operation),
    html`${tag(enumLabel('AuditOutcome', e.outcome), OUTCOME_COLOUR[e.outcome])}${e.reason ? html`<br><span class="nhsuk-body-s">${e.reason}</span>` : null}`,
  ]);
  const { pageInfo } = auditEvents;
  const chain = verifyAuditChain.intact
    ? insetText(html`<p data-testid="chain-status">${tag('Intact', 'green')} The audit trail checks out against its signed checkpoints (${formatCount(verifyAuditChain.checked)} events re-checked just now).</p>`)
    : html`<div class="nhsuk-warning-callout"><h3 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>The audit trail does not check out</span></h3><p data-testid="chain-status">An event has changed since it was recorded or signed. Tell NHS England at once.</p></div>`;
  return page(
    'Audit trail',
    html`${heading('Audit trail', caption)}
      <p class="nhsuk-body">Every access to your patients’ records and every decision about your practice’s apps and plugins, including refusals, newest first. Nothing can be removed from it.</p>
      ${chain}
      <details class="nhsuk-details"${Object.values(filters).some(Boolean) ? html` open` : null}>
        <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Filter events</span></summary>
        <div class="nhsuk-details__text">${filterForm(filters, [])}</div>
      </details>
      ${table({ caption: 'Events', id: 'audit-events', empty: 'No events match these filters.', head: ['When', 'Who', 'Patient', 'What', 'Outcome'], rows })}
      ${pagination({
        previousHref: (before ? pageInfo.hasPreviousPage : Boolean(after)) && pageInfo.startCursor ? filterLink(filters, { before: pageInfo.startCursor }) : null,
        nextHref: (before ? true : pageInfo.hasNextPage) && pageInfo.endCursor && rows.length > 0 ? filterLink(filters, { after: pageInfo.endCursor }) : null,
      })}`,
  );
}

export const routes: ConsoleRoute[] = [{ method: 'GET', path: BASE, roles: [...PRACTICE_ROLES], handle: auditPage }];

export const nav: ConsoleNavItem[] = [{ text: 'Audit trail', href: BASE, roles: [...PRACTICE_ROLES] }];
