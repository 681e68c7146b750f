// The supplier's own standing: its pairings (one per principal system) and where each is in NHS
// England's pipeline with the history and reasons, and the scopes requested and granted. Before
// the company has applied, the page is the application form.
import type { SupplierSummary as Supplier } from '../../api-types.js';
import { button, checkboxes, form, heading, summaryList, table, tag, textInput, textarea, type FieldError, type TagColour } from '../../components.js';
import { formatDateTime } from '../../format.js';
import { html, type Html } from '../../html.js';
import { enumLabel } from '../../labels.js';
import { page, redirect, type ConsoleNavItem, type ConsoleRequest, type ConsoleResult, type ConsoleRoute } from '../../routes.js';
import { SCOPES } from '../../../domain/scopes.js';
import { formList, formText, isRefused, problems, scopeCheckboxes, scopeText, sortScopes, type ApiRefusal } from '../common.js';

export const DEVELOPER_HOME = '/console/developer/pairings';
const APPLY = '/console/developer/apply';
const SYSTEMS = ['EMIS_WEB', 'TPP_SYSTMONE', 'CEGEDIM_VISION', 'MICROTEST_EVOLUTION'] as const;
const STAGE_COLOUR: Record<string, TagColour> = { LIVE: 'green', ASSURED: 'aqua-green', SUPPORTED_TEST: 'blue', UNSUPPORTED_TEST: 'blue', SUSPENDED: 'orange', REJECTED: 'red', REVOKED: 'red' };

const SUPPLIER = /* GraphQL */ `{
  mySupplier {
    id name contactName contactEmail useCase createdAt
    pairings { id stage updatedAt system { id name } history { at by from to reason } }
    scopes { scope granted grantedAt }
  }
}`;

export const stageTag = (stage: string): Html => tag(enumLabel('PairingStage', stage), STAGE_COLOUR[stage] ?? 'grey');

/** The calling developer's supplier, or null before applying. */
export async function mySupplier(req: ConsoleRequest): Promise<Supplier | null> {
  return (await req.api<{ mySupplier: Supplier | null }>(SUPPLIER)).mySupplier;
}

interface ApplyState {
  values?: { name: string; contactName: string; contactEmail: string; useCase: string; systems: string[]; scopes: string[] };
  errors?: FieldError[];
  refusal?: { code: string; message: string } | null;
}

function applyPage(req: ConsoleRequest, state: ApplyState = {}): ConsoleResult {
  const v = state.values;
  const err = (field: string) => state.errors?.find((e) => e.field === field)?.message;
  return page(
    'Apply as a supplier',
    html`${problems({ refusal: state.refusal, errors: state.errors })}
      ${heading('Apply as a supplier', 'Your company')}
      <p class="nhsuk-body">Your company has not applied yet. NHS England reviews each application and moves each clinical system you ask for through its stages; you can build against the sandbox practices as soon as a pairing reaches a testing stage.</p>
      ${form({
        action: APPLY,
        csrfToken: req.csrfToken,
        body: html`${textInput({ name: 'name', label: 'Company name', value: v?.name, error: err('name'), autocomplete: 'organization' })}
          ${textInput({ name: 'contactName', label: 'Contact name', value: v?.contactName, error: err('contactName'), autocomplete: 'name' })}
          ${textInput({ name: 'contactEmail', label: 'Contact email address', type: 'email', value: v?.contactEmail, error: err('contactEmail'), autocomplete: 'email', spellcheck: false })}
          ${textarea({ name: 'useCase', label: 'What will your product do for practices and patients?', value: v?.useCase, error: err('useCase'), rows: 4 })}
          ${checkboxes({ name: 'systems', legend: 'Which clinical systems do you want to pair with?', legendSize: 'm', values: v?.systems ?? [], error: err('systems'), items: SYSTEMS.map((s) => ({ value: s, text: enumLabel('ClinicalSystemId', s) })) })}
          ${scopeCheckboxes({ legend: 'Which permissions do you need?', hint: 'Ask only for what your product needs: NHS England grants some or all of them, and each practice allows some of those.', scopes: SCOPES.map((s) => s.scope), values: v?.scopes ?? [], error: err('scopes') })}
          ${button({ text: 'Send application' })}`,
      })}`,
    { status: state.errors?.length || state.refusal ? 400 : 200 },
  );
}

