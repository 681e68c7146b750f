// What every resolver and permission rule receives for one request.
import type { AccessLog } from './access-log.js';
import type { Db } from '../db/client.js';
import type { AuditIntegrity } from '../domain/audit/integrity.js';
import type { Actor } from '../domain/actors.js';
import type { AuditWriter } from '../domain/audit/writer.js';
import type { Env } from '../env.js';
import type { EventBus } from '../events/pubsub.js';
import type { GovernanceLoaders } from './governance-loaders.js';
import type { Loaders } from './loaders.js';
import type { PluginHost } from '../plugins/host.js';
import type { RequestMeta } from '../systems/types.js';

export interface GraphQLContext {
  actor: Actor;
  requestId: string;
  db: Db;
  env: Env;
  meta: RequestMeta;
  loaders: Loaders;
  governance: GovernanceLoaders;
  /** Access decisions of this request, audited before the response is sent. */
  accessLog: AccessLog;
  /** Runs plugins (manual runs, bundle checks at publish). */
  plugins: PluginHost;
  /** Checkpoints, verification jobs and inclusion proofs of the audit trail (shared by all requests). */
  auditIntegrity: AuditIntegrity;
  /** Committed domain events (subscriptions read them) and the audit writer their deliveries go to. */
  events: { bus: EventBus; audit: AuditWriter };
}
