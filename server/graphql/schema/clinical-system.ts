import { builder } from '../builder.js';
import {
  CAPABILITY_AREAS,
  CAPABILITY_SOURCES,
  CLINICAL_SYSTEMS,
  CLINICAL_SYSTEM_IDS,
  type Capability,
  type ClinicalSystemInfo,
  type Throttle,
} from '../../domain/clinical-systems.js';

export const ClinicalSystemIdEnum = builder.enumType('ClinicalSystemId', { values: CLINICAL_SYSTEM_IDS });
export const CapabilityAreaEnum = builder.enumType('CapabilityArea', {
  description: 'A record section or an operation a principal system may offer.',
  values: CAPABILITY_AREAS,
});
const SupportLevelEnum = builder.enumType('SupportLevel', { values: ['SUPPORTED', 'BETA', 'NOT_SUPPORTED'] as const });
const CapabilitySourceEnum = builder.enumType('CapabilitySource', {
  description:
    'PUBLISHED: from GP Connect publications. PROVIDER_CAPABILITY_STATEMENT: what the practice\'s GP Connect provider declares in its ' +
    'CapabilityStatement (GET /metadata). SANDBOX_ASSUMPTION: chosen for the sandbox, not a supplier commitment.',
  values: CAPABILITY_SOURCES,
});
const ThrottleScopeEnum = builder.enumType('ThrottleScope', { values: ['PATIENT', 'PRACTICE'] as const });

const ThrottleRef = builder.objectRef<Throttle>('Throttle').implement({
  description: 'A provider-imposed limit: at most `requests` per `perSeconds` for each patient or practice.',
  fields: (t) => ({
    requests: t.exposeInt('requests'),
    perSeconds: t.exposeInt('perSeconds'),
    scope: t.field({ type: ThrottleScopeEnum, resolve: (x) => x.scope }),
  }),
});

export const CapabilityRef = builder.objectRef<Capability>('Capability').implement({
  fields: (t) => ({
    area: t.field({ type: CapabilityAreaEnum, resolve: (c) => c.area }),
    support: t.field({ type: SupportLevelEnum, resolve: (c) => c.support }),
    source: t.field({ type: CapabilitySourceEnum, resolve: (c) => c.source }),
    note: t.exposeString('note', { nullable: true }),
    throttle: t.field({ type: ThrottleRef, nullable: true, resolve: (c) => c.throttle }),
  }),
});

export const ClinicalSystemRef = builder.objectRef<ClinicalSystemInfo>('ClinicalSystem').implement({
  description: 'A principal GP clinical system and what it supplies through the platform.',
  fields: (t) => ({
    id: t.field({ type: ClinicalSystemIdEnum, resolve: (s) => s.id }),
    name: t.exposeString('name'),
    supplier: t.exposeString('supplier'),
    capabilities: t.field({ type: [CapabilityRef], resolve: (s) => s.capabilities }),
  }),
});

builder.queryField('clinicalSystems', (t) =>
  t.field({
    type: [ClinicalSystemRef],
    description: 'The principal systems and their capability matrices. Public: no patient data.',
    resolve: () => [...CLINICAL_SYSTEMS],
  }),
);
