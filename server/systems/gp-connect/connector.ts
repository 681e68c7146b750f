// The GP Connect connector: the same ClinicalSystemConnector as the sandbox, answered by a practice's
// GP Connect (FHIR STU3) provider endpoint. One structured-record POST per patient per GraphQL
// request carries all of that patient's requested sections.
import type { AnySectionAnswer, PatientDemographics } from '../../domain/clinical-record.js';
import type { PracticeRecord } from '../../domain/practices.js';
import type { Capability, CapabilityArea } from '../../domain/clinical-systems.js';
import { withheld, type SectionAnswer } from '../../domain/sections.js';
import { ConnectorError, type AppointmentWrites, type ClinicalSystemConnector, type RequestMeta, type SectionRequest } from '../types.js';
import { eachLimited } from './batch.js';
import { capabilityCache, type Declared } from './capability-cache.js';
import { capabilityMatrix, declares } from './capability-statement.js';
import { endpointOf, settingsOf, type GpConnectOptions } from './endpoint-config.js';
import { withFoundations } from './foundation-reads.js';
import { callProvider, INTERACTIONS, mapped, type CallContext } from './http-client.js';
import { roundsOf, structuredRecordParameters } from './parameters.js';
import { patientLookup } from './patient-lookup.js';
import { asConnectorError, isConsentRefusal } from './provider-errors.js';
import { patientAppointments, searchSlots } from './scheduling.js';
import { gpConnectAppointmentWrites } from './appointment-writes.js';
import { answersFromBundle } from './structured-record.js';

export type { GpConnectOptions, GpConnectTiming } from './endpoint-config.js';
export { gpConnectOptionsFromEnv } from './endpoint-config.js';

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asConnectorError(error);
  }
}

/**
 * Whether the provider's statement rules the area out. An unreadable statement rules nothing out:
 * the provider's own answer decides then (its refusal is NOT_SUPPORTED too).
 */
const undeclared = (declared: Declared, area: CapabilityArea) => !(declared instanceof ConnectorError) && !declares(declared, area);

const notDeclared = (what: string) => new ConnectorError('NOT_SUPPORTED', `The practice's clinical system does not declare ${what} in its capability statement.`);

/** A section the provider does not offer: not supplied, and said why. */
const sectionNotDeclared = <T>(): SectionAnswer<T> => ({
  status: 'NOT_SUPPLIED',
  items: [],
  warnings: [{ code: 'NOT_SUPPORTED', message: "The practice's clinical system does not declare the structured record in its capability statement." }],
});

