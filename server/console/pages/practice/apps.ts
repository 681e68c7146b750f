// Products (supplier apps) at the practice: which are switched on with which permissions, which
// the practice may switch on, choosing the permissions (a subset of those NHS England granted),
// and switching one off at once. Practice admins decide; clinicians see the same lists.
import { button, form, heading, insetText, summaryList, table, tag, type FieldError } from '../../components.js';
import { formatDateTime } from '../../format.js';
import { html, type Html } from '../../html.js';
import { enumLabel } from '../../labels.js';
import { page, redirect, type ConsoleNavItem, type ConsoleRequest, type ConsoleResult, type ConsoleRoute } from '../../routes.js';
import { formList, isRefused, problems, scopeCheckboxes, scopeList, seg, sortScopes, type ApiRefusal } from '../common.js';

const BASE = '/console/practice/apps';
const PRACTICE_ROLES = ['PRACTICE_ADMIN', 'CLINICIAN'] as const;

interface Available {
  app: { clientId: string; name: string };
  supplierName: string;
  useCase: string;
  stage: string;
  grantedScopes: string[];
}
interface Enabled {
  app: { clientId: string; name: string; status: string };
  scopes: string[];
  active: boolean;
  changedAt: string;
  changedBy: string;
}

const APPS = /* GraphQL */ `{
  practiceEnablements { app { clientId name status } scopes active changedAt changedBy }
  availableApps { app { clientId name } supplierName useCase stage grantedScopes }
}`;

async function loadApps(req: ConsoleRequest) {
  return req.api<{ practiceEnablements: Enabled[]; availableApps: Available[] }>(APPS);
}

const isAdmin = (req: ConsoleRequest) => req.session.role === 'PRACTICE_ADMIN';
const ADMINS_ONLY = html`<p>Only your practice admin can switch apps on or off, or change their permissions.</p>`;

function disableForm(req: ConsoleRequest, app: { clientId: string; name: string }): Html {
  return form({
    action: `${BASE}/${seg(app.clientId)}/disable`,
    csrfToken: req.csrfToken,
    className: 'nhsuk-u-margin-bottom-0',
    body: html`<button class="nhsuk-button nhsuk-button--warning nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit">Switch off<span class="nhsuk-u-visually-hidden"> ${app.name}</span></button>`,
  });
}

async function listApps(req: ConsoleRequest): Promise<ConsoleResult> {
  const { practiceEnablements, availableApps } = await loadApps(req);
  const supplierOf = new Map(availableApps.map((a) => [a.app.clientId, a.supplierName]));
  const active = practiceEnablements.filter((e) => e.active);
  const activeIds = new Set(active.map((e) => e.app.clientId));
  const offered = availableApps.filter((a) => !activeIds.has(a.app.clientId));
  const switchedOff = new Map(practiceEnablements.filter((e) => !e.active).map((e) => [e.app.clientId, e]));

  const enabledTable = table({
    caption: 'Switched on at your practice',
    id: 'enabled-apps',
    empty: 'No apps are switched on at your practice.',
    head: ['App', 'Supplier', 'Permissions allowed', 'Since', ...(isAdmin(req) ? ['Action'] : [])],
    rows: active.map((e) => [
      html`<a class="nhsuk-link" href="${BASE}/${seg(e.app.clientId)}">${e.app.name}</a>${
        supplierOf.has(e.app.clientId) ? null : html`<br>${tag('No longer approved', 'orange')}`
      }`,
      supplierOf.get(e.app.clientId) ?? 'Not available to your practice now',
      scopeList(e.scopes),
      html`${formatDateTime(e.changedAt)}<br><span class="nhsuk-body-s">by ${e.changedBy}</span>`,
      ...(isAdmin(req) ? [disableForm(req, e.app)] : []),
    ]),
  });

  const offeredTable = table({
    caption: 'Available to switch on',
    id: 'available-apps',
    empty: 'No other apps are approved for your practice’s clinical system yet.',
    head: ['App', 'Supplier', 'What it is for', 'Permissions it may have'],
    rows: offered.map((a) => [
      html`<a class="nhsuk-link" href="${BASE}/${seg(a.app.clientId)}">${a.app.name}</a>${
        switchedOff.has(a.app.clientId) ? html`<br>${tag('Switched off', 'grey')}` : null
      }`,
      a.supplierName,
      a.useCase,
      scopeList(a.grantedScopes),
    ]),
  });

  return page(
    'Apps',
    html`${heading('Apps', `Practice ${req.session.practiceOds ?? ''}`)}
      <p class="nhsuk-body">Apps are supplier products that read or write your patients’ records through this platform. An app can only use the permissions you allow here, and only once NHS England has approved its supplier for your clinical system.</p>
      ${isAdmin(req) ? null : insetText(ADMINS_ONLY)}
      ${enabledTable}
      ${offeredTable}`,
  );
}

