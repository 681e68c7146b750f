// Who may do what: the whole authorisation map in one table. Deny by default: a type or field that
// is not listed here is refused, so every new field must be classified on purpose. The rules are in
// permission-rules.ts and the predicates behind them in domain/access.ts.
import { GraphQLError } from 'graphql';
import { allow, rule } from 'graphql-shield';
import { APPOINTMENT_READ_SCOPE, APPOINTMENT_WRITE_SCOPE, DOCUMENT_READ_SCOPE, PATIENT_READ_SCOPE, SLOT_SEARCH_SCOPE, scopeForSection } from '../domain/scopes.js';
import { canReadDocument, canReadDocumentContent, canReadReviewQueue, canReviewDocument, canSendDocument } from './document-rules.js';
import { canActForPatient, canLookUpPatient, canReadPatientField, canUsePractice, canUsePracticeArg, hasRole, isAuthenticated } from './permission-rules.js';

const reviewer = hasRole('REVIEWER');
// One rule per field, naming every role it admits: a combinator such as or() would run (and audit)
// each branch, so an allowed call would also leave a false REFUSED event from the branch that failed.
const appRevoker = hasRole('REVIEWER', 'SUPPLIER_DEVELOPER');
const developer = hasRole('SUPPLIER_DEVELOPER');
const practiceAdmin = hasRole('PRACTICE_ADMIN');
const practiceUser = hasRole('PRACTICE_ADMIN', 'CLINICIAN');
const auditReader = hasRole('REVIEWER', 'PRACTICE_ADMIN', 'CLINICIAN');
const demographics = canReadPatientField(PATIENT_READ_SCOPE);

/** Value types reachable only through the checked fields above them. */
const REACHED_THROUGH_CHECKED_FIELDS = [
  'AllergySection', 'Allergy', 'AllergyReaction', 'MedicationSection', 'Medication', 'MedicationIssue',
  'ProblemSection', 'Problem', 'ImmunisationSection', 'Immunisation', 'ConsultationSection', 'Consultation',
  'ConsultationEntry', 'InvestigationSection', 'Investigation', 'TestResult', 'ReferenceRange', 'ReferralSection',
  'Referral', 'ObservationSection', 'Observation', 'ObservationComponent', 'DiaryEntrySection', 'DiaryEntry',
  'SectionWarning', 'Coding', 'PersonRef', 'RecordAssertion', 'Quantity', 'ItemLink', 'ProblemRelation',
  'ConsultationTopic', 'ConsultationHeading', 'SlotList', 'Slot', 'AppointmentList', 'Appointment',
  'PatientConnection', 'PatientEdge',
  'ManagedAppointment', 'BookingOrganisation', 'DomainEvent', 'DocumentConnection', 'DocumentEdge',
  'WebhookEndpoint', 'WebhookDelivery', 'WebhookAttempt', 'RegisteredWebhook',
  'Supplier', 'SupplierConnection', 'SupplierEdge', 'SupplierScope', 'Pairing', 'PairingEvent', 'ClientApp', 'AppKey',
  'Enablement', 'PluginVersion', 'PluginEnablement', 'PluginRun', 'PracticeTask',
  'PluginVersionConnection', 'PluginVersionEdge', 'PluginEnablementConnection', 'PluginEnablementEdge', 'PluginRunConnection', 'PluginRunEdge', 'AuditEvent', 'AuditEventConnection', 'AuditEventEdge', 'AuditChainReport', 'AuditBrokenLink',
  'AuditVerificationJob', 'AuditInclusionProof', 'AuditCheckpoint',
] as const;

/** Typed errors and plumbing that carry no patient data. */
const HARMLESS = [
  'InvalidNhsNumber', 'PatientNotFound', 'InvalidOdsCode', 'PracticeNotFound', 'InvalidDateRange', 'ClinicalSystemError',
  'InvalidTransition', 'ActionRefused', 'DocumentNotFound', 'PageInfo', 'PracticeConnection', 'PracticeEdge', 'ClinicalSystem', 'Capability',
  'Throttle', 'Viewer', 'ScopeInfo',
] as const;

