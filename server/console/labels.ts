// Plain-English names for everything the API spells as a code: every enum value of the schema,
// every capability scope, every event type, every audit operation code and every plugin effect
// kind. The console shows these (with the code beside, where a person may need to match it to the
// API), and the README's "Plain-English names" section is generated from this same table
// (scripts/readme-labels.ts). A test fails when the schema, the scope list or the domain's list of
// audit operations gains a value this table does not name.

/** Scope code → what it lets an app or plugin do, as a practice manager would say it. */
export const SCOPE_LABELS: Readonly<Record<string, string>> = {
  'patient/Patient.rs': 'Find patients and read their details (name, date of birth, NHS number)',
  'patient/AllergyIntolerance.rs': 'Read and search allergies',
  'patient/MedicationStatement.rs': 'Read and search medicines and prescription issues',
  'patient/Condition.rs': 'Read and search problems',
  'patient/Immunization.rs': 'Read and search immunisations',
  'patient/Encounter.rs': 'Read and search consultations',
  'patient/DiagnosticReport.rs': 'Read and search investigations and test results',
  'patient/ReferralRequest.rs': 'Read and search referrals',
  'patient/Observation.rs': 'Read and search other observations, such as blood pressure and weight',
  'patient/ProcedureRequest.rs': 'Read and search diary entries (recalls and reviews)',
  'patient/Appointment.rs': "Read and search a patient's appointments",
  'patient/Appointment.cud': 'Book, change and cancel appointments',
  'system/Slot.rs': "Search the practice's free appointment slots",
  'system/Task.c': "Add tasks to the practice's worklist",
  'patient/DocumentReference.c': "Send documents into a patient's record (they wait in the practice's review queue)",
  'patient/DocumentReference.rs': "Read documents sent into a patient's record and hear how they were reviewed",
};

/** Event type → what happened. */
export const EVENT_TYPE_LABELS: Readonly<Record<string, string>> = {
  'appointment.booked': 'An appointment was booked',
  'appointment.amended': 'An appointment was changed',
  'appointment.cancelled': 'An appointment was cancelled',
  'document.received': 'A document was received for review',
  'document.filed': "A document was filed in the patient's record",
  'document.rejected': 'A document was rejected',
  'enablement.changed': 'A practice switched an app on or off',
  'pipeline.stage_changed': "A supplier's pairing moved to another stage",
};

/** Audit operation code → what was done (or tried); fields audited under their own name keep it. */
export const AUDIT_OPERATION_LABELS: Readonly<Record<string, string>> = {
  READ_PATIENT_RECORD: "Read a patient's record",
  LIST_PATIENTS: "Listed a practice's patients",
  SEARCH_SLOTS: 'Searched for free appointment slots',
  READ_APPOINTMENT: 'Read an appointment',
  LIST_DOCUMENTS: "Listed the practice's document queue",
  READ_DOCUMENT: 'Read a document sent into a record',
  READ_DOCUMENT_CONTENT: "Opened a document's content",
  BOOK_APPOINTMENT: 'Booked an appointment',
  AMEND_APPOINTMENT: 'Changed an appointment',
  CANCEL_APPOINTMENT: 'Cancelled an appointment',
  SEND_DOCUMENT: "Sent a document into a patient's record",
  FILE_DOCUMENT: "Filed a document in the patient's record",
  REJECT_DOCUMENT: 'Rejected a document',
  APPLY_AS_SUPPLIER: 'Applied to become a supplier',
  REGISTER_APP: 'Registered an app',
  ADD_APP_KEY: 'Added a signing key to an app',
  REMOVE_APP_KEY: 'Removed a signing key from an app',
  REVOKE_APP: 'Revoked an app',
  ISSUE_ACCESS_TOKEN: 'Issued an access token to an app',
  TRANSITION_PAIRING: "Moved a supplier's pairing to another stage",
  GRANT_SCOPES: 'Granted permissions to a supplier',
  REVOKE_SCOPES: "Withdrew a supplier's permissions",
  ENABLE_APP: 'Switched an app on for a practice',
  DISABLE_APP: 'Switched an app off for a practice',
  SUBSCRIBE_EVENTS: 'Subscribed to events',
  RECEIVE_EVENT: 'Received an event',
  REGISTER_WEBHOOK: 'Registered a webhook',
  ROTATE_WEBHOOK_SECRET: "Replaced a webhook's signing secret",
  ENABLE_WEBHOOK: 'Switched a webhook back on',
  REDELIVER_WEBHOOK: 'Asked for a webhook delivery to be sent again',
  WEBHOOK_DELIVERY: 'Delivered an event to a webhook',
  PUBLISH_PLUGIN_VERSION: 'Submitted a plugin version for review',
  APPROVE_PLUGIN_VERSION: 'Approved a plugin version',
  REJECT_PLUGIN_VERSION: 'Rejected a plugin version',
  ENABLE_PLUGIN: 'Switched a plugin on for a practice',
  UPGRADE_PLUGIN: "Moved a practice's plugin to a newer version",
  DISABLE_PLUGIN: 'Switched a plugin off for a practice',
  RUN_PLUGIN: 'Ran a plugin',
  CREATE_PRACTICE_TASK: "Added a task to the practice's worklist",
  CLOSE_PRACTICE_TASK: 'Closed a practice task',
  PLUGIN_LOG: 'A plugin wrote to the audit trail',
  START_AUDIT_VERIFICATION: 'Started a full check of the audit trail',
  ANONYMOUS_REFUSALS_SUMMARY: 'Summary of refused requests without sign-in',
  CONSOLE_FORM_POST: 'Sent a console form',
};

