// The GP Connect connector: the same ClinicalSystemConnector as the sandbox, answered by a practice's
// GP Connect (FHIR STU3) provider endpoint. One structured-record POST per patient per GraphQL
// request carries all of that patient's requested sections.
import type { AnySectionAnswer, PatientDemographics } from '../../domain/clinical-record.js';
import type { PracticeRecord } from '../../domain/practices.js';
import { withheld } from '../../domain/sections.js';
import { ConnectorError, type ClinicalSystemConnector, type RequestMeta, type SectionRequest } from '../types.js';
import { eachLimited } from './batch.js';
import { endpointOf, settingsOf, type GpConnectOptions } from './endpoint-config.js';
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

export function gpConnectConnector(options: GpConnectOptions): ClinicalSystemConnector {
  const settings = settingsOf(options);
  const findPatient = patientLookup(settings);
  const contextFor = (practice: PracticeRecord, meta: RequestMeta): CallContext => ({ settings, endpoint: endpointOf(practice), meta, practice: { odsCode: practice.odsCode, name: practice.name } });

  /** One $gpc.getstructuredrecord call for one patient: an answer (or error) per ask. */
  async function structuredRecord(ctx: CallContext, nhsNumber: string, asks: readonly SectionRequest[]): Promise<Array<AnySectionAnswer | ConnectorError>> {
    try {
      const bundle = await callProvider(
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

    searchSlots: (practice, range, meta) => guarded(() => searchSlots(contextFor(practice, meta), range)),

    patientAppointments: (practice, nhsNumbers, range, meta) =>
      guarded(() => patientAppointments(contextFor(practice, meta), practice, nhsNumbers, range, findPatient)),

    appointmentWrites: gpConnectAppointmentWrites(contextFor, findPatient),
  };
}
