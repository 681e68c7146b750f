// Unauthenticated callers cost the platform nothing it cannot bound. Each client address has one
// cost budget (the rate limit's ANONYMOUS budget, server/rate-limit/plugin.ts) taken before anything
// is executed or audited, by GraphQL and the token endpoint alike; and its refusals are audited one
// row each only up to a few per window, the rest of the window's refusals becoming one counted
// summary row. Every refusal is still accounted for; the table's growth is bounded by addresses x
// windows, not by requests.
import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../domain/audit/event.js';
import type { AuditWriter } from '../domain/audit/writer.js';

export interface AnonymousCallerOptions {
  /** Individually audited refusals per address per window. */
  rowsPerWindow: number;
  windowMs: number;
  now?: () => number;
  /** Addresses tracked at once; beyond it, new addresses share one overflow entry. */
  maxAddresses?: number;
}

export interface AnonymousCallers {
  /** Audits a refused unauthenticated request's events, or counts them into the window's summary. */
  recordRefusal(address: string, events: readonly AuditEvent[]): Promise<void>;
  /** Writes the summaries of windows that have ended (called on a timer, and on close). */
  flush(all?: boolean): Promise<void>;
  close(): Promise<void>;
}

interface Window {
  start: number;
  rows: number;
  suppressed: number;
  operations: Record<string, number>;
}

const OVERFLOW = 'other addresses';

export function anonymousCallers(writer: AuditWriter, options: AnonymousCallerOptions): AnonymousCallers {
  const now = options.now ?? Date.now;
  const maxAddresses = options.maxAddresses ?? 10_000;
  const windows = new Map<string, Window>();
  const timer = setInterval(() => void flush(false).catch(() => {}), options.windowMs);
  timer.unref();

  const summary = (address: string, w: Window): AuditEvent => ({
    actorKind: 'ANONYMOUS',
    actorId: 'anonymous',
    operation: 'ANONYMOUS_REFUSALS_SUMMARY',
    detail: {
      clientAddress: address,
      from: new Date(w.start).toISOString(),
      to: new Date(w.start + options.windowMs).toISOString(),
      refusedRequests: w.suppressed,
      operations: w.operations,
    },
    outcome: 'REFUSED',
    reason: `${w.suppressed} more refused unauthenticated request(s) from this address in the window, counted here instead of one event each.`,
    requestId: `summary-${randomUUID()}`,
  });

  async function flush(all = false) {
    const due: AuditEvent[] = [];
    const t = now();
    for (const [address, w] of windows) {
      if (!all && t < w.start + options.windowMs) continue;
      windows.delete(address);
      if (w.suppressed > 0) due.push(summary(address, w));
    }
    if (due.length > 0) await writer.record(due);
  }

  return {
    async recordRefusal(address, events) {
      if (events.length === 0) return;
      const t = now();
      let key = address;
      if (!windows.has(key) && windows.size >= maxAddresses) key = OVERFLOW;
      let w = windows.get(key);
      if (w && t >= w.start + options.windowMs) {
        windows.delete(key);
        if (w.suppressed > 0) await writer.record([summary(key, w)]);
        w = undefined;
      }
      if (!w) windows.set(key, (w = { start: t, rows: 0, suppressed: 0, operations: {} }));
      if (w.rows + events.length <= options.rowsPerWindow) {
        w.rows += events.length;
        await writer.record(events);
        return;
      }
      w.suppressed += 1;
      for (const e of events) w.operations[e.operation] = (w.operations[e.operation] ?? 0) + 1;
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush(true);
    },
  };
}