export const permissionMap = {
  Query: {
    clinicalSystems: allow, // published capability matrices, no patient data
    scopeCatalogue: allow,
    me: allow, // null without a token
    practices: isAuthenticated,
    practice: isAuthenticated,
    patient: canLookUpPatient(PATIENT_READ_SCOPE),
    mySupplier: developer,
    suppliers: reviewer,
    supplier: reviewer,
    practiceEnablements: practiceUser,
    auditEvents: auditReader, // practice users: their own practice only (enforced in the resolver)
    verifyAuditChain: auditReader, // cheap: from the latest signed checkpoint, once per request
    auditVerification: reviewer,
    auditInclusionProof: auditReader, // practice users: their own practice's events only (resolver)
    myPluginVersions: developer,
    pluginVersions: hasRole('REVIEWER', 'PRACTICE_ADMIN'), // practice admins: approved versions only (resolver)
    practicePlugins: practiceUser,
    practicePluginRuns: practiceUser,
    myPluginRuns: developer, // logs and inputs only at sandbox practices (domain)
    practiceTasks: practiceUser,
    appointment: canUsePracticeArg('READ_APPOINTMENT', APPOINTMENT_READ_SCOPE),
    webhookEndpoints: developer, // their own supplier's only (domain)
    document: canReadDocument, // practice users: their practice's; apps: only documents they sent (resolver)
  },
  Subscription: {
    // Authentication is checked when the stream opens (a shield refusal would leave an SSE stream
    // open with nothing in it); each event is then filtered by the rules of a read of its subject.
    events: allow,
  },
  Mutation: {
    applyAsSupplier: developer,
    registerClientApp: developer,
    addClientAppKey: developer,
    removeClientAppKey: developer,
    revokeClientApp: appRevoker, // developers: their own apps only (domain check)
    transitionPairing: reviewer,
    grantScopes: reviewer,
    revokeScopes: reviewer,
    enableApp: practiceAdmin,
    disableApp: practiceAdmin,
    publishPluginVersion: developer,
    reviewPluginVersion: reviewer,
    enablePlugin: practiceAdmin,
    upgradePlugin: practiceAdmin,
    disablePlugin: practiceAdmin,
    runPlugin: practiceAdmin,
    closePracticeTask: practiceUser,
    startAuditVerification: reviewer, // a full re-hash of the trail, in the background
    bookAppointment: canActForPatient('BOOK_APPOINTMENT', APPOINTMENT_WRITE_SCOPE, (a) => (a.input as { nhsNumber: string }).nhsNumber),
    amendAppointment: canUsePracticeArg('AMEND_APPOINTMENT', APPOINTMENT_WRITE_SCOPE),
    cancelAppointment: canUsePracticeArg('CANCEL_APPOINTMENT', APPOINTMENT_WRITE_SCOPE),
    // Developers, for their own supplier's apps and endpoints only (domain checks, audited).
    registerWebhook: developer,
    rotateWebhookSecret: developer,
    enableWebhookEndpoint: developer,
    redeliverWebhook: developer,
    // A patient the app may not send for is answered PATIENT_NOT_FOUND, as for a read (resolver).
    sendDocument: canSendDocument,
    fileDocument: canReviewDocument('FILE_DOCUMENT'),
    rejectDocument: canReviewDocument('REJECT_DOCUMENT'),
  },
  Practice: {
    odsCode: isAuthenticated,
    name: isAuthenticated,
    system: isAuthenticated,
    sandbox: isAuthenticated,
    patients: canUsePractice('LIST_PATIENTS', PATIENT_READ_SCOPE),
    slots: canUsePractice('SEARCH_SLOTS', SLOT_SEARCH_SCOPE),
    documents: canReadReviewQueue, // the review queue: the practice's own users only
  },
  Patient: {
    nhsNumber: demographics,
    givenName: demographics,
    familyName: demographics,
    birthDate: demographics,
    gender: demographics,
    practice: demographics,
    allergies: canReadPatientField(scopeForSection('ALLERGIES')),
    medications: canReadPatientField(scopeForSection('MEDICATIONS')),
    problems: canReadPatientField(scopeForSection('PROBLEMS')),
    immunisations: canReadPatientField(scopeForSection('IMMUNISATIONS')),
    consultations: canReadPatientField(scopeForSection('CONSULTATIONS')),
    investigations: canReadPatientField(scopeForSection('INVESTIGATIONS')),
    referrals: canReadPatientField(scopeForSection('REFERRALS')),
    uncategorised: canReadPatientField(scopeForSection('UNCATEGORISED')),
    diaryEntries: canReadPatientField(scopeForSection('DIARY_ENTRIES')),
    appointments: canReadPatientField(APPOINTMENT_READ_SCOPE),
    documents: canReadPatientField(DOCUMENT_READ_SCOPE), // filed ones only; content is practice users' (Document.contentBase64)
  },
  Document: {
    id: allow,
    practiceOdsCode: allow,
    nhsNumber: allow,
    title: allow,
    contentType: allow,
    mimeType: allow,
    sizeBytes: allow,
    sha256: allow,
    status: allow,
    senderAppId: allow,
    sentAt: allow,
    reviewedBy: allow,
    reviewedAt: allow,
    rejectionReason: allow,
    contentBase64: canReadDocumentContent,
  },
  ...Object.fromEntries(REACHED_THROUGH_CHECKED_FIELDS.map((type) => [type, allow])),
  ...Object.fromEntries(HARMLESS.map((type) => [type, allow])),
};

/** How the map is applied (server/permission-enforcement.ts): anything it does not list is refused. */
export const permissionOptions = {
  fallbackRule: rule({ cache: 'no_cache' })(() => new GraphQLError('This field is not in the permission map.', { extensions: { code: 'FORBIDDEN' } })),
  allowExternalErrors: true,
};
