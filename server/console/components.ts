// NHS.UK design-system components as small functions, so every page renders the same accessible
// markup: labels tied to inputs, hints and errors referenced by aria-describedby, an error summary
// linking to each field. All text is escaped (see html.ts).
import { html, type Html, type Interpolation } from './html.js';

export interface FieldError {
  /** The field's name (links the summary to `#<id>`); omit for errors about the whole form. */
  field?: string;
  message: string;
}

const idFor = (name: string) => `field-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

function describedBy(...ids: (string | null | undefined | false)[]): Html | null {
  const list = ids.filter(Boolean).join(' ');
  return list ? html` aria-describedby="${list}"` : null;
}

function hintAndError(id: string, hint?: string, error?: string): { markup: Html; ids: (string | null)[] } {
  return {
    markup: html`${hint ? html`<div class="nhsuk-hint" id="${id}-hint">${hint}</div>` : null}${
      error ? html`<span class="nhsuk-error-message" id="${id}-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${error}</span>` : null
    }`,
    ids: [hint ? `${id}-hint` : null, error ? `${id}-error` : null],
  };
}

export function errorFor(errors: readonly FieldError[] | undefined, field: string): string | undefined {
  return errors?.find((e) => e.field === field)?.message;
}

/** The summary at the top of a form with errors (focused by the design system's script). */
export function errorSummary(errors: readonly FieldError[] | undefined): Html | null {
  if (!errors || errors.length === 0) return null;
  return html`<div class="nhsuk-error-summary" data-module="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1">
    <h2 class="nhsuk-error-summary__title" id="error-summary-title">There is a problem</h2>
    <div class="nhsuk-error-summary__body">
      <ul class="nhsuk-list nhsuk-error-summary__list">
        ${errors.map((e) => html`<li>${e.field ? html`<a href="#${idFor(e.field)}">${e.message}</a>` : e.message}</li>`)}
      </ul>
    </div>
  </div>`;
}

/** A POST form with the session's CSRF token. */
export function form(options: { action: string; csrfToken: string; body: Interpolation; id?: string; className?: string }): Html {
  return html`<form method="post" action="${options.action}" novalidate${options.id ? html` id="${options.id}"` : null}${
    options.className ? html` class="${options.className}"` : null
  }>
    <input type="hidden" name="_csrf" value="${options.csrfToken}">
    ${options.body}
  </form>`;
}

export interface TextInputOptions {
  name: string;
  label: string;
  value?: string | null;
  hint?: string;
  error?: string;
  type?: 'text' | 'email' | 'url' | 'number' | 'search' | 'date';
  autocomplete?: string;
  /** Character width class: 2, 3, 4, 5, 10, 20, 30. */
  width?: 2 | 3 | 4 | 5 | 10 | 20 | 30;
  spellcheck?: boolean;
}

export function textInput(o: TextInputOptions): Html {
  const id = idFor(o.name);
  const extra = hintAndError(id, o.hint, o.error);
  return html`<div class="nhsuk-form-group${o.error ? ' nhsuk-form-group--error' : ''}">
    <label class="nhsuk-label" for="${id}">${o.label}</label>
    ${extra.markup}
    <input class="nhsuk-input${o.width ? ` nhsuk-input--width-${o.width}` : ''}${o.error ? ' nhsuk-input--error' : ''}" id="${id}" name="${o.name}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"${
      o.autocomplete ? html` autocomplete="${o.autocomplete}"` : null
    }${o.spellcheck === false ? html` spellcheck="false"` : null}${describedBy(...extra.ids)}>
  </div>`;
}

export function textarea(o: { name: string; label: string; value?: string | null; hint?: string; error?: string; rows?: number }): Html {
  const id = idFor(o.name);
  const extra = hintAndError(id, o.hint, o.error);
  return html`<div class="nhsuk-form-group${o.error ? ' nhsuk-form-group--error' : ''}">
    <label class="nhsuk-label" for="${id}">${o.label}</label>
    ${extra.markup}
    <textarea class="nhsuk-textarea${o.error ? ' nhsuk-textarea--error' : ''}" id="${id}" name="${o.name}" rows="${o.rows ?? 4}"${describedBy(...extra.ids)}>${o.value ?? ''}</textarea>
  </div>`;
}

export interface ChoiceItem {
  value: string;
  text: string;
  hint?: string;
  disabled?: boolean;
}

function choices(kind: 'radios' | 'checkboxes', o: { name: string; legend: string; items: ChoiceItem[]; selected: string[]; hint?: string; error?: string; small?: boolean; legendSize?: 's' | 'm' | 'l' }): Html {
  const id = idFor(o.name);
  const extra = hintAndError(id, o.hint, o.error);
  const type = kind === 'radios' ? 'radio' : 'checkbox';
  const cls = kind === 'radios' ? 'nhsuk-radios' : 'nhsuk-checkboxes';
  return html`<div class="nhsuk-form-group${o.error ? ' nhsuk-form-group--error' : ''}">
    <fieldset class="nhsuk-fieldset"${describedBy(...extra.ids)}>
      <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--${o.legendSize ?? 's'}">${o.legend}</legend>
      ${extra.markup}
      <div class="${cls}${o.small ? ` ${cls}--small` : ''}" data-module="nhsuk-${kind}">
        ${o.items.map((item, i) => {
          const itemId = i === 0 ? id : `${id}-${i + 1}`;
          return html`<div class="${cls}__item">
            <input class="${cls}__input" id="${itemId}" name="${o.name}" type="${type}" value="${item.value}"${o.selected.includes(item.value) ? html` checked` : null}${
              item.disabled ? html` disabled` : null
            }${item.hint ? html` aria-describedby="${itemId}-hint"` : null}>
            <label class="nhsuk-label ${cls}__label" for="${itemId}">${item.text}</label>
            ${item.hint ? html`<div class="nhsuk-hint ${cls}__hint" id="${itemId}-hint">${item.hint}</div>` : null}
          </div>`;
        })}
      </div>
    </fieldset>
  </div>`;
}

export function radios(o: { name: string; legend: string; items: ChoiceItem[]; value?: string | null; hint?: string; error?: string; small?: boolean; legendSize?: 's' | 'm' | 'l' }): Html {
  return choices('radios', { ...o, selected: o.value ? [o.value] : [] });
}

export function checkboxes(o: { name: string; legend: string; items: ChoiceItem[]; values?: readonly string[]; hint?: string; error?: string; small?: boolean; legendSize?: 's' | 'm' | 'l' }): Html {
  return choices('checkboxes', { ...o, selected: [...(o.values ?? [])] });
}

export function select(o: { name: string; label: string; items: ChoiceItem[]; value?: string | null; hint?: string; error?: string }): Html {
  const id = idFor(o.name);
  const extra = hintAndError(id, o.hint, o.error);
  return html`<div class="nhsuk-form-group${o.error ? ' nhsuk-form-group--error' : ''}">
    <label class="nhsuk-label" for="${id}">${o.label}</label>
    ${extra.markup}
    <select class="nhsuk-select${o.error ? ' nhsuk-select--error' : ''}" id="${id}" name="${o.name}"${describedBy(...extra.ids)}>
      ${o.items.map((item) => html`<option value="${item.value}"${item.value === o.value ? html` selected` : null}>${item.text}</option>`)}
    </select>
  </div>`;
}

export function button(o: { text: string; variant?: 'secondary' | 'warning' | 'reverse'; name?: string; value?: string; small?: boolean }): Html {
  return html`<button class="nhsuk-button${o.variant ? ` nhsuk-button--${o.variant}` : ''}${o.small ? ' nhsuk-button--small' : ''}" data-module="nhsuk-button" type="submit"${
    o.name ? html` name="${o.name}"` : null
  }${o.value !== undefined ? html` value="${o.value}"` : null}>${o.text}</button>`;
}

export interface SummaryRow {
  key: string;
  value: Interpolation;
  action?: { href: string; text: string; visuallyHidden: string };
}

export function summaryList(rows: SummaryRow[]): Html {
  return html`<dl class="nhsuk-summary-list">
    ${rows.map(
      (r) => html`<div class="nhsuk-summary-list__row${r.action ? '' : ' nhsuk-summary-list__row--no-actions'}">
        <dt class="nhsuk-summary-list__key">${r.key}</dt>
        <dd class="nhsuk-summary-list__value">${r.value}</dd>
        ${r.action ? html`<dd class="nhsuk-summary-list__actions"><a class="nhsuk-link" href="${r.action.href}">${r.action.text}<span class="nhsuk-u-visually-hidden"> ${r.action.visuallyHidden}</span></a></dd>` : null}
      </div>`,
    )}
  </dl>`;
}

export function table(o: { caption?: string; head: string[]; rows: Interpolation[][]; id?: string; empty?: string }): Html {
  if (o.rows.length === 0 && o.empty) return html`<p class="nhsuk-body">${o.empty}</p>`;
  return html`<table class="nhsuk-table" role="table"${o.id ? html` id="${o.id}"` : null}>
    ${o.caption ? html`<caption class="nhsuk-table__caption">${o.caption}</caption>` : null}
    <thead class="nhsuk-table__head" role="rowgroup"><tr role="row">${o.head.map((h) => html`<th class="nhsuk-table__header" role="columnheader" scope="col">${h}</th>`)}</tr></thead>
    <tbody class="nhsuk-table__body">
      ${o.rows.map((row) => html`<tr class="nhsuk-table__row" role="row">${row.map((cell) => html`<td class="nhsuk-table__cell" role="cell">${cell}</td>`)}</tr>`)}
    </tbody>
  </table>`;
}

export type TagColour = 'white' | 'grey' | 'green' | 'aqua-green' | 'blue' | 'purple' | 'pink' | 'red' | 'orange' | 'yellow';

export function tag(text: string, colour?: TagColour): Html {
  return html`<strong class="nhsuk-tag${colour ? ` nhsuk-tag--${colour}` : ''}">${text}</strong>`;
}

export function insetText(body: Interpolation): Html {
  return html`<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span>${body}</div>`;
}

export function warningCallout(heading: string, body: Interpolation): Html {
  return html`<div class="nhsuk-warning-callout"><h3 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>${heading}</span></h3>${body}</div>`;
}

export function heading(text: string, caption?: string): Html {
  return html`<h1 class="nhsuk-heading-l">${caption ? html`<span class="nhsuk-caption-l">${caption}<span class="nhsuk-u-visually-hidden"> - </span></span>` : null}${text}</h1>`;
}

/** Previous/next links for cursor paging (Relay connections). */
export function pagination(o: { previousHref?: string | null; nextHref?: string | null }): Html | null {
  if (!o.previousHref && !o.nextHref) return null;
  return html`<nav class="nhsuk-pagination" role="navigation" aria-label="Pagination"><ul class="nhsuk-list nhsuk-pagination__list">
    ${o.previousHref ? html`<li class="nhsuk-pagination-item--previous"><a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href="${o.previousHref}"><span class="nhsuk-pagination__title">Previous</span><span class="nhsuk-u-visually-hidden">:</span><span class="nhsuk-pagination__page">Newer entries</span></a></li>` : null}
    ${o.nextHref ? html`<li class="nhsuk-pagination-item--next"><a class="nhsuk-pagination__link nhsuk-pagination__link--next" href="${o.nextHref}"><span class="nhsuk-pagination__title">Next</span><span class="nhsuk-u-visually-hidden">:</span><span class="nhsuk-pagination__page">Older entries</span></a></li>` : null}
  </ul></nav>`;
}
