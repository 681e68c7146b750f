// Every operation code the audit trail records. An event names one of these, or (for a field of the
// API that has no code of its own) the field's name, which starts lower case. The console and the
// README give each code a plain-English name; a test fails when a code here has none.
export const AUDIT_OPERATIONS = [
  // Reads through the API
  'READ_PATIENT_RECORD',
  'LIST_PATIENTS',
  'SEARCH_SLOTS',
  'READ_APPOINTMENT',
  'LIST_DOCUMENTS',
  'READ_DOCUMENT',
  'READ_DOCUMENT_CONTENT',
  // Appointments and documents
  'BOOK_APPOINTMENT',
  'AMEND_APPOINTMENT',
  'CANCEL_APPOINTMENT',
  'SEND_DOCUMENT',
  'FILE_DOCUMENT',
  'REJECT_DOCUMENT',
  // Suppliers, apps and the pipeline
  'APPLY_AS_SUPPLIER',
  'REGISTER_APP',
  'ADD_APP_KEY',
  'REMOVE_APP_KEY',
  'REVOKE_APP',
  'ISSUE_ACCESS_TOKEN',
  'TRANSITION_PAIRING',
  'GRANT_SCOPES',
  'REVOKE_SCOPES',
  'ENABLE_APP',
  'DISABLE_APP',
  // Events and webhooks
  'SUBSCRIBE_EVENTS',
  'RECEIVE_EVENT',
  'REGISTER_WEBHOOK',
  'ROTATE_WEBHOOK_SECRET',
  'ENABLE_WEBHOOK',
  'REDELIVER_WEBHOOK',
  'WEBHOOK_DELIVERY',
  // Plugins
  'PUBLISH_PLUGIN_VERSION',
  'APPROVE_PLUGIN_VERSION',
  'REJECT_PLUGIN_VERSION',
  'ENABLE_PLUGIN',
  'UPGRADE_PLUGIN',
  'DISABLE_PLUGIN',
  'RUN_PLUGIN',
  'CREATE_PRACTICE_TASK',
  'CLOSE_PRACTICE_TASK',
  'PLUGIN_LOG',
  // The audit trail and the console
  'START_AUDIT_VERIFICATION',
  'ANONYMOUS_REFUSALS_SUMMARY',
  'CONSOLE_FORM_POST',
] as const;

export type AuditOperation = (typeof AUDIT_OPERATIONS)[number];

/** A field of the API audited under its own name (e.g. `auditInclusionProof`), not under a code. */
export type ApiFieldOperation = Uncapitalize<string>;

/** What an event's `operation` may be: a code above, or an API field's name. */
export type AuditOperationName = AuditOperation | ApiFieldOperation;

/** A GraphQL field name as an operation: field names start lower case. */
export const fieldOperation = (fieldName: string): ApiFieldOperation => fieldName as ApiFieldOperation;
