// The supplier's webhook endpoints: register one for an app, read each endpoint's delivery log
// (every attempt, its status code and error), redeliver a delivery, switch a disabled endpoint back
// on, and rotate the signing secret. A secret is shown once, on the page that answers the form.
import { button, checkboxes, form, heading, insetText, select, summaryList, table, tag, textInput, type FieldError } from '../../components.js';
import { formatDateTime, formatDuration } from '../../format.js';
import { html, type Html } from '../../html.js';
import { eventTypeLabel } from '../../labels.js';
import { page, redirect, type ConsoleNavItem, type ConsoleRequest, type ConsoleResult, type ConsoleRoute } from '../../routes.js';
import { EVENT_TYPES } from '../../../domain/events/catalogue.js';
import { formList, formText, isRefused, problems, seg, type ApiRefusal } from '../common.js';

const BASE = '/console/developer/webhooks';
const ROLES = ['SUPPLIER_DEVELOPER'] as const;

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  deliveredAt: string | null;
  lastError: string | null;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
  attemptLog: Array<{ at: string; statusCode: number | null; error: string | null; durationMs: number }>;
}
interface Endpoint {
  id: string;
  clientId: string;
  url: string;
  eventTypes: string[];
  status: string;
  disabledReason: string | null;
  consecutiveFailures: number;
  createdAt: string;
  deliveries: Delivery[];
}

const DATA = /* GraphQL */ `{
  mySupplier { apps { clientId name status } }
  webhookEndpoints {
    id clientId url eventTypes status disabledReason consecutiveFailures createdAt
    deliveries(first: 20) { id eventId eventType status attempts deliveredAt lastError lastStatusCode nextAttemptAt attemptLog { at statusCode error durationMs } }
  }
}`;

async function load(req: ConsoleRequest) {
  const data = await req.api<{ mySupplier: { apps: Array<{ clientId: string; name: string; status: string }> } | null; webhookEndpoints: Endpoint[] }>(DATA);
  return { apps: (data.mySupplier?.apps ?? []).filter((a) => a.status === 'ACTIVE'), endpoints: data.webhookEndpoints };
}

const deliveryTag = (status: string) => (status === 'SUCCEEDED' ? tag('Delivered', 'green') : status === 'FAILED' ? tag('Failed', 'red') : tag('Trying', 'blue'));

function deliveryLog(req: ConsoleRequest, endpoint: Endpoint): Html {
  return table({
    caption: `Delivery log for ${endpoint.url}`,
    empty: 'Nothing has been delivered to this endpoint yet.',
    head: ['Event', 'Status', 'Attempts', 'Last answer', 'Action'],
    rows: endpoint.deliveries.map((d) => [
      html`${eventTypeLabel(d.eventType)}<br><code class="nhsuk-body-s">${d.eventType}</code> <code class="nhsuk-body-s console-hash">${d.eventId}</code>`,
      html`${deliveryTag(d.status)}${d.deliveredAt ? html`<br><span class="nhsuk-body-s">${formatDateTime(d.deliveredAt)}</span>` : d.nextAttemptAt ? html`<br><span class="nhsuk-body-s">Next try ${formatDateTime(d.nextAttemptAt)}</span>` : null}`,
      html`${d.attempts}${d.attemptLog.length ? html`<ul class="nhsuk-list nhsuk-body-s nhsuk-u-margin-bottom-0">${d.attemptLog.map((a) => html`<li>${formatDateTime(a.at)}: ${a.statusCode ?? 'no answer'}${a.error ? `, ${a.error}` : ''} (${formatDuration(a.durationMs)})</li>`)}</ul>` : null}`,
      d.lastStatusCode !== null || d.lastError ? `${d.lastStatusCode ?? ''}${d.lastError ? ` ${d.lastError}` : ''}`.trim() : 'None yet',
      form({
        action: `${BASE}/deliveries/${seg(d.id)}/redeliver`,
        csrfToken: req.csrfToken,
        body: html`<button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit">Send again<span class="nhsuk-u-visually-hidden"> ${d.eventType} ${d.eventId}</span></button>`,
      }),
    ]),
  });
}

