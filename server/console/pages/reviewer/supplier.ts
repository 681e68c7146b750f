// A supplier as a reviewer sees it: the application, the prerequisites evidence, each pairing's
// stage and history (with reasons), requested and granted scopes; moving a pairing; granting and
// revoking scopes. Every decision goes through the API's mutations, which audit it.
import type { Pairing, PairingEvent, Supplier } from '../../api-types.js';
import {
  button,
  checkboxes,
  errorFor,
  errorSummary,
  form,
  heading,
  radios,
  summaryList,
  table,
  textarea,
  textInput,
  type FieldError,
} from '../../components.js';
import { html, type Html } from '../../html.js';
import { enumName, scopeName, ukDate, ukDateTime } from '../../names.js';
import { page, redirect, type ConsoleRequest, type ConsoleRoute } from '../../routes.js';
import { STAGE_ORDER, enc, evidenceList, stageTag } from './shared.js';

const SUPPLIER = /* GraphQL */ `
  query Supplier($id: String!) {
    supplier(id: $id) {
      id name contactName contactEmail useCase prerequisites createdAt
      pairings { id stage allowedTransitions updatedAt system { id name } history { from to reason evidence by at } }
      scopes { scope granted grantedAt }
      apps { clientId name status }
    }
  }`;

const TRANSITION = /* GraphQL */ `
  mutation Move($pairingId: String!, $to: PairingStage!, $reason: String!, $evidence: PrerequisiteEvidenceInput) {
    transitionPairing(pairingId: $pairingId, to: $to, reason: $reason, evidence: $evidence) {
      __typename
      ... on Error { code message }
      ... on InvalidTransition { allowedStages }
      ... on Pairing { id stage }
    }
  }`;

const SCOPES = (name: 'grantScopes' | 'revokeScopes') => /* GraphQL */ `
  mutation Scopes($supplierId: String!, $scopes: [String!]!) {
    ${name}(supplierId: $supplierId, scopes: $scopes) { __typename ... on Error { code message } ... on Supplier { id } }
  }`;

async function loadSupplier(req: ConsoleRequest): Promise<Supplier | null> {
  return (await req.api<{ supplier: Supplier | null }>(SUPPLIER, { id: req.params.supplierId })).supplier;
}

const notFound = (what: string) =>
  page(`${what} not found`, html`${heading(`${what} not found`)}<p class="nhsuk-body">Check the link, or go back to <a class="nhsuk-link" href="/console/reviewer/board">the pipeline</a>.</p>`, { status: 404 });

const crumbs = (s: Supplier) => [
  { text: 'Pipeline', href: '/console/reviewer/board' },
  { text: s.name, href: `/console/reviewer/suppliers/${enc(s.id)}` },
];

function historyTable(history: PairingEvent[]): Html {
  return table({
    caption: 'Stage history',
    head: ['When', 'From', 'To', 'Reason', 'Evidence', 'By'],
    rows: history.map((e) => [ukDateTime(e.at), e.from ? enumName('PairingStage', e.from) : 'New application', enumName('PairingStage', e.to), e.reason, evidenceList(e.evidence), e.by]),
    empty: 'No stage changes yet.',
  });
}

function scopeForms(req: ConsoleRequest, s: Supplier, errors?: FieldError[]): Html {
  const requested = s.scopes.filter((x) => !x.granted);
  const granted = s.scopes.filter((x) => x.granted);
  const item = (scope: string) => ({ value: scope, text: scopeName(scope), hint: scope });
  const action = `/console/reviewer/suppliers/${enc(s.id)}/scopes`;
  return html`<h2 class="nhsuk-heading-m" id="scopes">Scopes</h2>
    ${table({
      caption: 'Requested and granted scopes',
      head: ['Scope', 'Code', 'State'],
      rows: s.scopes.map((x) => [scopeName(x.scope), html`<code>${x.scope}</code>`, x.granted ? html`Granted ${ukDate(x.grantedAt)}` : 'Requested, not granted']),
      empty: 'This supplier requested no scopes.',
    })}
    ${errorSummary(errors)}
    ${
      requested.length
        ? form({
            action,
            csrfToken: req.csrfToken,
            body: html`<input type="hidden" name="action" value="grant">
              ${checkboxes({ name: 'scopes', legend: 'Grant requested scopes', items: requested.map((x) => item(x.scope)), error: errorFor(errors, 'grant'), legendSize: 's' })}
              ${button({ text: 'Grant selected scopes' })}`,
          })
        : null
    }
    ${
      granted.length
        ? form({
            action,
            csrfToken: req.csrfToken,
            body: html`<input type="hidden" name="action" value="revoke">
              ${checkboxes({ name: 'scopes', legend: 'Revoke granted scopes', hint: 'Revoking takes effect at once: apps and practices lose access with it.', items: granted.map((x) => item(x.scope)), error: errorFor(errors, 'revoke'), legendSize: 's' })}
              ${button({ text: 'Revoke selected scopes', variant: 'warning' })}`,
          })
        : null
    }`;
}

