import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { builder } from '../builder.js';
import type { PatientDemographics } from '../../domain/clinical-record.js';
import { nhsNumberProblem, normaliseNhsNumber } from '../../domain/identifiers.js';
import type { GraphQLContext } from '../context.js';
import { settle } from '../loaders.js';
import { PATIENT_NOT_AVAILABLE, isPatientLookupOpen } from '../patient-lookups.js';
import { ConnectorError } from '../../systems/types.js';
import { errorRefs, fromConnectorError, PATIENT_READ_ERRORS, resolveResultType, typedError, type TypedError } from './errors.js';
import { prefetchSections, prefetchSelectedSections, selectedSectionReads } from './record-sections.js';
import { selectionSetsAt } from './selections.js';
import { PatientType, PracticeType, type PatientNode } from './refs.js';

const GenderEnum = builder.enumType('Gender', { values: ['female', 'male', 'other', 'unknown'] as const });

async function demographicsOf(ctx: GraphQLContext, patient: PatientNode): Promise<PatientDemographics> {
  if (patient.demographics) return patient.demographics;
  const found = await settle(ctx.loaders.demographics.load(patient));
  if (found instanceof ConnectorError) throw new GraphQLError(found.message, { extensions: { code: found.code } });
  if (!found) throw new GraphQLError('The clinical system holds no record for this registration.', { extensions: { code: 'PATIENT_NOT_FOUND' } });
  return found;
}

/** A demographic field: at once when the patient was read ahead (a record, a page), else loaded. */
const demographic =
  <K extends keyof PatientDemographics>(name: K) =>
  (patient: PatientNode, _: unknown, ctx: GraphQLContext): PatientDemographics[K] | Promise<PatientDemographics[K]> =>
    patient.demographics ? patient.demographics[name] : demographicsOf(ctx, patient).then((found) => found[name]);

/**
 * Reads a page of patients ahead, when their practice's connector reads demographics and sections
 * together: every patient's demographics and the sections the query selects on them go in ONE read
 * (batched by the loaders), and the page's fields then answer from memory instead of each waiting
 * on its own promise. What fails is left to the fields, which report it as they would alone.
 */
export async function readPatientsAhead(ctx: GraphQLContext, patients: PatientNode[], info: GraphQLResolveInfo, nodePath: readonly string[]): Promise<void> {
  const first = patients[0];
  if (!first || !ctx.loaders.readsTogether(first.practice)) return;
  const sections = selectedSectionReads(info, selectionSetsAt(info, nodePath));
  const demographics = patients.map((patient) => ctx.loaders.demographics.load(patient));
  const pending = patients.flatMap((patient) => prefetchSections(ctx, patient, sections));
  const found = await Promise.allSettled(demographics);
  await Promise.all(pending);
  found.forEach((read, i) => {
    if (read.status === 'fulfilled' && read.value) patients[i]!.demographics = read.value;
  });
}

PatientType.implement({
  description: "A patient's record at their registered practice. Each section says whether it was recorded.",
  fields: (t) => ({
    nhsNumber: t.exposeString('nhsNumber'),
    practice: t.field({ type: PracticeType, resolve: (p) => p.practice }),
    givenName: t.string({ resolve: demographic('givenName') }),
    familyName: t.string({ resolve: demographic('familyName') }),
    birthDate: t.field({ type: 'Date', resolve: demographic('birthDate') }),
    gender: t.field({ type: GenderEnum, resolve: demographic('gender') }),
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
