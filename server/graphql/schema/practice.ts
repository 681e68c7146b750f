import { builder } from '../builder.js';
import { clinicalSystem } from '../../domain/clinical-systems.js';
import { normaliseOdsCode } from '../../domain/identifiers.js';
import { listPractices, registeredPatients, type PracticeRecord } from '../../domain/practices.js';
import { ClinicalSystemIdEnum, ClinicalSystemRef } from './clinical-system.js';
import { errorRefs, resolveResultType, typedError } from './errors.js';
import { keysetConnection } from './pagination.js';
import { PatientType, PracticeType, type PatientNode } from './refs.js';

PracticeType.implement({
  description: 'A GP practice, identified by its ODS code, and the principal system it runs.',
  fields: (t) => ({
    odsCode: t.exposeString('odsCode'),
    name: t.exposeString('name'),
    system: t.field({ type: ClinicalSystemRef, resolve: (p) => clinicalSystem(p.systemId) }),
    sandbox: t.exposeBoolean('isSandbox', { description: 'Synthetic practice with synthetic patients.' }),
    patients: t.connection({
      type: PatientType,
      nullable: true,
      description: 'Patients registered at this practice, by NHS number.',
      resolve: (practice, args, ctx) =>
        keysetConnection<PatientNode>(
          args,
          (p) => p.nhsNumber,
          async (page) => (await registeredPatients(ctx.db, practice.odsCode, page)).map((nhsNumber) => ({ nhsNumber, practice })),
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
