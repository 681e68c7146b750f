// What a person can do about each refusal the API gives: the console shows the API's own message
// (why) and this line (what would make it allowed) in the error summary. Keyed by ErrorCode; a
// test fails when the schema gains a code without a line here.
import { enumLabel } from './labels.js';

export const ERROR_REMEDIES: Readonly<Record<string, string>> = {
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
  LIVE_CAP_REACHED: 'Another supplier must leave the live stage (suspended or revoked) before this one can go live.',
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

/** The error summary's lines for a typed refusal: what it is, the API's message, and what to do. */
export function describeRefusal(code: string, message: string): { title: string; why: string; remedy: string | null } {
  return { title: enumLabel('ErrorCode', code), why: message, remedy: ERROR_REMEDIES[code] ?? null };
}
