// The event machinery of one process: the bus subscriptions read from, and the outbox dispatcher
// that feeds it (and webhooks, and any in-process handler such as plugin triggers).
import type { Database } from '../db/client.js';
import type { AuditWriter } from '../domain/audit/writer.js';
import type { Env } from '../env.js';
import { webhookEnqueuer } from './webhooks/enqueue.js';
import { createWebhookSender, type WebhookSender } from './webhooks/sender.js';
import { createDispatcher, type Dispatcher, type EventHandler } from './dispatcher.js';
import { createEventBus, type EventBus } from './pubsub.js';

export interface EventRuntime {
  bus: EventBus;
  dispatcher: Dispatcher;
  webhooks: WebhookSender;
  /** Registers an in-process handler for every committed event (at-least-once, stable event id). */
  onEvent(handler: EventHandler): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface EventRuntimeOptions {
  env: Env;
  database: Database;
  audit: AuditWriter;
  handlers?: EventHandler[];
}

export function createEventRuntime({ env, database, audit, handlers = [] }: EventRuntimeOptions): EventRuntime {
  const bus = createEventBus({ redisUrl: env.REDIS_URL, topicPrefix: env.EVENTS_REDIS_PREFIX });
  const webhooks = createWebhookSender({
    db: database.db,
    audit,
    development: env.NODE_ENV === 'development',
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
    retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
    disableAfterFailures: env.WEBHOOK_DISABLE_AFTER_FAILURES,
    pollMs: env.EVENTS_POLL_MS,
  });
  const dispatcher = createDispatcher({
    db: database.db,
    listen: database.listen,
    pollMs: env.EVENTS_POLL_MS,
    handlers: [async (event) => bus.publish(event), webhookEnqueuer(database.db, () => webhooks.wake()), ...handlers],
  });
  return {
    bus,
    dispatcher,
    webhooks,
    onEvent: (handler) => dispatcher.addHandler(handler),
    start: async () => {
      if (!env.EVENTS_DISPATCHER) return;
      await dispatcher.start();
      webhooks.start();
    },
    close: async () => {
      await dispatcher.stop();
      await webhooks.stop();
      await bus.close();
    },
  };
}