/** Plugin effect kind → what a plugin proposing it may change. */
export const EFFECT_KIND_LABELS: Readonly<Record<string, string>> = {
  'practice-task.create': "Add tasks to the practice's worklist",
  'appointment.book': "Book appointments for the practice's patients",
  'appointment.cancel': "Cancel the practice's future appointments, with a reason",
  'document.send': "Send documents to the practice's review queue",
  log: "Write lines to the practice's audit trail",
};

/** GraphQL enum name → value → plain English. */
export const ENUM_LABELS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  AllergyCategory: { ENVIRONMENT: 'Environmental', FOOD: 'Food', MEDICATION: 'Medicine', OTHER: 'Other' },
  AllergyClinicalStatus: { ACTIVE: 'Active', RESOLVED: 'Resolved' },
  AllergyCriticality: { HIGH: 'High risk', LOW: 'Low risk', UNABLE_TO_ASSESS: 'Risk not assessed' },
  AllergyType: { ALLERGY: 'Allergy', INTOLERANCE: 'Intolerance' },
  AllergyVerificationStatus: { CONFIRMED: 'Confirmed', ENTERED_IN_ERROR: 'Entered in error', REFUTED: 'Ruled out', UNCONFIRMED: 'Not confirmed' },
  AppointmentStatus: {
    ARRIVED: 'Arrived', BOOKED: 'Booked', CANCELLED: 'Cancelled', FULFILLED: 'Attended', NOSHOW: 'Did not attend', PENDING: 'Pending',
  },
  AuditOutcome: { ALLOWED: 'Allowed', FAILED: 'Failed', REFUSED: 'Refused' },
  AuditVerificationState: { DONE: 'Finished', FAILED: 'Could not finish', RUNNING: 'Checking' },
  CapabilityArea: {
    ALLERGIES: 'Allergies',
    AMEND_APPOINTMENT: 'Change an appointment',
    BOOK_APPOINTMENT: 'Book an appointment',
    CANCEL_APPOINTMENT: 'Cancel an appointment',
    CONSULTATIONS: 'Consultations',
    DIARY_ENTRIES: 'Diary entries (recalls and reviews)',
    FULL_RECORD: 'Whole record in one request',
    IMMUNISATIONS: 'Immunisations',
    INVESTIGATIONS: 'Investigations and test results',
    MEDICATIONS: 'Medicines',
    PROBLEMS: 'Problems',
    READ_APPOINTMENTS: 'Read appointments',
    READ_LOCATION: 'Look up a location',
    READ_ORGANISATION: 'Look up an organisation',
    READ_PRACTITIONER: 'Look up a practitioner',
    REFERRALS: 'Referrals',
    SLOT_SEARCH: 'Search free slots',
    UNCATEGORISED: 'Other observations',
  },
  CapabilitySource: {
    PROVIDER_CAPABILITY_STATEMENT: "Declared by the practice's clinical system",
    PUBLISHED: 'Published by GP Connect',
    SANDBOX_ASSUMPTION: 'Assumed for the sandbox',
  },
  ClinicalSystemId: { CEGEDIM_VISION: 'Cegedim Vision', EMIS_WEB: 'EMIS Web', MICROTEST_EVOLUTION: 'Microtest Evolution', TPP_SYSTMONE: 'TPP SystmOne' },
  DocumentContentType: { PDF: 'PDF document', PLAIN_TEXT: 'Plain text' },
  DocumentStatus: { AWAITING_REVIEW: 'Waiting for review', FILED: "Filed in the patient's record", REJECTED: 'Rejected' },
  DsptStatus: {
    APPROACHING_STANDARDS: 'Approaching standards',
    STANDARDS_EXCEEDED: 'Standards exceeded',
    STANDARDS_MET: 'Standards met',
    STANDARDS_NOT_MET: 'Standards not met',
  },
  ErrorCode: {
    ALREADY_APPLIED: 'You have already applied',
    ALREADY_REVIEWED: 'This has already been reviewed',
    APPOINTMENT_NOT_FOUND: 'Appointment not found',
    APP_NOT_APPROVED: 'The app is not approved for this practice yet',
    BUNDLE_SYNTAX_ERROR: 'The plugin code does not parse',
    BUNDLE_TOO_LARGE: 'The plugin code is too large',
    CONSENT_REQUIRED: 'The new version needs your consent',
    DOCUMENT_NOT_FOUND: 'Document not found',
    DOCUMENT_TOO_LARGE: 'The document is too large',
    EVIDENCE_REQUIRED: 'Evidence is needed for this stage',
    INVALID_BASE64: 'The document content is not valid base64',
    INVALID_DATE_RANGE: 'The dates are not acceptable',
    INVALID_INPUT_QUERY: "The plugin's input query is not acceptable",
    INVALID_JWKS: 'The public keys are not acceptable',
    INVALID_MANIFEST: "The plugin's manifest is not acceptable",
    INVALID_NHS_NUMBER: 'Not a valid NHS number',
    INVALID_ODS_CODE: 'Not a valid ODS code',
    INVALID_RESOURCE: 'The document is not acceptable',
    INVALID_SCOPE: 'Unknown permission',
    INVALID_TRANSITION: 'That stage cannot be reached from here',
    INVALID_WEBHOOK_URL: 'The webhook address is not acceptable',
    LIVE_CAP_REACHED: 'The limit of live suppliers is reached',
    NAME_TAKEN: 'That name is already in use',
    NOT_A_SUPPLIER: 'You have not applied as a supplier yet',
    NOT_BOOKABLE: 'That slot cannot be booked by you',
    NOT_FOUND: 'Not found',
    NOT_SUPPORTED: "The practice's clinical system does not offer this",
    NOT_YOUR_APPOINTMENT: 'Someone else booked this appointment',
    NO_RELATIONSHIP: 'No care relationship with this patient',
    PATIENT_NOT_FOUND: 'Patient not found',
    PLUGIN_NOT_ENABLED: 'The plugin is not switched on at this practice',
    PRACTICE_NOT_FOUND: 'Practice not found',
    PROVIDER_ERROR: 'The clinical system reported an error',
    PROVIDER_TIMEOUT: 'The clinical system did not answer in time',
    PROVIDER_UNAVAILABLE: 'The clinical system is unavailable',
    REASON_REQUIRED: 'A reason is needed',
    SCOPE_NOT_GRANTED: 'NHS England has not granted that permission',
    SCOPE_NOT_REQUESTED: 'The supplier did not ask for that permission',
    SLOTS_NOT_CONTIGUOUS: 'The slots are not next to each other',
    SLOT_IN_PAST: 'The slot is in the past',
    SLOT_NOT_FOUND: 'Slot not found',
    SLOT_UNAVAILABLE: 'The slot is no longer free',
    UNSUPPORTED_DOCUMENT_TYPE: 'That kind of document is not accepted',
    VALIDATION_FAILED: 'Some details are not acceptable',
    VERSION_CONFLICT: 'Someone changed this in the meantime',
    VERSION_EXISTS: 'That version number is already used',
    VERSION_NOT_APPROVED: 'That version is not approved',
  },
  Gender: { female: 'Female', male: 'Male', other: 'Other', unknown: 'Not known' },
  MedicationStatus: { ACTIVE: 'Active', COMPLETED: 'Completed', STOPPED: 'Stopped' },
  PairingStage: {
    APPLIED: 'Applied',
    ASSURED: 'Assured (recommended to connect)',
    LIVE: 'Live',
    PREREQUISITES_MET: 'Prerequisites met',
    REJECTED: 'Rejected',
    REVOKED: 'Revoked',
    SUPPORTED_TEST: 'Supported test',
    SUSPENDED: 'Suspended',
    UNSUPPORTED_TEST: 'Unsupported test (sandbox)',
  },
  PersonRole: { CLINICIAN: 'Clinician', PRACTICE_ADMIN: 'Practice admin', REVIEWER: 'NHS England reviewer', SUPPLIER_DEVELOPER: 'Supplier developer' },
  PluginRunOutcome: {
    DISABLED: 'Stopped: the plugin was switched off',
    EFFECTS_REFUSED: 'Changes refused',
    ERROR: 'Failed with an error',
    OK: 'Completed',
    OUT_OF_MEMORY: 'Stopped: ran out of memory',
    TIMEOUT: 'Stopped: took too long',
  },
  PluginVersionStatus: { APPROVED: 'Approved', REJECTED: 'Rejected', SUBMITTED: 'Waiting for review' },
  PracticeTaskStatus: { DONE: 'Done', OPEN: 'Open' },
  PrescriptionType: { ACUTE: 'Acute', OTHER: 'Other', REPEAT: 'Repeat', REPEAT_DISPENSED: 'Repeat dispensing' },
  ProblemRelationType: { CHILD: 'Part of', PARENT: 'Includes', SIBLING: 'Related to' },
  ProblemSignificance: { MAJOR: 'Major', MINOR: 'Minor' },
  ProblemStatus: { ACTIVE: 'Active', INACTIVE: 'Past' },
  ReactionSeverity: { MILD: 'Mild', MODERATE: 'Moderate', SEVERE: 'Severe' },
  RecordAssertionKind: { IMMUNISATION_STATUS: 'Immunisation consent or dissent', NO_KNOWN: 'None known' },
  ReferralPriority: { ROUTINE: 'Routine', TWO_WEEK_WAIT: 'Two-week wait', UNKNOWN: 'Priority not known', URGENT: 'Urgent' },
  SectionStatus: {
    NOTHING_RECORDED: 'Nothing recorded',
    NOT_SUPPLIED: 'Not supplied by this clinical system',
    RECORDED: 'Recorded',
    UNAVAILABLE: 'Unavailable just now',
    WITHHELD: 'Withheld',
  },
  SlotStatus: { BUSY: 'Booked', FREE: 'Free' },
  SupportLevel: { BETA: 'Beta', NOT_SUPPORTED: 'Not supported', SUPPORTED: 'Supported' },
  ThrottleScope: { PATIENT: 'Per patient', PRACTICE: 'Per practice' },
};

/** The plain-English name of an enum value; the code itself when the table has none (a test keeps that from happening). */
export function enumLabel(enumName: string, value: string): string {
  return ENUM_LABELS[enumName]?.[value] ?? value;
}

/** The plain-English name of a scope; the code itself when unknown. */
export function scopeLabel(scope: string): string {
  return SCOPE_LABELS[scope] ?? scope;
}

/** The plain-English name of a plugin effect kind; the kind itself when unknown. */
export function effectKindLabel(kind: string): string {
  return EFFECT_KIND_LABELS[kind] ?? kind;
}

/** The plain-English name of an audit operation; null for an API field audited under its own name. */
export function auditOperationLabel(operation: string): string | null {
  return AUDIT_OPERATION_LABELS[operation] ?? null;
}

/** The plain-English name of an event type; the type itself when unknown. */
export function eventTypeLabel(type: string): string {
  return EVENT_TYPE_LABELS[type] ?? type;
}
