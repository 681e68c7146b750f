// Sends due webhook deliveries. Any replica may run one: a delivery is claimed with FOR UPDATE SKIP
// LOCKED and a lease, so two senders never post it at once, and a sender that dies leaves the lease
// to run out (the retry carries the same webhook-id). Failures retry with exponential backoff and
// jitter; an endpoint that keeps failing is disabled with the reason.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema/events.js';
import type { AuditWriter } from '../../domain/audit/writer.js';
import { pollLoop } from '../poll-loop.js';
import { guardedLookup } from './url-guard.js';
import { webhookHeaders } from './signing.js';

export interface SenderOptions {
  db: Db;
  audit: AuditWriter;
  development: boolean;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  disableAfterFailures: number;
  pollMs: number;
  leaseMs?: number;
}

export interface WebhookSender {
  start(): void;
  stop(): Promise<void>;
  runOnce(): Promise<number>;
  wake(): void;
}

interface Answer {
  statusCode: number | null;
  error: string | null;
}

function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, development: boolean): Promise<Answer> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: guardedLookup(development) as never, timeout: timeoutMs }, (res) => {
      res.resume(); // the body is not read: a receiver cannot make us hold a large answer
      resolve({ statusCode: res.statusCode ?? null, error: null });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ statusCode: null, error: error.message.slice(0, 300) }));
    req.end(body);
  });
}

/** Exponential backoff with full jitter: base * 2^(attempt-1), drawn in [half, full]. */
export const retryDelayMs = (base: number, attempt: number) => {
  const ceiling = Math.min(base * 2 ** Math.min(attempt - 1, 16), 24 * 3_600_000);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
};

export function createWebhookSender(o: SenderOptions): WebhookSender {
  const leaseMs = o.leaseMs ?? o.timeoutMs + 30_000;
  async function claim() {
    const now = new Date();
    const due = o.db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.status, 'PENDING'), lte(webhookDeliveries.nextAttemptAt, sql`now()`), or(isNull(webhookDeliveries.leasedUntil), lte(webhookDeliveries.leasedUntil, sql`now()`))))
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(20)
      .for('update', { skipLocked: true });
    return o.db.update(webhookDeliveries).set({ leasedUntil: new Date(now.getTime() + leaseMs) }).where(inArray(webhookDeliveries.id, due)).returning();
  }

  async function deliver(delivery: typeof webhookDeliveries.$inferSelect) {
    const [endpoint] = await o.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, delivery.endpointId));
    if (!endpoint || endpoint.status !== 'ACTIVE') {
      // Kept for redelivery once the endpoint is enabled again.
      await o.db.update(webhookDeliveries).set({ leasedUntil: null, nextAttemptAt: new Date(Date.now() + 3_600_000), lastError: 'endpoint disabled' }).where(eq(webhookDeliveries.id, delivery.id));
      return;
    }
    const secrets = [endpoint.secret, ...(endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date() ? [endpoint.previousSecret] : [])];
    const started = Date.now();
    const answer = await post(endpoint.url, webhookHeaders(secrets, delivery.eventId, new Date(), delivery.payload), delivery.payload, o.timeoutMs, o.development);
    const ok = answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode < 300;
    const attempts = delivery.attempts + 1;
    const failed = !ok && attempts >= o.maxAttempts;
    const error = ok ? null : (answer.error ?? `HTTP ${answer.statusCode}`);
    await o.db.transaction(async (tx) => {
      await tx.insert(webhookAttempts).values({ deliveryId: delivery.id, statusCode: answer.statusCode, error, durationMs: Date.now() - started });
      await tx
        .update(webhookDeliveries)
        .set({
          status: ok ? 'SUCCEEDED' : failed ? 'FAILED' : 'PENDING',
          attempts,
          leasedUntil: null,
          lastStatusCode: answer.statusCode,
          lastError: error,
          deliveredAt: ok ? new Date() : null,
          nextAttemptAt: new Date(Date.now() + (ok || failed ? 0 : retryDelayMs(o.retryBaseMs, attempts))),
        })
        .where(eq(webhookDeliveries.id, delivery.id));
      const failures = ok ? 0 : endpoint.consecutiveFailures + 1;
      const disable = failures >= o.disableAfterFailures;
      await tx
        .update(webhookEndpoints)
        .set({
          consecutiveFailures: failures,
          ...(disable ? { status: 'DISABLED', disabledReason: `Disabled after ${failures} failed deliveries in a row; the last: ${error}.` } : {}),
        })
        .where(eq(webhookEndpoints.id, endpoint.id));
    });
    await o.audit.record([
      {
        actorKind: 'SUPPLIER_APP',
        actorId: endpoint.appId,
        appId: endpoint.appId,
        supplierId: endpoint.supplierId,
        operation: 'WEBHOOK_DELIVERY',
        detail: { eventId: delivery.eventId, type: delivery.eventType, endpointId: endpoint.id, attempt: attempts, statusCode: answer.statusCode },
        outcome: ok ? 'ALLOWED' : 'FAILED',
        reason: error,
        requestId: delivery.eventId,
      },
    ]);
  }

  async function runOnce() {
    const batch = await claim();
    await Promise.all(batch.map(deliver));
    return batch.length;
  }

  // Sleeps only after a round that found nothing due.
  const loop = pollLoop({ pollMs: o.pollMs, round: async () => (await runOnce()) > 0, onError: (error) => console.error('webhook delivery failed:', error) });

  return {
    runOnce,
    wake: loop.wake,
    start: loop.start,
    stop: loop.stop,
  };
}
