// Escaping HTML templates: every interpolation is escaped unless it is already Html (from `html`
// or `raw`). Arrays are joined, null/undefined/false render nothing, so `${cond && html`...`}` works.

const HTML = Symbol('html');

export interface Html {
  readonly [HTML]: true;
  readonly value: string;
  toString(): string;
}

function make(value: string): Html {
  return { [HTML]: true, value, toString: () => value };
}

export function isHtml(value: unknown): value is Html {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[HTML] === true;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

export type Interpolation = Html | string | number | bigint | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map((v: Interpolation) => render(v)).join('');
  if (isHtml(value)) return value.value;
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<p>${userText}</p>\`` escapes userText. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return make(out);
}

/** Trusted markup (our own constants only, never user input). */
export function raw(markup: string): Html {
  return make(markup);
}

/** Joins fragments with an optional separator (escaped like any interpolation). */
export function join(parts: readonly Interpolation[], separator: Interpolation = ''): Html {
  return make(parts.map(render).join(render(separator)));
}
