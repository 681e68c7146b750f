// Errors a person can act on: what the API said (its stable code and message) and what would make
// the action allowed. Pages show `whatWouldHelp(code)` next to a refused action.
import { html, type Html } from './html.js';
import { roleName } from './names.js';
import type { Role } from './session-types.js';

const ADVICE: Record<string, string> = {
  UNAUTHENTICATED: 'Your sign-in has ended. Sign in again to carry on.',
  FORBIDDEN: 'Your role or organisation may not do this. Ask someone with the right role (for example an NHS England reviewer or your practice admin) to do it.',
  CSRF_REFUSED: 'The form was not one this console gave you in this sign-in, or it was sent twice after you signed out. Open the page again and send the form from there.',
  ROLE_REFUSED: 'This page belongs to another role. Use the links in the header for your own work.',
  NOT_FOUND: 'Check the link; the item may have been removed or may belong to another organisation.',
  INVALID_TRANSITION: 'Choose one of the stages this pairing may move to from where it is now.',
  LIVE_CAP_REACHED: 'The number of live suppliers is at its cap: suspend or revoke another live pairing first, or raise MAX_LIVE_SUPPLIERS.',
  EVIDENCE_REQUIRED: 'This move needs evidence: add a reference to the evidence (for example an assurance report) and try again.',
  REASON_REQUIRED: 'Give a reason: it is kept in the audit trail with the decision.',
  VERSION_CONFLICT: 'Someone else changed this at the same time. Reload the page to see the current state, then try again.',
  SCOPE_NOT_GRANTED: 'Only scopes NHS England has granted to the supplier can be allowed; ask the reviewer to grant it first.',
  SCOPE_NOT_REQUESTED: 'The supplier has not requested this scope; only requested scopes can be granted.',
  INVALID_SCOPE: 'Choose scopes from the list shown.',
  APP_NOT_APPROVED: 'The supplier is not live on this practice’s clinical system yet; an NHS England reviewer must move the pairing to live first.',
  CONSENT_REQUIRED: 'The new version asks for more than you allowed: review the scopes and consent to the upgrade.',
  ALREADY_REVIEWED: 'This version has already been reviewed; its decision stands.',
  VERSION_NOT_APPROVED: 'Only versions approved by NHS England can be enabled.',
  PLUGIN_NOT_ENABLED: 'Enable the plugin at your practice first.',
  VALIDATION_FAILED: 'Correct the highlighted answers and send the form again.',
  BAD_USER_INPUT: 'Correct the answers and send the form again.',
  RATE_LIMITED: 'Too many requests in a short time: wait a few seconds and try again.',
};

export function whatWouldHelp(code: string): string {
  return ADVICE[code] ?? 'Check the details and try again; if it keeps happening, tell the service desk the code shown.';
}

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
