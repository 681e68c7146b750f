// The supplier's apps and their public keys: register an app with a JWKS, add a key and remove the
// old one (rotation without downtime), and revoke an app at once with a reason. Private keys never
// come here: the API refuses them, and so does this page before asking.
import { button, form, heading, insetText, summaryList, table, tag, textInput, textarea, type FieldError } from '../../components.js';
import { formatDateTime } from '../../format.js';
import { html, type Html } from '../../html.js';
import { page, redirect, type ConsoleNavItem, type ConsoleRequest, type ConsoleResult, type ConsoleRoute } from '../../routes.js';
import { formText, isRefused, problems, seg, type ApiRefusal } from '../common.js';

const BASE = '/console/developer/apps';
const ROLES = ['SUPPLIER_DEVELOPER'] as const;
/** Members of a private JWK: a pasted private key is refused before it travels any further. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

interface App {
  clientId: string;
  name: string;
  status: string;
  createdAt: string;
  revokedAt: string | null;
  keys: Array<{ kid: string; kty: string; alg: string }>;
}

const APPS = '{ mySupplier { id apps { clientId name status createdAt revokedAt keys { kid kty alg } } } }';

async function loadApps(req: ConsoleRequest): Promise<App[] | null> {
  return (await req.api<{ mySupplier: { apps: App[] } | null }>(APPS)).mySupplier?.apps ?? null;
}

const statusTag = (app: App) => (app.status === 'ACTIVE' ? tag('Active', 'green') : tag('Revoked', 'red'));

/** Parses pasted JSON and refuses private key material; the API checks the rest. */
export function readJson(text: string, field: string, what: string): { value: unknown; error: FieldError | null } {
  if (!text) return { value: null, error: { field, message: `Paste the ${what}` } };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { value: null, error: { field, message: `The ${what} is not valid JSON` } };
  }
  const keys = Array.isArray((value as { keys?: unknown })?.keys) ? ((value as { keys: unknown[] }).keys as Record<string, unknown>[]) : [value as Record<string, unknown>];
  if (keys.some((k) => k && typeof k === 'object' && PRIVATE_MEMBERS.some((m) => m in k))) {
    return { value: null, error: { field, message: 'This is a private key: paste only the public key, and keep the private key to yourself' } };
  }
  return { value, error: null };
}

interface RegisterState {
  values?: { name: string; jwks: string };
  errors?: FieldError[];
  refusal?: { code: string; message: string } | null;
}

async function listApps(req: ConsoleRequest, state: RegisterState = {}): Promise<ConsoleResult> {
  const apps = await loadApps(req);
  if (apps === null) return redirect('/console/developer/pairings', { kind: 'error', message: 'Apply as a supplier before registering apps.' });
  const err = (field: string) => state.errors?.find((e) => e.field === field)?.message;
  return page(
    'Apps and keys',
    html`${problems({ refusal: state.refusal, errors: state.errors })}
      ${heading('Apps and keys', 'Your company')}
      ${table({
        caption: 'Your apps',
        id: 'apps',
        empty: 'Your company has no apps yet.',
        head: ['App', 'Client ID', 'Keys', 'Status'],
        rows: apps.map((a) => [
          html`<a class="nhsuk-link" href="${BASE}/${seg(a.clientId)}">${a.name}</a>`,
          html`<code class="console-hash">${a.clientId}</code>`,
          a.keys.map((k) => k.kid).join(', ') || 'None',
          statusTag(a),
        ]),
      })}
      <h2 class="nhsuk-heading-m">Register an app</h2>
      ${form({
        action: `${BASE}/register`,
        csrfToken: req.csrfToken,
        body: html`${textInput({ name: 'name', label: 'App name', value: state.values?.name, error: err('name') })}
          ${textarea({
            name: 'jwks',
            label: 'Public keys (JWKS)',
            hint: 'As {"keys": [ ... ]}: RS512 RSA (2048 bits or more) or ES384 P-384 public keys, each with a kid. Never paste a private key.',
            value: state.values?.jwks,
            error: err('jwks'),
            rows: 6,
          })}
          ${button({ text: 'Register app' })}`,
      })}`,
    { status: state.errors?.length || state.refusal ? 400 : 200 },
  );
}

