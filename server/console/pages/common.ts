// Pieces the console's pages share: a refused action shown as an NHS.UK error summary (what
// happened, the API's reason, what would make it allowed), scopes and audit operations in plain
// English with their code beside, and small readers for posted forms.
import { SCOPES } from '../../domain/scopes.js';
import { checkboxes, errorSummary, type FieldError } from '../components.js';
import { describeRefusal } from '../error-help.js';
import { html, type Html } from '../html.js';
import { auditOperationLabel, scopeLabel } from '../labels.js';

/** A typed refusal as the API answers it (`... on Error { code message }`). */
export interface ApiRefusal {
  __typename: string;
  code?: string;
  message?: string;
}

/** True when a mutation's result union answered an error type rather than the thing asked for. */
export function isRefused(result: ApiRefusal | null | undefined, success: string): result is ApiRefusal & { code: string; message: string } {
  return !result || result.__typename !== success;
}

/** The error summary for a refused action: its plain-English title, the API's reason and the way forward. */
export function refusalSummary(code: string, message: string, extra?: Html | null): Html {
  const { title, why, remedy } = describeRefusal(code, message);
  return html`<div class="nhsuk-error-summary" aria-labelledby="refusal-title" role="alert" tabindex="-1" data-testid="refusal">
    <h2 class="nhsuk-error-summary__title" id="refusal-title">${title}</h2>
    <div class="nhsuk-error-summary__body">
      <p data-testid="refusal-reason">${why}</p>
      ${remedy ? html`<p data-testid="refusal-remedy"><strong>What would make it allowed:</strong> ${remedy}</p>` : null}
      ${extra ?? null}
      <p class="nhsuk-body-s">Code: <code>${code}</code></p>
    </div>
  </div>`;
}

/** The page's problems: a refusal from the API, or field errors from the server's own checks. */
export function problems(o: { refusal?: { code: string; message: string } | null; errors?: readonly FieldError[] }): Html | null {
  if (o.refusal) return refusalSummary(o.refusal.code, o.refusal.message);
  return errorSummary(o.errors);
}

const CATALOGUE_ORDER = new Map(SCOPES.map((s, i) => [s.scope, i]));

/** Scopes in the catalogue's order (patient details first, then the record sections, then writes). */
export function sortScopes(scopes: readonly string[]): string[] {
  return [...new Set(scopes)].sort((a, b) => (CATALOGUE_ORDER.get(a) ?? 999) - (CATALOGUE_ORDER.get(b) ?? 999) || a.localeCompare(b));
}

/** A scope as a person reads it, with the code beside for whoever must match it to the API. */
export function scopeText(scope: string): Html {
  return html`${scopeLabel(scope)} <code class="console-code">${scope}</code>`;
}

/** An audit operation as a person reads it, with its code beside; a field audited under its own name shows just that. */
export function operationText(operation: string): Html {
  const label = auditOperationLabel(operation);
  return label ? html`${label} <code class="console-code">${operation}</code>` : html`<code>${operation}</code>`;
}

/** A list of scopes, or a plain sentence when there are none. */
export function scopeList(scopes: readonly string[], none = 'None'): Html {
  if (scopes.length === 0) return html`${none}`;
  return html`<ul class="nhsuk-list nhsuk-list--bullet nhsuk-u-margin-bottom-0">${sortScopes(scopes).map((s) => html`<li>${scopeText(s)}</li>`)}</ul>`;
}

/** Checkboxes for choosing scopes: plain English as the label, the code as its hint. */
export function scopeCheckboxes(o: { name?: string; legend: string; scopes: readonly string[]; values: readonly string[]; hint?: string; error?: string; notes?: Record<string, string> }): Html {
  return checkboxes({
    name: o.name ?? 'scopes',
    legend: o.legend,
    legendSize: 'm',
    hint: o.hint,
    error: o.error,
    values: o.values,
    items: sortScopes(o.scopes).map((scope) => ({
      value: scope,
      text: scopeLabel(scope),
      hint: o.notes?.[scope] ? `${scope} · ${o.notes[scope]}` : scope,
    })),
  });
}

/** The values of a repeated form field, each trimmed, empty ones dropped. */
export function formList(form: URLSearchParams, name: string): string[] {
  return [...new Set(form.getAll(name).map((v) => v.trim()).filter(Boolean))];
}

/** A single trimmed form value ('' when absent). */
export function formText(form: URLSearchParams, name: string): string {
  return (form.get(name) ?? '').trim();
}

/** Encodes a path segment (ids may hold characters that are not path-safe). */
export const seg = (value: string): string => encodeURIComponent(value);

/** A Relay connection as the API answers it, and its nodes in order. */
export interface Connection<T> {
  edges: Array<{ node: T }>;
}
export const nodes = <T>(connection: Connection<T>): T[] => connection.edges.map((e) => e.node);