async function appPage(req: ConsoleRequest, state: { chosen?: string[]; errors?: FieldError[]; refusal?: { code: string; message: string } | null } = {}): Promise<ConsoleResult> {
  const clientId = req.params.clientId!;
  const { practiceEnablements, availableApps } = await loadApps(req);
  const offer = availableApps.find((a) => a.app.clientId === clientId);
  const current = practiceEnablements.find((e) => e.app.clientId === clientId);
  const name = offer?.app.name ?? current?.app.name;
  if (!name) {
    return page('App not found', html`${problems({ refusal: state.refusal, errors: state.errors })}${heading('App not found')}
      <p class="nhsuk-body">There is no app with this identifier that your practice may switch on or has switched on. It may have been revoked, or its supplier may not be approved for your clinical system.</p>
      <p class="nhsuk-body"><a class="nhsuk-link" href="${BASE}">Back to apps</a></p>`, { status: state.refusal ? 400 : 404 });
  }
  const active = current?.active === true;
  const status = active ? tag('Switched on', 'green') : current ? tag('Switched off', 'grey') : tag('Not switched on', 'white');
  const details = summaryList([
    { key: 'Status at your practice', value: status },
    { key: 'Supplier', value: offer?.supplierName ?? 'Not available to your practice now' },
    ...(offer ? [{ key: 'What it is for', value: offer.useCase }, { key: 'Approval for your clinical system', value: enumLabel('PairingStage', offer.stage) }] : []),
    { key: 'Permissions allowed now', value: active ? scopeList(current.scopes) : 'None' },
    ...(current ? [{ key: 'Last changed', value: `${formatDateTime(current.changedAt)} by ${current.changedBy}` }] : []),
    { key: 'Client ID', value: html`<code>${clientId}</code>` },
  ]);

  let decide: Html | null = null;
  if (!isAdmin(req)) decide = insetText(ADMINS_ONLY);
  else if (offer) {
    const granted = sortScopes(offer.grantedScopes);
    const chosen = state.chosen ?? (active ? current.scopes : []);
    decide = html`<h2 class="nhsuk-heading-m">${active ? 'Change permissions' : 'Switch on'}</h2>
      ${
        granted.length === 0
          ? html`<p class="nhsuk-body">NHS England has not granted this supplier any permissions yet, so there is nothing to allow.</p>`
          : form({
              action: `${BASE}/${seg(clientId)}/enable`,
              csrfToken: req.csrfToken,
              body: html`${scopeCheckboxes({
                legend: 'Which permissions do you allow this app?',
                hint: 'NHS England granted these to the supplier. Allow only what your practice needs. The app needs “Find patients and read their details” to reach any patient.',
                scopes: granted,
                values: chosen,
                error: state.errors?.find((e) => e.field === 'scopes')?.message,
              })}
              ${button({ text: active ? 'Save permissions' : 'Switch on with these permissions' })}`,
            })
      }`;
  }
  const switchOff = isAdmin(req) && active
    ? html`<h2 class="nhsuk-heading-m">Switch off</h2>
        <p class="nhsuk-body">The app loses access to your practice from its next request.</p>
        ${form({ action: `${BASE}/${seg(clientId)}/disable`, csrfToken: req.csrfToken, body: button({ text: `Switch off ${name}`, variant: 'warning' }) })}`
    : null;

  return page(
    name,
    html`${problems({ refusal: state.refusal, errors: state.errors })}
      ${heading(name, 'App')}
      ${details}
      ${decide}
      ${switchOff}`,
    { breadcrumbs: [{ text: 'Apps', href: BASE }], status: state.errors?.length || state.refusal ? 400 : 200 },
  );
}

async function enable(req: ConsoleRequest): Promise<ConsoleResult> {
  const clientId = req.params.clientId!;
  const chosen = formList(req.form, 'scopes');
  const { availableApps } = await loadApps(req);
  const offer = availableApps.find((a) => a.app.clientId === clientId);
  const errors: FieldError[] = [];
  if (chosen.length === 0) errors.push({ field: 'scopes', message: 'Choose at least one permission to allow, or switch the app off instead' });
  else if (offer && chosen.some((s) => !offer.grantedScopes.includes(s))) {
    errors.push({ field: 'scopes', message: 'Choose only permissions from the list: NHS England has not granted the others' });
  }
  if (errors.length > 0) return appPage(req, { chosen, errors });
  const result = await req.api<{ enableApp: ApiRefusal & { app?: { name: string }; scopes?: string[] } }>(
    'mutation Enable($clientId: String!, $scopes: [String!]!) { enableApp(clientId: $clientId, scopes: $scopes) { __typename ... on Error { code message } ... on Enablement { scopes app { name } } } }',
    { clientId, scopes: chosen },
  );
  const outcome = result.enableApp;
  if (isRefused(outcome, 'Enablement')) return appPage(req, { chosen, refusal: { code: outcome.code, message: outcome.message } });
  const count = outcome.scopes?.length ?? chosen.length;
  return redirect(BASE, { kind: 'success', message: `${outcome.app?.name ?? 'The app'} is switched on at your practice with ${count} ${count === 1 ? 'permission' : 'permissions'}.` });
}

async function disable(req: ConsoleRequest): Promise<ConsoleResult> {
  const clientId = req.params.clientId!;
  const result = await req.api<{ disableApp: ApiRefusal & { app?: { name: string } } }>(
    'mutation Disable($clientId: String!) { disableApp(clientId: $clientId) { __typename ... on Error { code message } ... on Enablement { app { name } } } }',
    { clientId },
  );
  const outcome = result.disableApp;
  if (isRefused(outcome, 'Enablement')) return appPage(req, { refusal: { code: outcome.code, message: outcome.message } });
  return redirect(BASE, { kind: 'success', message: `${outcome.app?.name ?? 'The app'} is switched off. It can no longer reach your practice’s records.` });
}

export const routes: ConsoleRoute[] = [
  { method: 'GET', path: BASE, roles: [...PRACTICE_ROLES], handle: listApps },
  { method: 'GET', path: `${BASE}/:clientId`, roles: [...PRACTICE_ROLES], handle: (req) => appPage(req) },
  { method: 'POST', path: `${BASE}/:clientId/enable`, roles: ['PRACTICE_ADMIN'], handle: enable },
  { method: 'POST', path: `${BASE}/:clientId/disable`, roles: ['PRACTICE_ADMIN'], handle: disable },
];

export const nav: ConsoleNavItem[] = [{ text: 'Apps', href: BASE, roles: [...PRACTICE_ROLES] }];