async function register(req: ConsoleRequest): Promise<ConsoleResult> {
  const values = { name: formText(req.form, 'name'), jwks: formText(req.form, 'jwks') };
  const errors: FieldError[] = [];
  if (!values.name) errors.push({ field: 'name', message: 'Enter a name for the app' });
  const jwks = readJson(values.jwks, 'jwks', 'public keys (JWKS)');
  if (jwks.error) errors.push(jwks.error);
  if (errors.length > 0) return listApps(req, { values, errors });
  const result = await req.api<{ registerClientApp: ApiRefusal & { clientId?: string; name?: string } }>(
    'mutation Register($name: String!, $jwks: JSON!) { registerClientApp(name: $name, jwks: $jwks) { __typename ... on Error { code message } ... on ClientApp { clientId name } } }',
    { name: values.name, jwks: jwks.value },
  );
  const outcome = result.registerClientApp;
  if (isRefused(outcome, 'ClientApp')) return listApps(req, { values, refusal: { code: outcome.code, message: outcome.message } });
  return redirect(`${BASE}/${seg(outcome.clientId!)}`, { kind: 'success', message: `${outcome.name} is registered. Its client ID is ${outcome.clientId}.` });
}

interface AppState {
  jwk?: string;
  reason?: string;
  errors?: FieldError[];
  refusal?: { code: string; message: string } | null;
}

async function appPage(req: ConsoleRequest, state: AppState = {}): Promise<ConsoleResult> {
  const apps = (await loadApps(req)) ?? [];
  const app = apps.find((a) => a.clientId === req.params.clientId);
  if (!app) {
    return page('App not found', html`${problems({ refusal: state.refusal })}${heading('App not found')}<p class="nhsuk-body">Your company has no app with this client ID.</p><p class="nhsuk-body"><a class="nhsuk-link" href="${BASE}">Back to apps and keys</a></p>`, { status: state.refusal ? 400 : 404 });
  }
  const err = (field: string) => state.errors?.find((e) => e.field === field)?.message;
  const active = app.status === 'ACTIVE';
  const base = `${BASE}/${seg(app.clientId)}`;
  const keyRows = app.keys.map((k) => [
    html`<code>${k.kid}</code>`,
    `${k.kty} ${k.alg}`,
    active && app.keys.length > 1
      ? form({
          action: `${base}/keys/${seg(k.kid)}/remove`,
          csrfToken: req.csrfToken,
          body: html`<button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit">Remove<span class="nhsuk-u-visually-hidden"> key ${k.kid}</span></button>`,
        })
      : active ? 'Add a new key before removing this one' : '',
  ]);
  const manage: Html | null = active
    ? html`<h2 class="nhsuk-heading-m">Rotate keys</h2>
        <p class="nhsuk-body">Add the new public key, switch your app to sign with it, then remove the old key. Tokens keep working throughout.</p>
        ${form({
          action: `${base}/keys`,
          csrfToken: req.csrfToken,
          body: html`${textarea({ name: 'jwk', label: 'New public key (one JWK)', hint: 'With a kid not used by another key of this app.', value: state.jwk, error: err('jwk'), rows: 5 })}
            ${button({ text: 'Add key', variant: 'secondary' })}`,
        })}
        <h2 class="nhsuk-heading-m">Revoke this app</h2>
        <p class="nhsuk-body">Revoking is immediate and final: the app can no longer obtain or use tokens anywhere.</p>
        ${form({
          action: `${base}/revoke`,
          csrfToken: req.csrfToken,
          body: html`${textInput({ name: 'reason', label: 'Why are you revoking it?', hint: 'Kept in the audit trail. For example: private key exposed.', value: state.reason, error: err('reason') })}
            ${button({ text: `Revoke ${app.name}`, variant: 'warning' })}`,
        })}`
    : insetText(html`<p>This app was revoked ${formatDateTime(app.revokedAt)}. It can no longer obtain or use tokens.</p>`);
  return page(
    app.name,
    html`${problems({ refusal: state.refusal, errors: state.errors })}
      ${heading(app.name, 'App')}
      ${summaryList([
        { key: 'Status', value: statusTag(app) },
        { key: 'Client ID', value: html`<code class="console-hash">${app.clientId}</code>` },
        { key: 'Registered', value: formatDateTime(app.createdAt) },
      ])}
      ${table({ caption: 'Public keys', id: 'keys', head: ['Key ID (kid)', 'Type', 'Action'], rows: keyRows, empty: 'This app has no keys.' })}
      ${manage}`,
    { breadcrumbs: [{ text: 'Apps and keys', href: BASE }], status: state.errors?.length || state.refusal ? 400 : 200 },
  );
}

