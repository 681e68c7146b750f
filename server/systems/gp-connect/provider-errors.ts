// Provider failures -> our ConnectorError codes. Messages are ours: provider diagnostics, bodies and
// stack traces never reach API callers.
import { ConnectorError, type ConnectorErrorCode } from '../types.js';
import { obj, objects, pick, str, type Resource } from './fhir.js';

/** GP Connect (Spine-ErrorOrWarningCode-1) codes and what they mean for our callers. */
const SPINE_CODES: Record<string, ConnectorErrorCode> = {
  PATIENT_NOT_FOUND: 'PATIENT_NOT_FOUND',
  PATIENT_SENSITIVE: 'PATIENT_NOT_FOUND',
  INVALID_NHS_NUMBER: 'INVALID_NHS_NUMBER',
  NO_RELATIONSHIP: 'NO_RELATIONSHIP',
  ACCESS_DENIED: 'NO_RELATIONSHIP',
  NO_PATIENT_CONSENT: 'NO_RELATIONSHIP',
  INVALID_RESOURCE: 'INVALID_RESOURCE',
  INVALID_PARAMETER: 'INVALID_RESOURCE',
  BAD_REQUEST: 'INVALID_RESOURCE',
  INVALID_IDENTIFIER_SYSTEM: 'INVALID_RESOURCE',
  INVALID_IDENTIFIER_VALUE: 'INVALID_RESOURCE',
  REFERENCE_NOT_FOUND: 'INVALID_RESOURCE',
  FHIR_CONSTRAINT_VIOLATION: 'INVALID_RESOURCE',
  NOT_IMPLEMENTED: 'NOT_SUPPORTED',
  INTERNAL_SERVER_ERROR: 'PROVIDER_ERROR',
};

const MESSAGES: Record<ConnectorErrorCode, string> = {
  PATIENT_NOT_FOUND: "The practice's clinical system holds no record for this patient.",
  INVALID_NHS_NUMBER: "The practice's clinical system rejected the NHS number.",
  NO_RELATIONSHIP: "The practice's clinical system refused access to this patient's record.",
  INVALID_RESOURCE: "The practice's clinical system rejected the request.",
  NOT_SUPPORTED: "The practice's clinical system does not offer this interaction.",
  INVALID_DATE_RANGE: "The practice's clinical system does not accept this period.",
  PROVIDER_UNAVAILABLE: "The practice's clinical system is unavailable.",
  PROVIDER_TIMEOUT: "The practice's clinical system did not answer in time.",
  PROVIDER_ERROR: "The practice's clinical system returned an unusable answer.",
  VALIDATION_FAILED: "The practice's clinical system rejected the request as invalid.",
  SLOT_NOT_FOUND: "The practice's clinical system holds no such slot.",
  SLOT_UNAVAILABLE: 'The slot is no longer free.',
  SLOT_IN_PAST: 'A slot that has started cannot be booked.',
  SLOTS_NOT_CONTIGUOUS: 'The slots of one booking must follow each other in one schedule.',
  NOT_BOOKABLE: 'The slot is not bookable by this organisation or delivery channel.',
  APPOINTMENT_NOT_FOUND: "The practice's clinical system holds no such appointment.",
  INVALID_TRANSITION: 'The appointment cannot change that way.',
  NOT_YOUR_APPOINTMENT: 'Only the organisation that booked an appointment may change it.',
  VERSION_CONFLICT: 'The appointment changed meanwhile; read it again and retry.',
};

export const providerError = (code: ConnectorErrorCode, message = MESSAGES[code]) => new ConnectorError(code, message);

/** A failure the provider stated itself; keeps its Spine code for callers that treat some specially. */
export class ProviderRefusal extends ConnectorError {
  constructor(
    code: ConnectorErrorCode,
    readonly spineCode: string | null,
    /** The HTTP status of the refusal (writes map 403/404/409/412/422 by it). */
    readonly status: number | null = null,
  ) {
    super(code, MESSAGES[code]);
  }
}

/** Spine error/warning codes named in an OperationOutcome's issues. */
export function outcomeCodes(outcome: Resource | undefined): string[] {
  return objects(outcome?.issue).flatMap((issue) =>
    objects(obj(issue.details)?.coding)
      .map((c) => str(c.code))
      .filter((c): c is string => c !== undefined && /^[A-Z_]{3,60}$/.test(c)),
  );
}

/** The patient dissented from sharing their record: for record sections this means WITHHELD. */
export const isConsentRefusal = (error: unknown) => error instanceof ProviderRefusal && error.spineCode === 'NO_PATIENT_CONSENT';

/** An HTTP error answer (with or without an OperationOutcome body) as a ConnectorError. */
export function errorForResponse(status: number, outcome: Resource | undefined): ConnectorError {
  for (const code of outcomeCodes(outcome)) {
    const ours = pick(SPINE_CODES, code);
    if (ours) return new ProviderRefusal(ours, code, status);
  }
  if (status === 502 || status === 503 || status === 504) return providerError('PROVIDER_UNAVAILABLE');
  if (status === 501) return providerError('NOT_SUPPORTED');
  // A refusal with a code we do not map for reads: reads see PROVIDER_ERROR, writes look closer.
  if (status >= 400 && status < 500) return new ProviderRefusal('PROVIDER_ERROR', outcomeCodes(outcome)[0] ?? null, status);
  return providerError('PROVIDER_ERROR');
}

/** Unexpected failures still become a typed answer: provider input must never take a request down. */
export const asConnectorError = (error: unknown): ConnectorError => (error instanceof ConnectorError ? error : providerError('PROVIDER_ERROR'));
