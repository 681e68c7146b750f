import { builder } from '../builder.js';
import { clinicalSystem } from '../../domain/clinical-systems.js';
import { normaliseOdsCode } from '../../domain/identifiers.js';
import { listPractices, registeredPatients, type PracticeRecord } from '../../domain/practices.js';
import type { Capability } from '../../domain/clinical-systems.js';
import { ConnectorError } from '../../systems/types.js';
import { settle } from '../loaders.js';
import { CapabilityRef, ClinicalSystemIdEnum, ClinicalSystemRef } from './clinical-system.js';
import { errorRefs, fromConnectorError, resolveResultType, typedError } from './errors.js';
import { keysetConnection } from './pagination.js';
import { readPatientsAhead } from './patient.js';
import { PatientType, PracticeType, type PatientNode } from './refs.js';

const CapabilityMatrix = builder.objectRef<{ capabilities: Capability[] }>('CapabilityMatrix').implement({
  description: "What this practice offers through the platform: its provider's declaration where it has one, else its system's published matrix.",
  fields: (t) => ({ capabilities: t.field({ type: [CapabilityRef], resolve: (m) => m.capabilities }) }),
});

const CapabilitiesResult = builder.unionType('CapabilitiesResult', {
  types: [CapabilityMatrix, errorRefs.ClinicalSystemError],
  resolveType: resolveResultType('CapabilityMatrix'),
});

PracticeType.implement({
  description: 'A GP practice, identified by its ODS code, and the principal system it runs.',
  fields: (t) => ({
    odsCode: t.exposeString('odsCode'),
    name: t.exposeString('name'),
    system: t.field({ type: ClinicalSystemRef, resolve: (p) => clinicalSystem(p.systemId) }),
    sandbox: t.exposeBoolean('isSandbox', { description: 'Synthetic practice with synthetic patients.' }),
    capabilities: t.field({
      type: CapabilitiesResult,
      description:
        "The practice's capability matrix. A GP Connect practice's follows its provider's CapabilityStatement (read and cached); " +
        'a statement that cannot be read is a ClinicalSystemError, and the practice keeps being served.',
      resolve: async (practice, _, ctx) => {
        const connector = await settle((async () => ctx.loaders.connectorFor(practice))());
        if (connector instanceof ConnectorError) return fromConnectorError(connector);
        if (!connector.capabilities) return { capabilities: clinicalSystem(practice.systemId).capabilities };
        const matrix = await connector.capabilities(practice, ctx.meta);
        return matrix instanceof ConnectorError ? fromConnectorError(matrix) : { capabilities: matrix };
      },
    }),
    patients: t.connection({
      type: PatientType,
      nullable: true,
      description: 'Patients registered at this practice, by NHS number.',
      resolve: (practice, args, ctx, info) =>
        keysetConnection<PatientNode>(
          args,
          (p) => p.nhsNumber,
          async (page) => {
            const patients: PatientNode[] = (await registeredPatients(ctx.db, practice.odsCode, page)).map((nhsNumber) => ({ nhsNumber, practice }));
            // A page fetches one patient more than it shows (to know whether another page follows): only those shown are read.
            await readPatientsAhead(ctx, patients.slice(0, page.limit - 1), info, ['edges', 'node']);
            return patients;
          },
        ),
    }, { name: 'PatientConnection' }, { name: 'PatientEdge' }),
  }),
});

builder.queryField('practices', (t) =>
  t.connection({
    type: PracticeType,
    description: 'Practices on the platform, by ODS code.',
    args: { system: t.arg({ type: ClinicalSystemIdEnum, required: false }) },
    resolve: (_, args, ctx) =>
      keysetConnection<PracticeRecord>(args, (p) => p.odsCode, (page) => listPractices(ctx.db, page, args.system ?? null)),
  }, { name: 'PracticeConnection' }, { name: 'PracticeEdge' }),
);

const PracticeResult = builder.unionType('PracticeResult', {
  types: [PracticeType, errorRefs.InvalidOdsCode, errorRefs.PracticeNotFound],
  resolveType: resolveResultType('Practice'),
});

builder.queryField('practice', (t) =>
  t.field({
    type: PracticeResult,
    nullable: true,
    args: { odsCode: t.arg.string({ required: true }) },
    resolve: async (_, args, ctx) => {
      const odsCode = normaliseOdsCode(args.odsCode);
      if (!odsCode) return typedError('InvalidOdsCode', 'INVALID_ODS_CODE');
      return (await ctx.loaders.practice.load(odsCode)) ?? typedError('PracticeNotFound', 'PRACTICE_NOT_FOUND');
    },
  }),
);