function endpointSection(req: ConsoleRequest, endpoint: Endpoint, appName: string): Html {
  const active = endpoint.status === 'ACTIVE';
  return html`<section class="nhsuk-u-margin-bottom-6" aria-labelledby="endpoint-${endpoint.id}">
    <h2 class="nhsuk-heading-m" id="endpoint-${endpoint.id}">${endpoint.url}</h2>
    ${summaryList([
      { key: 'Status', value: active ? tag('Active', 'green') : html`${tag('Switched off', 'red')} ${endpoint.disabledReason ?? ''}` },
      { key: 'App', value: appName },
      { key: 'Events', value: html`<ul class="nhsuk-list nhsuk-u-margin-bottom-0">${endpoint.eventTypes.map((t) => html`<li>${eventTypeLabel(t)} <code>${t}</code></li>`)}</ul>` },
      { key: 'Failures in a row', value: String(endpoint.consecutiveFailures) },
      { key: 'Registered', value: formatDateTime(endpoint.createdAt) },
    ])}
    <div class="nhsuk-button-group">
      ${active ? null : form({ action: `${BASE}/${seg(endpoint.id)}/enable`, csrfToken: req.csrfToken, body: button({ text: 'Switch this endpoint back on' }) })}
      ${form({ action: `${BASE}/${seg(endpoint.id)}/rotate`, csrfToken: req.csrfToken, body: button({ text: 'Rotate the signing secret', variant: 'secondary' }) })}
    </div>
    ${deliveryLog(req, endpoint)}
  </section>`;
}

interface RegisterState {
  values?: { clientId: string; url: string; eventTypes: string[] };
  errors?: FieldError[];
  refusal?: { code: string; message: string } | null;
}

async function webhooksPage(req: ConsoleRequest, state: RegisterState = {}): Promise<ConsoleResult> {
  const { apps, endpoints } = await load(req);
  const names = new Map(apps.map((a) => [a.clientId, a.name]));
  const err = (field: string) => state.errors?.find((e) => e.field === field)?.message;
  const registerForm = apps.length === 0
    ? insetText(html`<p>Register an active app first: each webhook endpoint belongs to one of your apps. <a class="nhsuk-link" href="/console/developer/apps">Apps and keys</a></p>`)
    : form({
        action: `${BASE}/register`,
        csrfToken: req.csrfToken,
        body: html`${select({ name: 'clientId', label: 'App', value: state.values?.clientId, error: err('clientId'), items: apps.map((a) => ({ value: a.clientId, text: a.name })) })}
          ${textInput({ name: 'url', label: 'Endpoint address', hint: 'An https address on the public internet, for example https://hooks.example.com/gp', type: 'url', value: state.values?.url, error: err('url'), spellcheck: false })}
          ${checkboxes({ name: 'eventTypes', legend: 'Which events should it receive?', legendSize: 's', values: state.values?.eventTypes ?? [], error: err('eventTypes'), items: EVENT_TYPES.map((t) => ({ value: t, text: eventTypeLabel(t), hint: t })) })}
          ${button({ text: 'Register endpoint' })}`,
      });
  return page(
    'Webhooks',
    html`${problems({ refusal: state.refusal, errors: state.errors })}
      ${heading('Webhooks', 'Your company')}
      <p class="nhsuk-body">Deliveries are signed as Standard Webhooks describes (check them with <code>verifyWebhook</code> from the SDK) and retried with backoff when your endpoint does not answer 2xx.</p>
      ${endpoints.length === 0 ? html`<p class="nhsuk-body">You have no webhook endpoints yet.</p>` : endpoints.map((e) => endpointSection(req, e, names.get(e.clientId) ?? e.clientId))}
      <h2 class="nhsuk-heading-m">Register an endpoint</h2>
      ${registerForm}`,
    { status: state.errors?.length || state.refusal ? 400 : 200 },
  );
}

function secretPage(url: string, secret: string, rotated: boolean): ConsoleResult {
  return page(
    'Signing secret',
    html`${heading(rotated ? 'New signing secret' : 'Endpoint registered', url)}
      <div class="nhsuk-warning-callout"><h3 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>Copy this secret now</span></h3>
        <p>It is shown only this once. Your receiver needs it to check each delivery’s signature.${rotated ? ' For the next 24 hours deliveries carry a signature with the old secret and one with this, so you can switch over.' : ''}</p>
      </div>
      <p class="nhsuk-body"><code class="console-hash" data-testid="webhook-secret">${secret}</code></p>
      <p class="nhsuk-body"><a class="nhsuk-link" href="${BASE}">Back to webhooks</a></p>`,
  );
}

