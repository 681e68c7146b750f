import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';
import type { PatientDemographics } from '../../domain/clinical-record.js';
import { nhsNumberProblem, normaliseNhsNumber } from '../../domain/identifiers.js';
import type { GraphQLContext } from '../context.js';
import { settle } from '../loaders.js';
import { PATIENT_NOT_AVAILABLE, isPatientLookupOpen } from '../patient-lookups.js';
import { ConnectorError } from '../../systems/types.js';
import { errorRefs, fromConnectorError, PATIENT_READ_ERRORS, resolveResultType, typedError, type TypedError } from './errors.js';
import { prefetchSelectedSections } from './record-sections.js';
import { PatientType, PracticeType, type PatientNode } from './refs.js';

const GenderEnum = builder.enumType('Gender', { values: ['female', 'male', 'other', 'unknown'] as const });

async function demographicsOf(ctx: GraphQLContext, patient: PatientNode): Promise<PatientDemographics> {
  if (patient.demographics) return patient.demographics;
  const found = await settle(ctx.loaders.demographics.load(patient));
  if (found instanceof ConnectorError) throw new GraphQLError(found.message, { extensions: { code: found.code } });
  if (!found) throw new GraphQLError('The clinical system holds no record for this registration.', { extensions: { code: 'PATIENT_NOT_FOUND' } });
  return found;
}

PatientType.implement({
  description: "A patient's record at their registered practice. Each section says whether it was recorded.",
  fields: (t) => ({
    nhsNumber: t.exposeString('nhsNumber'),
    practice: t.field({ type: PracticeType, resolve: (p) => p.practice }),
    givenName: t.string({ resolve: async (p, _, ctx) => (await demographicsOf(ctx, p)).givenName }),
    familyName: t.string({ resolve: async (p, _, ctx) => (await demographicsOf(ctx, p)).familyName }),
    birthDate: t.field({ type: 'Date', resolve: async (p, _, ctx) => (await demographicsOf(ctx, p)).birthDate }),
    gender: t.field({ type: GenderEnum, resolve: async (p, _, ctx) => (await demographicsOf(ctx, p)).gender }),
  }),
});

/** Validates the number, finds the registered practice and the record there. */
export async function locatePatient(ctx: GraphQLContext, input: string): Promise<PatientNode | TypedError> {
  const problem = nhsNumberProblem(input);
  const nhsNumber = normaliseNhsNumber(input);
  if (problem || !nhsNumber) {
    return typedError(
      'InvalidNhsNumber',
      'INVALID_NHS_NUMBER',
      problem === 'FORMAT' ? 'An NHS number is 10 digits.' : 'The NHS number fails the Modulus 11 check digit.',
    );
  }
  const practice = await ctx.loaders.registration.load(nhsNumber);
  if (!practice) return typedError('PatientNotFound', 'PATIENT_NOT_FOUND');
  return { nhsNumber, practice };
}

const notAvailable = () => typedError('PatientNotFound', 'PATIENT_NOT_FOUND', PATIENT_NOT_AVAILABLE);

const PatientResult = builder.unionType('PatientResult', {
  types: [PatientType, errorRefs.InvalidNhsNumber, errorRefs.PatientNotFound, errorRefs.ClinicalSystemError],
  resolveType: resolveResultType('Patient'),
});

builder.queryField('patient', (t) =>
  t.field({
    type: PatientResult,
    nullable: true,
    description: 'A patient by NHS number (spaces or dashes allowed), read from their registered practice.',
    args: { nhsNumber: t.arg.string({ required: true }) },
    resolve: async (_, args, ctx, info) => {
      const located = await locatePatient(ctx, args.nhsNumber);
      if (!('practice' in located)) return located.code === 'PATIENT_NOT_FOUND' ? notAvailable() : located;
      // Refused by the permission rule (which audited why): the same answer as for no registration.
      if (!isPatientLookupOpen(ctx, located.nhsNumber)) return notAvailable();
      const pending = settle(ctx.loaders.demographics.load(located));
      prefetchSelectedSections(ctx, located, info); // same tick: one read for the whole record
      const demographics = await pending;
      if (demographics instanceof ConnectorError) return fromConnectorError(demographics, PATIENT_READ_ERRORS);
      if (!demographics) return notAvailable();
      return { ...located, demographics };
    },
  }),
);
