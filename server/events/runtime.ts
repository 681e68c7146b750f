// The event machinery of one process: the bus subscriptions read from, and the outbox dispatcher
// that feeds it (and webhooks, and any in-process handler such as plugin triggers).
import type { Database } from '../db/client.js';
import type { Env } from '../env.js';
import { createDispatcher, type Dispatcher, type EventHandler } from './dispatcher.js';
import { createEventBus, type EventBus } from './pubsub.js';

export interface EventRuntime {
  bus: EventBus;
  dispatcher: Dispatcher;
  /** Registers an in-process handler for every committed event (at-least-once, stable event id). */
  onEvent(handler: EventHandler): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface EventRuntimeOptions {
  env: Env;
  database: Database;
  handlers?: EventHandler[];
}

export function createEventRuntime({ env, database, handlers = [] }: EventRuntimeOptions): EventRuntime {
  const bus = createEventBus({ redisUrl: env.REDIS_URL, topicPrefix: env.EVENTS_REDIS_PREFIX });
  const dispatcher = createDispatcher({
    db: database.db,
    listen: database.listen,
    pollMs: env.EVENTS_POLL_MS,
    handlers: [async (event) => bus.publish(event), ...handlers],
  });
  return {
    bus,
    dispatcher,
    onEvent: (handler) => dispatcher.addHandler(handler),
    start: async () => {
      if (env.EVENTS_DISPATCHER) await dispatcher.start();
    },
    close: async () => {
      await dispatcher.stop();
      await bus.close();
    },
  };
}