async function register(req: ConsoleRequest): Promise<ConsoleResult> {
  const values = { clientId: formText(req.form, 'clientId'), url: formText(req.form, 'url'), eventTypes: formList(req.form, 'eventTypes') };
  const errors: FieldError[] = [];
  if (!values.clientId) errors.push({ field: 'clientId', message: 'Choose the app the endpoint belongs to' });
  let parsed: URL | null = null;
  try {
    parsed = new URL(values.url);
  } catch {
    parsed = null;
  }
  if (!parsed || !['https:', 'http:'].includes(parsed.protocol)) errors.push({ field: 'url', message: 'Enter the endpoint’s full address, starting https://' });
  if (values.eventTypes.length === 0) errors.push({ field: 'eventTypes', message: 'Choose at least one event' });
  else if (values.eventTypes.some((t) => !(EVENT_TYPES as readonly string[]).includes(t))) errors.push({ field: 'eventTypes', message: 'Choose events from the list' });
  if (errors.length > 0) return webhooksPage(req, { values, errors });
  const result = await req.api<{ registerWebhook: ApiRefusal & { secret?: string; endpoint?: { url: string } } }>(
    'mutation Register($clientId: String!, $url: String!, $eventTypes: [String!]!) { registerWebhook(clientId: $clientId, url: $url, eventTypes: $eventTypes) { __typename ... on Error { code message } ... on RegisteredWebhook { secret endpoint { url } } } }',
    values,
  );
  const outcome = result.registerWebhook;
  if (isRefused(outcome, 'RegisteredWebhook')) return webhooksPage(req, { values, refusal: { code: outcome.code, message: outcome.message } });
  return secretPage(outcome.endpoint!.url, outcome.secret!, false);
}

async function rotate(req: ConsoleRequest): Promise<ConsoleResult> {
  const result = await req.api<{ rotateWebhookSecret: ApiRefusal & { secret?: string; endpoint?: { url: string } } }>(
    'mutation Rotate($endpointId: String!) { rotateWebhookSecret(endpointId: $endpointId) { __typename ... on Error { code message } ... on RegisteredWebhook { secret endpoint { url } } } }',
    { endpointId: req.params.endpointId! },
  );
  const outcome = result.rotateWebhookSecret;
  if (isRefused(outcome, 'RegisteredWebhook')) return webhooksPage(req, { refusal: { code: outcome.code, message: outcome.message } });
  return secretPage(outcome.endpoint!.url, outcome.secret!, true);
}

async function enableEndpoint(req: ConsoleRequest): Promise<ConsoleResult> {
  const result = await req.api<{ enableWebhookEndpoint: ApiRefusal & { url?: string } }>(
    'mutation Enable($endpointId: String!) { enableWebhookEndpoint(endpointId: $endpointId) { __typename ... on Error { code message } ... on WebhookEndpoint { url } } }',
    { endpointId: req.params.endpointId! },
  );
  const outcome = result.enableWebhookEndpoint;
  if (isRefused(outcome, 'WebhookEndpoint')) return webhooksPage(req, { refusal: { code: outcome.code, message: outcome.message } });
  return redirect(BASE, { kind: 'success', message: `${outcome.url} is switched back on.` });
}

async function redeliver(req: ConsoleRequest): Promise<ConsoleResult> {
  const result = await req.api<{ redeliverWebhook: ApiRefusal & { eventType?: string; eventId?: string } }>(
    'mutation Redeliver($deliveryId: String!) { redeliverWebhook(deliveryId: $deliveryId) { __typename ... on Error { code message } ... on WebhookDelivery { eventType eventId } } }',
    { deliveryId: req.params.deliveryId! },
  );
  const outcome = result.redeliverWebhook;
  if (isRefused(outcome, 'WebhookDelivery')) return webhooksPage(req, { refusal: { code: outcome.code, message: outcome.message } });
  return redirect(BASE, { kind: 'success', message: `${outcome.eventType} ${outcome.eventId} will be sent again, with the same webhook-id and body.` });
}

export const routes: ConsoleRoute[] = [
  { method: 'GET', path: BASE, roles: [...ROLES], handle: (req) => webhooksPage(req) },
  { method: 'POST', path: `${BASE}/register`, roles: [...ROLES], handle: register },
  { method: 'POST', path: `${BASE}/:endpointId/rotate`, roles: [...ROLES], handle: rotate },
  { method: 'POST', path: `${BASE}/:endpointId/enable`, roles: [...ROLES], handle: enableEndpoint },
  { method: 'POST', path: `${BASE}/deliveries/:deliveryId/redeliver`, roles: [...ROLES], handle: redeliver },
];

export const nav: ConsoleNavItem[] = [{ text: 'Webhooks', href: BASE, roles: [...ROLES] }];
