// Expected failures are values in the schema, each with a stable code.
import { builder } from '../builder.js';
import type { ConnectorError } from '../../systems/types.js';

export const ERROR_CODES = [
  'INVALID_NHS_NUMBER',
  'PATIENT_NOT_FOUND',
  'INVALID_ODS_CODE',
  'PRACTICE_NOT_FOUND',
  'INVALID_DATE_RANGE',
  'NO_RELATIONSHIP',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_TIMEOUT',
  'PROVIDER_ERROR',
  'INVALID_RESOURCE',
  'NOT_SUPPORTED',
  'VALIDATION_FAILED',
  'INVALID_SCOPE',
  'ALREADY_APPLIED',
  'NOT_FOUND',
  'NOT_A_SUPPLIER',
  'INVALID_TRANSITION',
  'REASON_REQUIRED',
  'EVIDENCE_REQUIRED',
  'LIVE_CAP_REACHED',
  'SCOPE_NOT_REQUESTED',
  'SCOPE_NOT_GRANTED',
  'INVALID_JWKS',
  'APP_NOT_APPROVED',
  'INVALID_MANIFEST',
  'BUNDLE_TOO_LARGE',
  'BUNDLE_SYNTAX_ERROR',
  'INVALID_INPUT_QUERY',
  'VERSION_EXISTS',
  'NAME_TAKEN',
  'VERSION_NOT_APPROVED',
  'ALREADY_REVIEWED',
  'CONSENT_REQUIRED',
  'PLUGIN_NOT_ENABLED',
  'SLOT_NOT_FOUND',
  'SLOT_UNAVAILABLE',
  'SLOT_IN_PAST',
  'SLOTS_NOT_CONTIGUOUS',
  'NOT_BOOKABLE',
  'APPOINTMENT_NOT_FOUND',
  'NOT_YOUR_APPOINTMENT',
  'VERSION_CONFLICT',
  'DOCUMENT_TOO_LARGE',
  'UNSUPPORTED_DOCUMENT_TYPE',
  'INVALID_BASE64',
  'DOCUMENT_NOT_FOUND',
  'INVALID_WEBHOOK_URL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const ERROR_TYPES = {
  InvalidNhsNumber: 'The NHS number is not 10 digits with a valid Modulus 11 check digit.',
  PatientNotFound: 'No patient with this NHS number is registered on the platform.',
  InvalidOdsCode: 'A GP practice ODS code is one letter followed by five digits, e.g. A81001.',
  PracticeNotFound: 'No practice with this ODS code is on the platform.',
  InvalidDateRange: 'The date range is not acceptable.',
  ClinicalSystemError: "The practice's clinical system could not answer.",
  InvalidTransition: 'The pairing cannot move to that stage from where it is; `allowedStages` lists where it can.',
  ActionRefused: 'The action was refused; nothing changed. `code` says why.',
  DocumentNotFound: 'No such document at this practice that you may see.',
} as const;
export type ErrorTypeName = keyof typeof ERROR_TYPES;

export class TypedError {
  constructor(
    readonly typename: ErrorTypeName,
    readonly code: ErrorCode,
    readonly message: string,
    /** InvalidTransition: the stages the pairing may move to. */
    readonly allowed: string[] = [],
  ) {}
}

export const typedError = (typename: ErrorTypeName, code: ErrorCode, message?: string) =>
  new TypedError(typename, code, message ?? ERROR_TYPES[typename]);

/**
 * A connector failure as a typed error that is a member of the field's result union: `members` are
 * the union's error types. A specific type (PatientNotFound, InvalidNhsNumber) is used only where
 * the union has it; otherwise ClinicalSystemError carries the same code, so a provider's refusal
 * can never be a type the field cannot return.
 */
export function fromConnectorError(error: ConnectorError, members: readonly ErrorTypeName[] = ['ClinicalSystemError']): TypedError {
  const specific: ErrorTypeName | null = error.code === 'PATIENT_NOT_FOUND' ? 'PatientNotFound' : error.code === 'INVALID_NHS_NUMBER' ? 'InvalidNhsNumber' : null;
  return specific && members.includes(specific) ? typedError(specific, error.code, error.message) : typedError('ClinicalSystemError', error.code, error.message);
}

/** Error types every field answered by a clinical system can return for a patient. */
export const PATIENT_READ_ERRORS = ['InvalidNhsNumber', 'PatientNotFound', 'ClinicalSystemError'] as const satisfies readonly ErrorTypeName[];

export const ErrorCodeEnum = builder.enumType('ErrorCode', { values: ERROR_CODES });

export const ErrorInterface = builder.interfaceRef<TypedError>('Error').implement({
  description: 'An expected failure. `code` is stable; `message` is for people.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, resolve: (e) => e.code }),
    message: t.exposeString('message'),
  }),
});

export const errorRefs = Object.fromEntries(
  (Object.keys(ERROR_TYPES) as ErrorTypeName[]).map((name) => [
    name,
    builder.objectRef<TypedError>(name).implement({
      description: ERROR_TYPES[name],
      interfaces: [ErrorInterface],
      isTypeOf: (value) => value instanceof TypedError && value.typename === name,
    }),
  ]),
) as { [K in ErrorTypeName]: ReturnType<typeof builder.objectRef<TypedError>> };

/** Union resolver for "thing or typed error" results. */
export const resolveResultType = (success: string) => (value: unknown) =>
  value instanceof TypedError ? value.typename : success;

/** A domain refusal (code, message) as the typed error the schema exposes. */
export function fromRefusal(r: { code: string; message: string; allowed?: string[] }): TypedError {
  const code = (ERROR_CODES as readonly string[]).includes(r.code) ? (r.code as ErrorCode) : 'VALIDATION_FAILED';
  return code === 'INVALID_TRANSITION' ? new TypedError('InvalidTransition', code, r.message, r.allowed ?? []) : new TypedError('ActionRefused', code, r.message);
}
