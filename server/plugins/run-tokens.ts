// A plugin run's input query goes through the API like any request. Its credential is a random
// bearer token that exists only in this process's memory for the length of that one query, so
// nothing outside the process can present it and it is worthless once the query has run.
import { randomBytes } from 'node:crypto';
import type { Actor } from '../domain/actors.js';

type PluginRunActor = Extract<Actor, { kind: 'PLUGIN_RUN' }>;
const PREFIX = 'Bearer gpoi-run.';

export class PluginRunTokens {
  private readonly live = new Map<string, PluginRunActor>();

  /** A token for this actor, valid until `revoke`. */
  issue(actor: PluginRunActor): string {
    const token = `gpoi-run.${randomBytes(32).toString('base64url')}`;
    this.live.set(token, actor);
    return token;
  }

  revoke(token: string): void {
    this.live.delete(token);
  }

  /** The run's actor for an Authorization header carrying a live run token, else null. */
  actorFor(authorization: string | null): PluginRunActor | null {
    if (!authorization?.startsWith(PREFIX)) return null;
    return this.live.get(authorization.slice('Bearer '.length)) ?? null;
  }
}
