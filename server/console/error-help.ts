// What a person can do about each refusal: the console shows the API's own message (why) and this
// line (what would make it allowed) in a form's error summary and on every error page. The one
// table for both; keyed by ErrorCode and by the codes below. A test fails when the schema gains a
// code without a line here.
import { enumLabel } from './labels.js';

/** Codes outside the schema's ErrorCode: the API's request-level refusals and the console's own error pages. */
export const CONSOLE_ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
  'CSRF_REFUSED',
  'ROLE_REFUSED',
  'METHOD_NOT_ALLOWED',
  'OIDC_NOT_CONFIGURED',
  'SIGN_IN_EXPIRED',
  'SIGN_IN_REFUSED',
] as const;

export const ERROR_REMEDIES: Readonly<Record<string, string>> = {
  // Request-level and console codes.
  UNAUTHENTICATED: 'Your sign-in has ended. Sign in again to carry on.',
  FORBIDDEN: 'Your role or organisation may not do this. Ask someone with the right role (for example an NHS England reviewer or your practice admin) to do it.',
  BAD_USER_INPUT: 'Correct the answers and send the form again.',
  RATE_LIMITED: 'Too many requests in a short time: wait a few seconds and try again.',
  INTERNAL_SERVER_ERROR: 'Try again; if it keeps happening, tell the service desk the code shown.',
  CSRF_REFUSED: 'The form was not one this console gave you in this sign-in, or it was sent twice after you signed out. Open the page again and send the form from there.',
  ROLE_REFUSED: 'This page belongs to another role. Use the links in the header for your own work.',
  METHOD_NOT_ALLOWED: 'Open the page from a link, or send its form.',
  OIDC_NOT_CONFIGURED: 'The server needs a client at the sign-in provider; tell whoever runs this server.',
  SIGN_IN_EXPIRED: 'Start the sign-in again from the sign-in page.',
  SIGN_IN_REFUSED: 'Start the sign-in again from the sign-in page; if it keeps happening, tell whoever runs the sign-in provider.',
  // ErrorCode values of the schema.
  ALREADY_APPLIED: 'Each developer applies once. Change your existing application through NHS England.',
  ALREADY_REVIEWED: 'A version is reviewed once. Ask the supplier to submit a new version.',
  APPOINTMENT_NOT_FOUND: 'Check the appointment reference and the practice.',
  APP_NOT_APPROVED: "It becomes available when NHS England moves the supplier's pairing for your clinical system to a testing stage (sandbox practices) or to live.",
  BUNDLE_SYNTAX_ERROR: 'Fix the JavaScript so it parses as one module, then submit again.',
  BUNDLE_TOO_LARGE: 'Make the bundle smaller (minify it, or drop unused code), then submit again.',
  CONSENT_REQUIRED: 'The new version asks for more than you allowed. Review its permissions and switch it on with the ones you allow.',
  DOCUMENT_NOT_FOUND: 'It may have been filed or rejected by someone else already. Go back to the review queue.',
  DOCUMENT_TOO_LARGE: 'Send a smaller document.',
  EVIDENCE_REQUIRED: 'Give the DSPT status (standards met or exceeded), the clinical safety officer and the DCB0129 reference.',
  INVALID_BASE64: 'Send the document content as standard base64 (RFC 4648), without line breaks or other characters.',
  INVALID_DATE_RANGE: 'Choose dates in the right order and within the allowed period.',
  INVALID_INPUT_QUERY: 'Correct the input query in the manifest so it is a valid query of the API, then submit again.',
  INVALID_JWKS: 'Register public keys only (RS512 RSA or ES384 P-384), each with a kid, as {"keys": [...]}.',
  INVALID_MANIFEST: 'Correct the manifest as the message says, then submit again.',
  INVALID_NHS_NUMBER: 'Enter the 10-digit NHS number, for example 999 000 0018.',
  INVALID_ODS_CODE: 'Enter the ODS code: one letter then 5 numbers, for example A81001.',
  INVALID_RESOURCE: 'Correct the document as the message says and send it again.',
  INVALID_SCOPE: 'Choose only permissions from the list.',
  INVALID_TRANSITION: 'Choose one of the stages this pairing can move to.',
  INVALID_WEBHOOK_URL: 'Use an https address on the public internet.',
  LIVE_CAP_REACHED: 'Another supplier must leave the live stage (suspended or revoked) before this one can go live, or the cap (MAX_LIVE_SUPPLIERS) be raised.',
  NAME_TAKEN: 'Choose another name.',
  NOT_A_SUPPLIER: 'Apply as a supplier first.',
  NOT_BOOKABLE: 'Choose a slot your organisation type and delivery channel may book.',
  NOT_FOUND: 'It may have been removed, or belong to someone else. Go back to the list and try again.',
  NOT_SUPPORTED: "The practice's clinical system does not offer this. There is nothing to change in the console.",
  NOT_YOUR_APPOINTMENT: 'Only whoever booked the appointment, or the practice, can change it.',
  NO_RELATIONSHIP: 'Only staff of the practice where the patient is registered can do this.',
  PATIENT_NOT_FOUND: 'Check the NHS number. You can only reach patients of practices whose records you may read.',
  PLUGIN_NOT_ENABLED: 'Switch the plugin on for your practice first.',
  PRACTICE_NOT_FOUND: 'Check the ODS code.',
  PROVIDER_ERROR: "Try again later. If it keeps happening, contact the clinical system's supplier.",
  PROVIDER_TIMEOUT: 'Try again in a few minutes.',
  PROVIDER_UNAVAILABLE: 'Try again in a few minutes.',
  REASON_REQUIRED: 'Give a reason.',
  SCOPE_NOT_GRANTED: 'Choose only permissions NHS England has granted this supplier, or ask NHS England to grant the others.',
  SCOPE_NOT_REQUESTED: 'The supplier must ask for the permission in its application first.',
  SLOTS_NOT_CONTIGUOUS: 'Choose slots that follow one another in the same session.',
  SLOT_IN_PAST: 'Choose a slot in the future.',
  SLOT_NOT_FOUND: 'Search for free slots again.',
  SLOT_UNAVAILABLE: 'Someone else booked it. Search for free slots again.',
  UNSUPPORTED_DOCUMENT_TYPE: 'Send a PDF or plain text.',
  VALIDATION_FAILED: 'Correct the details as the message says.',
  VERSION_CONFLICT: 'Reload the page to see the latest, then try again.',
  VERSION_EXISTS: 'Give the new version a higher version number.',
  VERSION_NOT_APPROVED: 'Wait until NHS England approves the version.',
};

/** What would make it allowed; a general line for a code the table does not know. */
export function whatWouldHelp(code: string): string {
  return ERROR_REMEDIES[code] ?? 'Check the details and try again; if it keeps happening, tell the service desk the code shown.';
}

/** The error summary's lines for a typed refusal: what it is, the API's message, and what to do. */
export function describeRefusal(code: string, message: string): { title: string; why: string; remedy: string | null } {
  return { title: enumLabel('ErrorCode', code), why: message, remedy: ERROR_REMEDIES[code] ?? null };
}