async function overview(req: ConsoleRequest): Promise<ConsoleResult> {
  const supplier = await mySupplier(req);
  if (!supplier) return applyPage(req);
  const pairings = table({
    caption: 'Pairings: your company with each clinical system',
    id: 'pairings',
    head: ['Clinical system', 'Stage', 'Since', 'Latest decision'],
    rows: supplier.pairings.map((p) => {
      const last = p.history[p.history.length - 1];
      return [enumLabel('ClinicalSystemId', p.system.id), stageTag(p.stage), formatDateTime(p.updatedAt), last ? html`${last.reason}<br><span class="nhsuk-body-s">by ${last.by}</span>` : 'None'];
    }),
  });
  const histories = supplier.pairings.map(
    (p) => html`<details class="nhsuk-details"><summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Stage history: ${enumLabel('ClinicalSystemId', p.system.id)}</span></summary>
      <div class="nhsuk-details__text">${table({
        head: ['When', 'From', 'To', 'Reason', 'By'],
        rows: p.history.map((h) => [formatDateTime(h.at), h.from ? enumLabel('PairingStage', h.from) : 'None', enumLabel('PairingStage', h.to), h.reason, h.by]),
      })}</div></details>`,
  );
  const scopes = table({
    caption: 'Permissions',
    id: 'scopes',
    head: ['Permission', 'Status'],
    rows: sortScopes(supplier.scopes.map((s) => s.scope)).map((scope) => supplier.scopes.find((s) => s.scope === scope)!).map((s) => [scopeText(s.scope), s.granted ? html`${tag('Granted', 'green')} ${formatDateTime(s.grantedAt)}` : tag('Requested, not granted yet', 'grey')]),
  });
  return page(
    supplier.name,
    html`${heading(supplier.name, 'Your company')}
      ${summaryList([
        { key: 'Supplier ID', value: html`<code>${supplier.id}</code>` },
        { key: 'Contact', value: `${supplier.contactName} (${supplier.contactEmail})` },
        { key: 'What it is for', value: supplier.useCase },
        { key: 'Applied', value: formatDateTime(supplier.createdAt) },
      ])}
      ${pairings}
      ${histories}
      <p class="nhsuk-body">From a testing stage your apps and plugins reach that system’s <a class="nhsuk-link" href="/console/developer/sandbox">sandbox practices</a>; once live, the real practices that switch them on.</p>
      ${scopes}`,
  );
}

async function applyAsSupplier(req: ConsoleRequest): Promise<ConsoleResult> {
  const values = {
    name: formText(req.form, 'name'),
    contactName: formText(req.form, 'contactName'),
    contactEmail: formText(req.form, 'contactEmail'),
    useCase: formText(req.form, 'useCase'),
    systems: formList(req.form, 'systems'),
    scopes: formList(req.form, 'scopes'),
  };
  const errors: FieldError[] = [];
  if (!values.name) errors.push({ field: 'name', message: 'Enter your company name' });
  if (!values.contactName) errors.push({ field: 'contactName', message: 'Enter the name of the person NHS England should contact' });
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.contactEmail)) errors.push({ field: 'contactEmail', message: 'Enter an email address in the correct format, like name@example.com' });
  if (values.useCase.length < 10) errors.push({ field: 'useCase', message: 'Describe what your product will do, in at least 10 characters' });
  if (values.systems.length === 0 || values.systems.some((s) => !(SYSTEMS as readonly string[]).includes(s))) errors.push({ field: 'systems', message: 'Choose at least one clinical system from the list' });
  if (values.scopes.length === 0 || values.scopes.some((s) => !SCOPES.some((k) => k.scope === s))) errors.push({ field: 'scopes', message: 'Choose at least one permission from the list' });
  if (errors.length > 0) return applyPage(req, { values, errors });
  const result = await req.api<{ applyAsSupplier: ApiRefusal & { name?: string } }>(
    'mutation Apply($input: SupplierApplicationInput!) { applyAsSupplier(input: $input) { __typename ... on Error { code message } ... on Supplier { name } } }',
    { input: { name: values.name, contactName: values.contactName, contactEmail: values.contactEmail, useCase: values.useCase, systems: values.systems, requestedScopes: values.scopes } },
  );
  const outcome = result.applyAsSupplier;
  if (isRefused(outcome, 'Supplier')) return applyPage(req, { values, refusal: { code: outcome.code, message: outcome.message } });
  return redirect(DEVELOPER_HOME, { kind: 'success', message: `${outcome.name} has applied. NHS England will review each pairing.` });
}

export const routes: ConsoleRoute[] = [
  { method: 'GET', path: DEVELOPER_HOME, roles: ['SUPPLIER_DEVELOPER'], handle: overview },
  { method: 'POST', path: APPLY, roles: ['SUPPLIER_DEVELOPER'], handle: applyAsSupplier },
];

export const nav: ConsoleNavItem[] = [{ text: 'Pairings', href: DEVELOPER_HOME, roles: ['SUPPLIER_DEVELOPER'] }];
