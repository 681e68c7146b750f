// Error pages a person can act on: what the API said (its stable code and message) and what would
// make the action allowed, from the one remedies table (error-help.ts).
import { whatWouldHelp } from './error-help.js';
import { html, type Html } from './html.js';
import { roleName } from './names.js';
import type { Role } from './session-types.js';

/** The body of an error page: heading, the API's message, its code, and what to do. */
export function errorBody(options: { title: string; code: string; message: string; roles?: Role[]; back?: string }): Html {
  const roles = options.roles && options.roles.length > 0 ? html`<p class="nhsuk-body">This is for: ${options.roles.map(roleName).join(', ')}.</p>` : null;
  return html`<h1 class="nhsuk-heading-l">${options.title}</h1>
    <p class="nhsuk-body" data-testid="error-message">${options.message}</p>
    <p class="nhsuk-body-s">Error code: <code data-testid="error-code">${options.code}</code></p>
    ${roles}
    <div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span><p data-testid="error-advice">${whatWouldHelp(options.code)}</p></div>
    <p class="nhsuk-body"><a class="nhsuk-link" href="${options.back ?? '/console'}">Go back</a></p>`;
}
