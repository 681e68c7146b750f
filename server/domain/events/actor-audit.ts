// Who did a write, as the audit trail records it.
import type { Actor } from '../actors.js';
import type { AuditEventInput } from '../audit/event.js';

export type Who = Pick<AuditEventInput, 'actorKind' | 'actorId' | 'supplierId' | 'appId' | 'pluginId'>;

export function auditWho(actor: Actor): Who {
  if (actor.kind === 'PERSON') return { actorKind: 'PERSON', actorId: actor.id, supplierId: null, appId: null };
  if (actor.kind === 'SUPPLIER_APP') return { actorKind: 'SUPPLIER_APP', actorId: actor.appId, supplierId: actor.supplierId, appId: actor.appId };
  // A plugin run's effects (e.g. a booking) are written as the run, under its supplier and version.
  if (actor.kind === 'PLUGIN_RUN') return { actorKind: 'PLUGIN_RUN', actorId: actor.runId, supplierId: actor.supplierId, appId: null, pluginId: actor.versionId };
  return { actorKind: 'ANONYMOUS', actorId: 'anonymous', supplierId: null, appId: null };
}