async function addKey(req: ConsoleRequest): Promise<ConsoleResult> {
  const text = formText(req.form, 'jwk');
  const jwk = readJson(text, 'jwk', 'public key');
  if (jwk.error) return appPage(req, { jwk: text, errors: [jwk.error] });
  const result = await req.api<{ addClientAppKey: ApiRefusal }>(
    'mutation AddKey($clientId: String!, $jwk: JSON!) { addClientAppKey(clientId: $clientId, jwk: $jwk) { __typename ... on Error { code message } } }',
    { clientId: req.params.clientId!, jwk: jwk.value },
  );
  if (isRefused(result.addClientAppKey, 'ClientApp')) return appPage(req, { jwk: text, refusal: { code: result.addClientAppKey.code, message: result.addClientAppKey.message } });
  return redirect(`${BASE}/${seg(req.params.clientId!)}`, { kind: 'success', message: 'The key is added. Once your app signs with it, remove the old key.' });
}

async function removeKey(req: ConsoleRequest): Promise<ConsoleResult> {
  const result = await req.api<{ removeClientAppKey: ApiRefusal }>(
    'mutation RemoveKey($clientId: String!, $kid: String!) { removeClientAppKey(clientId: $clientId, kid: $kid) { __typename ... on Error { code message } } }',
    { clientId: req.params.clientId!, kid: req.params.kid! },
  );
  if (isRefused(result.removeClientAppKey, 'ClientApp')) return appPage(req, { refusal: { code: result.removeClientAppKey.code, message: result.removeClientAppKey.message } });
  return redirect(`${BASE}/${seg(req.params.clientId!)}`, { kind: 'success', message: `Key ${req.params.kid} is removed: assertions signed with it are refused from now on.` });
}

async function revoke(req: ConsoleRequest): Promise<ConsoleResult> {
  const reason = formText(req.form, 'reason');
  if (!reason) return appPage(req, { reason, errors: [{ field: 'reason', message: 'Enter why you are revoking the app' }] });
  const result = await req.api<{ revokeClientApp: ApiRefusal & { name?: string } }>(
    'mutation Revoke($clientId: String!, $reason: String!) { revokeClientApp(clientId: $clientId, reason: $reason) { __typename ... on Error { code message } ... on ClientApp { name } } }',
    { clientId: req.params.clientId!, reason },
  );
  if (isRefused(result.revokeClientApp, 'ClientApp')) return appPage(req, { reason, refusal: { code: result.revokeClientApp.code, message: result.revokeClientApp.message } });
  return redirect(`${BASE}/${seg(req.params.clientId!)}`, { kind: 'success', message: `${result.revokeClientApp.name} is revoked. It can no longer obtain or use tokens.` });
}

export const routes: ConsoleRoute[] = [
  { method: 'GET', path: BASE, roles: [...ROLES], handle: (req) => listApps(req) },
  { method: 'POST', path: `${BASE}/register`, roles: [...ROLES], handle: register },
  { method: 'GET', path: `${BASE}/:clientId`, roles: [...ROLES], handle: (req) => appPage(req) },
  { method: 'POST', path: `${BASE}/:clientId/keys`, roles: [...ROLES], handle: addKey },
  { method: 'POST', path: `${BASE}/:clientId/keys/:kid/remove`, roles: [...ROLES], handle: removeKey },
  { method: 'POST', path: `${BASE}/:clientId/revoke`, roles: [...ROLES], handle: revoke },
];

export const nav: ConsoleNavItem[] = [{ text: 'Apps and keys', href: BASE, roles: [...ROLES] }];