function supplierPage(req: ConsoleRequest, s: Supplier, errors?: FieldError[]) {
  const body = html`${heading(s.name, 'Supplier')}
    ${summaryList([
      { key: 'Contact', value: html`${s.contactName}<br><a class="nhsuk-link" href="mailto:${s.contactEmail}">${s.contactEmail}</a>` },
      { key: 'Use case', value: s.useCase },
      { key: 'Applied', value: ukDate(s.createdAt) },
      { key: 'Prerequisites evidence', value: evidenceList(s.prerequisites) },
      { key: 'Apps', value: s.apps.length ? html`<ul class="nhsuk-list">${s.apps.map((a) => html`<li>${a.name} (<code>${a.clientId}</code>, ${a.status.toLowerCase()})</li>`)}</ul>` : 'None registered' },
    ])}
    <h2 class="nhsuk-heading-m">Pairings</h2>
    ${table({
      caption: 'Where each principal system pairing stands',
      head: ['Principal system', 'Stage', 'Last change', 'Reason', 'Action'],
      rows: s.pairings.map((p) => [
        p.system.name,
        stageTag(p.stage),
        ukDateTime(p.updatedAt),
        p.history.at(-1)?.reason ?? '',
        html`<a class="nhsuk-link" href="/console/reviewer/suppliers/${enc(s.id)}/pairings/${enc(p.id)}">Move or see history<span class="nhsuk-u-visually-hidden"> of ${p.system.name}</span></a>`,
      ]),
    })}
    ${scopeForms(req, s, errors)}`;
  return page(s.name, body, { breadcrumbs: [{ text: 'Pipeline', href: '/console/reviewer/board' }], status: errors?.length ? 400 : 200 });
}

interface MoveValues {
  to?: string;
  reason?: string;
  dsptStatus?: string;
  clinicalSafetyOfficer?: string;
  dcb0129Reference?: string;
}

function pairingPage(req: ConsoleRequest, s: Supplier, p: Pairing, values: MoveValues = {}, errors?: FieldError[], allowedNote?: string[]) {
  const stages = STAGE_ORDER.filter((x) => x !== p.stage);
  const allowed = new Set(allowedNote ?? p.allowedTransitions);
  const body = html`${heading(`${s.name} on ${p.system.name}`, 'Pairing')}
    ${errorSummary(errors)}
    ${summaryList([
      { key: 'Stage now', value: stageTag(p.stage) },
      { key: 'May move to', value: p.allowedTransitions.length ? p.allowedTransitions.map((x) => enumName('PairingStage', x)).join(', ') : 'Nowhere: this is a final stage' },
      { key: 'Last change', value: ukDateTime(p.updatedAt) },
    ])}
    ${historyTable(p.history)}
    <h2 class="nhsuk-heading-m">Move this pairing</h2>
    ${form({
      action: `/console/reviewer/suppliers/${enc(s.id)}/pairings/${enc(p.id)}/move`,
      csrfToken: req.csrfToken,
      body: html`${radios({
        name: 'to',
        legend: 'New stage',
        hint: 'Stages this pairing may move to now are marked "allowed from here".',
        items: stages.map((x) => ({ value: x, text: enumName('PairingStage', x), hint: allowed.has(x) ? 'Allowed from here' : undefined })),
        value: values.to,
        error: errorFor(errors, 'to'),
      })}
        ${textarea({ name: 'reason', label: 'Reason', hint: 'Kept in the stage history and the audit trail.', value: values.reason, error: errorFor(errors, 'reason') })}
        <fieldset class="nhsuk-fieldset">
          <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Prerequisites evidence</legend>
          <div class="nhsuk-hint">Needed only when moving to "${enumName('PairingStage', 'PREREQUISITES_MET')}".</div>
          ${radios({
            name: 'dsptStatus',
            legend: 'Data Security and Protection Toolkit status',
            items: ['STANDARDS_MET', 'STANDARDS_EXCEEDED', 'APPROACHING_STANDARDS', 'STANDARDS_NOT_MET'].map((v) => ({ value: v, text: enumName('DsptStatus', v) })),
            value: values.dsptStatus,
            error: errorFor(errors, 'dsptStatus'),
            small: true,
          })}
          ${textInput({ name: 'clinicalSafetyOfficer', label: 'Clinical safety officer', value: values.clinicalSafetyOfficer, error: errorFor(errors, 'clinicalSafetyOfficer'), autocomplete: 'off' })}
          ${textInput({ name: 'dcb0129Reference', label: 'DCB0129 evidence reference', value: values.dcb0129Reference, error: errorFor(errors, 'dcb0129Reference'), width: 20 })}
        </fieldset>
        ${button({ text: 'Move pairing' })}`,
    })}`;
  return page(`${s.name} on ${p.system.name}`, body, { breadcrumbs: crumbs(s), status: errors?.length ? 400 : 200 });
}

type MoveResult = { __typename: string; code?: string; message?: string; allowedStages?: string[] };

