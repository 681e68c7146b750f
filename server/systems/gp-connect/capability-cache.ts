// The provider's declared capabilities, read once per endpoint and kept for the configured TTL.
// Concurrent requests share one read; a failed read is remembered for a short while only, so an
// unreachable or hostile /metadata neither hammers the provider nor sticks for the whole TTL.
import { ConnectorError } from '../types.js';
import { declaredCapabilities, type DeclaredCapabilities } from './capability-statement.js';
import type { Settings } from './endpoint-config.js';
import { callProvider, INTERACTIONS, mapped, type CallContext } from './http-client.js';
import { asConnectorError } from './provider-errors.js';

export type Declared = DeclaredCapabilities | ConnectorError;

/** A failed read is retried after this long at most. */
const FAILURE_RETRY_MS = 60_000;
/** Endpoints remembered; the oldest is forgotten first. */
const MAX_ENDPOINTS = 1000;

/** Our own message, naming what failed: the provider's words never reach callers. */
const unreadable = (failure: ConnectorError) => new ConnectorError(failure.code, `The capability statement could not be read. ${failure.message}`);

export interface CapabilityCache {
  declared(ctx: CallContext): Promise<Declared>;
}

export function capabilityCache(settings: Settings): CapabilityCache {
  const entries = new Map<string, { value: Declared; expires: number }>();
  const pending = new Map<string, Promise<Declared>>();

  async function read(ctx: CallContext): Promise<Declared> {
    try {
      const statement = await callProvider({ method: 'GET', path: '/metadata', interaction: INTERACTIONS.metadata, scope: 'organization/*.read', safe: true }, ctx);
      const declared = mapped(settings, INTERACTIONS.metadata, () => declaredCapabilities(statement));
      return declared instanceof ConnectorError ? unreadable(declared) : declared;
    } catch (error) {
      return unreadable(asConnectorError(error));
    }
  }

  return {
    declared(ctx) {
      const key = `${ctx.endpoint.baseUrl}|${ctx.endpoint.providerAsid}`;
      const cached = entries.get(key);
      if (cached && settings.clock() < cached.expires) return Promise.resolve(cached.value);
      const inFlight = pending.get(key);
      if (inFlight) return inFlight;
      const reading = read(ctx).then((value) => {
        const ttl = value instanceof ConnectorError ? Math.min(settings.capabilityTtlMs, FAILURE_RETRY_MS) : settings.capabilityTtlMs;
        entries.delete(key);
        if (entries.size >= MAX_ENDPOINTS) entries.delete(entries.keys().next().value!);
        entries.set(key, { value, expires: settings.clock() + ttl });
        pending.delete(key);
        return value;
      });
      pending.set(key, reading);
      return reading;
    },
  };
}
