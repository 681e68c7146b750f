// The provider's CapabilityStatement (`GET /metadata`) -> what it declares, and the practice's
// capability matrix built from it. The statement is untrusted input: anything that is not a
// plausible GP Connect statement is refused as a whole with a typed error, never half-read.
import { clinicalSystem, gpConnectBaseline, type Capability, type CapabilityArea, type ClinicalSystemId } from '../../domain/clinical-systems.js';
import { SECTIONS } from '../../domain/sections.js';
import { ConnectorError } from '../types.js';
import { list, obj, str, typeOf, type Resource } from './fhir.js';

/** What a provider says it does: `Type:interaction` pairs (e.g. `Slot:search-type`) and operation names. */
export interface DeclaredCapabilities {
  interactions: ReadonlySet<string>;
  operations: ReadonlySet<string>;
}

/** Generous bounds for a real statement (a few dozen resources); beyond them the answer is not one. */
const MAX_RESOURCES = 200;
const MAX_INTERACTIONS = 20;
const MAX_OPERATIONS = 100;
const NAME = /^[A-Za-z][A-Za-z0-9.\-_]{0,63}$/;

const unusable = (why: string) => new ConnectorError('PROVIDER_ERROR', `The practice's clinical system sent an unusable one (${why}).`);

/** Reads a CapabilityStatement, or explains why it cannot be trusted. */
export function declaredCapabilities(resource: Resource): DeclaredCapabilities | ConnectorError {
  if (typeOf(resource) !== 'CapabilityStatement') return unusable('not a CapabilityStatement');
  if (!Array.isArray(resource.rest)) return unusable('no rest element');
  const interactions = new Set<string>();
  const operations = new Set<string>();
  const servers = resource.rest.map(obj).filter((r): r is Resource => r !== undefined && r.mode === 'server');
  if (servers.length === 0) return unusable('no server mode');
  for (const rest of servers) {
    if (!Array.isArray(rest.resource ?? []) || !Array.isArray(rest.operation ?? [])) return unusable('malformed rest element');
    const resources = list(rest.resource);
    const ops = list(rest.operation);
    if (resources.length > MAX_RESOURCES || ops.length > MAX_OPERATIONS) return unusable('too many entries');
    for (const entry of resources) {
      const type = str(obj(entry)?.type);
      const declared = obj(entry)?.interaction ?? [];
      if (!type || !NAME.test(type) || !Array.isArray(declared) || declared.length > MAX_INTERACTIONS) return unusable('malformed resource entry');
      for (const interaction of declared) {
        const code = str(obj(interaction)?.code);
        if (!code || !NAME.test(code)) return unusable('malformed interaction');
        interactions.add(`${type}:${code}`);
      }
    }
    for (const operation of ops) {
      const name = str(obj(operation)?.name)?.replace(/^\$/, '');
      if (!name || !NAME.test(name)) return unusable('malformed operation');
      operations.add(name);
    }
  }
  return { interactions, operations };
}

/** What each capability area needs the provider to declare. */
type Requirement = { operation: string } | { interaction: string };
const STRUCTURED: Requirement = { operation: 'gpc.getstructuredrecord' };
const REQUIREMENTS: Record<CapabilityArea, Requirement> = {
  ...(Object.fromEntries(SECTIONS.map((s) => [s, STRUCTURED])) as Record<(typeof SECTIONS)[number], Requirement>),
  FULL_RECORD: STRUCTURED,
  SLOT_SEARCH: { interaction: 'Slot:search-type' },
  READ_APPOINTMENTS: { interaction: 'Appointment:search-type' },
  BOOK_APPOINTMENT: { interaction: 'Appointment:create' },
  AMEND_APPOINTMENT: { interaction: 'Appointment:update' },
  CANCEL_APPOINTMENT: { interaction: 'Appointment:update' },
  READ_PRACTITIONER: { interaction: 'Practitioner:read' },
  READ_ORGANISATION: { interaction: 'Organization:read' },
  READ_LOCATION: { interaction: 'Location:read' },
};

const describe = (r: Requirement) => ('operation' in r ? `operation ${r.operation}` : r.interaction.replace(':', ' '));

export function declares(declared: DeclaredCapabilities, area: CapabilityArea): boolean {
  const need = REQUIREMENTS[area];
  return 'operation' in need ? declared.operations.has(need.operation) : declared.interactions.has(need.interaction);
}

/** Whether the provider offers a Foundations read of this resource type. */
export const declaresRead = (declared: DeclaredCapabilities, type: string) => declared.interactions.has(`${type}:read`);

/**
 * The practice's matrix: each area the provider declares keeps its published support level (beta
 * stays beta, throttles stay) and is marked as coming from the statement; an area it does not
 * declare is NOT_SUPPORTED. Sandbox assumptions about the system give way to what the provider says.
 */
export function capabilityMatrix(systemId: ClinicalSystemId, declared: DeclaredCapabilities): Capability[] {
  const published = gpConnectBaseline();
  return clinicalSystem(systemId).capabilities.map((row): Capability => {
    const need = REQUIREMENTS[row.area];
    const base = row.source === 'SANDBOX_ASSUMPTION' ? (published.get(row.area) ?? row) : row;
    if (!declares(declared, row.area)) {
      return { ...base, support: 'NOT_SUPPORTED', source: 'PROVIDER_CAPABILITY_STATEMENT', note: `Not declared in the provider's capability statement (${describe(need)}).`, throttle: null };
    }
    const beta = base.support === 'BETA' ? ' Beta in GP Connect.' : '';
    return { ...base, source: 'PROVIDER_CAPABILITY_STATEMENT', note: `Declared in the provider's capability statement (${describe(need)}).${beta}` };
  });
}
