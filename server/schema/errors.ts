// Expected failures are values in the schema, each with a stable code.
import { builder } from '../builder.js';
import type { ConnectorError } from '../systems/types.js';

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
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const ERROR_TYPES = {
  InvalidNhsNumber: 'The NHS number is not 10 digits with a valid Modulus 11 check digit.',
  PatientNotFound: 'No patient with this NHS number is registered on the platform.',
  InvalidOdsCode: 'A GP practice ODS code is one letter followed by five digits, e.g. A81001.',
  PracticeNotFound: 'No practice with this ODS code is on the platform.',
  InvalidDateRange: 'The date range is not acceptable.',
  ClinicalSystemError: "The practice's clinical system could not answer.",
} as const;
export type ErrorTypeName = keyof typeof ERROR_TYPES;

export class TypedError {
  constructor(
    readonly typename: ErrorTypeName,
    readonly code: ErrorCode,
    readonly message: string,
  ) {}
}

export const typedError = (typename: ErrorTypeName, code: ErrorCode, message?: string) =>
  new TypedError(typename, code, message ?? ERROR_TYPES[typename]);

export const fromConnectorError = (error: ConnectorError): TypedError =>
  error.code === 'PATIENT_NOT_FOUND'
    ? typedError('PatientNotFound', 'PATIENT_NOT_FOUND', error.message)
    : error.code === 'INVALID_NHS_NUMBER'
      ? typedError('InvalidNhsNumber', 'INVALID_NHS_NUMBER', error.message)
      : typedError('ClinicalSystemError', error.code, error.message);

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