const EVIDENCE_FIELDS = ['dsptStatus', 'clinicalSafetyOfficer', 'dcb0129Reference'] as const;

export const routes: ConsoleRoute[] = [
  {
    method: 'GET',
    path: '/console/reviewer/suppliers/:supplierId',
    roles: ['REVIEWER'],
    async handle(req) {
      const s = await loadSupplier(req);
      return s ? supplierPage(req, s) : notFound('Supplier');
    },
  },
  {
    method: 'GET',
    path: '/console/reviewer/suppliers/:supplierId/pairings/:pairingId',
    roles: ['REVIEWER'],
    async handle(req) {
      const s = await loadSupplier(req);
      const p = s?.pairings.find((x) => x.id === req.params.pairingId);
      return s && p ? pairingPage(req, s, p) : notFound('Pairing');
    },
  },
  {
    method: 'POST',
    path: '/console/reviewer/suppliers/:supplierId/pairings/:pairingId/move',
    roles: ['REVIEWER'],
    async handle(req) {
      const s = await loadSupplier(req);
      const p = s?.pairings.find((x) => x.id === req.params.pairingId);
      if (!s || !p) return notFound('Pairing');
      const values: MoveValues = Object.fromEntries(['to', 'reason', ...EVIDENCE_FIELDS].map((k) => [k, (req.form.get(k) ?? '').trim()]));
      const errors: FieldError[] = [];
      if (!values.to || !(STAGE_ORDER as readonly string[]).includes(values.to)) errors.push({ field: 'to', message: 'Choose the stage to move the pairing to' });
      if (!values.reason) errors.push({ field: 'reason', message: 'Enter the reason for this move' });
      const anyEvidence = EVIDENCE_FIELDS.some((k) => values[k]);
      if (values.to === 'PREREQUISITES_MET' || anyEvidence) {
        if (!values.dsptStatus) errors.push({ field: 'dsptStatus', message: 'Choose the Data Security and Protection Toolkit status' });
        if (!values.clinicalSafetyOfficer) errors.push({ field: 'clinicalSafetyOfficer', message: 'Enter the clinical safety officer' });
        if (!values.dcb0129Reference) errors.push({ field: 'dcb0129Reference', message: 'Enter the DCB0129 evidence reference' });
      }
      if (errors.length) return pairingPage(req, s, p, values, errors);
      const evidence = anyEvidence ? { dsptStatus: values.dsptStatus, clinicalSafetyOfficer: values.clinicalSafetyOfficer, dcb0129Reference: values.dcb0129Reference } : null;
      const result = (await req.api<{ transitionPairing: MoveResult }>(TRANSITION, { pairingId: p.id, to: values.to, reason: values.reason, evidence })).transitionPairing;
      if (result.__typename === 'Pairing') {
        return redirect(`/console/reviewer/suppliers/${enc(s.id)}/pairings/${enc(p.id)}`, {
          kind: 'success',
          message: `${s.name} on ${p.system.name} moved to ${enumName('PairingStage', values.to!)}.`,
        });
      }
      const allowedStages = result.allowedStages;
      const message =
        result.code === 'INVALID_TRANSITION' && allowedStages
          ? `${enumName('PairingStage', p.stage)} cannot move to ${enumName('PairingStage', values.to!)}. Allowed from here: ${allowedStages.length ? allowedStages.map((x) => enumName('PairingStage', x)).join(', ') : 'none (final stage)'}.`
          : `${result.message ?? 'The move was refused.'} (${result.code ?? 'REFUSED'})`;
      const field = result.code === 'REASON_REQUIRED' ? 'reason' : result.code === 'EVIDENCE_REQUIRED' ? 'dsptStatus' : 'to';
      return pairingPage(req, s, p, values, [{ field, message }], allowedStages);
    },
  },
  {
    method: 'POST',
    path: '/console/reviewer/suppliers/:supplierId/scopes',
    roles: ['REVIEWER'],
    async handle(req) {
      const s = await loadSupplier(req);
      if (!s) return notFound('Supplier');
      const action = req.form.get('action') === 'revoke' ? 'revoke' : 'grant';
      const scopes = req.form.getAll('scopes');
      if (scopes.length === 0) return supplierPage(req, s, [{ field: action, message: `Choose at least one scope to ${action}` }]);
      const name = action === 'grant' ? 'grantScopes' : 'revokeScopes';
      const result = (await req.api<Record<string, { __typename: string; code?: string; message?: string }>>(SCOPES(name), { supplierId: s.id, scopes }))[name]!;
      if (result.__typename !== 'Supplier') return supplierPage(req, s, [{ field: action, message: `${result.message ?? 'Refused.'} (${result.code ?? 'REFUSED'})` }]);
      return redirect(`/console/reviewer/suppliers/${enc(s.id)}#scopes`, {
        kind: 'success',
        message: `${action === 'grant' ? 'Granted' : 'Revoked'}: ${scopes.map(scopeName).join(' ')}`,
      });
    },
  },
];