export function gpConnectConnector(options: GpConnectOptions): ClinicalSystemConnector {
  const settings = settingsOf(options);
  const findPatient = patientLookup(settings);
  const statements = capabilityCache(settings);
  /** Refuses an area the provider's statement leaves out, before anything else is asked. */
  const requireDeclared = async (ctx: CallContext, area: CapabilityArea, what: string) => {
    if (undeclared(await statements.declared(ctx), area)) throw notDeclared(what);
  };
  const contextFor = (practice: PracticeRecord, meta: RequestMeta): CallContext => ({ settings, endpoint: endpointOf(practice), meta, practice: { odsCode: practice.odsCode, name: practice.name } });

  /** One $gpc.getstructuredrecord call for one patient: an answer (or error) per ask. */
  async function structuredRecord(ctx: CallContext, nhsNumber: string, asks: readonly SectionRequest[]): Promise<Array<AnySectionAnswer | ConnectorError>> {
    try {
      const declared = await statements.declared(ctx);
      if (undeclared(declared, 'FULL_RECORD')) return asks.map(() => sectionNotDeclared());
      const answer = await callProvider(
        {
          method: 'POST',
          path: '/Patient/$gpc.getstructuredrecord',
          interaction: INTERACTIONS.structuredRecord,
          scope: 'patient/*.read',
          body: structuredRecordParameters(nhsNumber, asks),
          safe: true, // a read, though sent as POST
        },
        ctx,
      );
      const bundle = await withFoundations(ctx, answer, declared);
      const answers = mapped(settings, INTERACTIONS.structuredRecord, () => answersFromBundle(bundle, nhsNumber, asks));
      if (answers instanceof ConnectorError) throw answers;
      return answers;
    } catch (error) {
      if (isConsentRefusal(error)) return asks.map(() => withheld('The patient has dissented from sharing their record.'));
      const failure = asConnectorError(error);
      return asks.map(() => failure);
    }
  }

  return {
    kind: 'gp-connect',

    async findPatients(practice, nhsNumbers, meta) {
      const found = new Map<string, PatientDemographics | ConnectorError>();
      const numbers = [...new Set(nhsNumbers)];
      try {
        const ctx = contextFor(practice, meta);
        const declared = await statements.declared(ctx);
        if (!(declared instanceof ConnectorError) && !declared.interactions.has('Patient:search-type')) throw notDeclared('the patient search');
        await eachLimited(numbers, settings.maxConcurrency, async (nhsNumber) => {
          try {
            const patient = await findPatient(ctx, practice, nhsNumber);
            if (patient) found.set(nhsNumber, patient.demographics);
          } catch (error) {
            found.set(nhsNumber, asConnectorError(error));
          }
        });
      } catch (error) {
        for (const n of numbers) found.set(n, asConnectorError(error));
      }
      return found;
    },

    async readSections(practice, requests, meta) {
      let ctx: CallContext;
      try {
        ctx = contextFor(practice, meta);
      } catch (error) {
        return requests.map(() => asConnectorError(error));
      }
      const results: Array<AnySectionAnswer | ConnectorError> = new Array(requests.length);
      const byPatient = new Map<string, Array<SectionRequest & { at: number }>>();
      requests.forEach((r, at) => byPatient.set(r.nhsNumber, [...(byPatient.get(r.nhsNumber) ?? []), { ...r, at }]));
      await eachLimited([...byPatient], settings.maxConcurrency, async ([nhsNumber, asks]) => {
        // Usually one round: a section asked twice with different options needs a second call.
        for (const round of roundsOf(asks)) {
          const answers = await structuredRecord(ctx, nhsNumber, round);
          round.forEach((ask, n) => (results[ask.at] = answers[n] ?? asConnectorError(null)));
        }
      });
      return results;
    },

    searchSlots: (practice, range, meta) =>
      guarded(async () => {
        const ctx = contextFor(practice, meta);
        await requireDeclared(ctx, 'SLOT_SEARCH', 'the free slot search');
        return searchSlots(ctx, range);
      }),

    patientAppointments: (practice, nhsNumbers, range, meta) =>
      guarded(async () => {
        const ctx = contextFor(practice, meta);
        await requireDeclared(ctx, 'READ_APPOINTMENTS', "the patient's appointments search");
        return patientAppointments(ctx, practice, nhsNumbers, range, findPatient);
      }),

    /** The practice's matrix as its provider declares it; a statement that cannot be read is a typed error. */
    async capabilities(practice, meta): Promise<Capability[] | ConnectorError> {
      try {
        const declared = await statements.declared(contextFor(practice, meta));
        return declared instanceof ConnectorError ? declared : capabilityMatrix(practice.systemId, declared);
      } catch (error) {
        return asConnectorError(error);
      }
    },

    appointmentWrites: declaredWrites(gpConnectAppointmentWrites(contextFor, findPatient)),
  };

  /**
   * Book, amend and cancel are refused (NOT_SUPPORTED) before anything is sent when the provider's
   * statement leaves them out. A statement that cannot be read blocks nothing: the provider decides.
   */
  function declaredWrites(writes: AppointmentWrites): AppointmentWrites {
    const refusal = async (practice: PracticeRecord, meta: RequestMeta, area: CapabilityArea, what: string): Promise<ConnectorError | null> => {
      try {
        return undeclared(await statements.declared(contextFor(practice, meta)), area) ? notDeclared(what) : null;
      } catch {
        return null;
      }
    };
    return {
      ...writes,
      book: async (practice, request, meta, commit) =>
        (await refusal(practice, meta, 'BOOK_APPOINTMENT', 'appointment booking')) ?? writes.book(practice, request, meta, commit),
      amend: async (practice, request, meta, commit) =>
        (await refusal(practice, meta, 'AMEND_APPOINTMENT', 'appointment amendment')) ?? writes.amend(practice, request, meta, commit),
      cancel: async (practice, request, meta, commit) =>
        (await refusal(practice, meta, 'CANCEL_APPOINTMENT', 'appointment cancellation')) ?? writes.cancel(practice, request, meta, commit),
    };
  }
}
