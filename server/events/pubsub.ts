// Where committed events meet GraphQL subscriptions. With REDIS_URL the Yoga Redis event target
// carries them to every replica's subscribers; without it they stay in this process.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { DomainEvent } from '../domain/events/catalogue.js';

export type EventTopics = Record<string, [DomainEvent]>;

export interface EventBus {
  publish(event: DomainEvent): void;
  /** Every event published on any replica, until the returned iterator is closed. */
  subscribe(): AsyncIterableIterator<DomainEvent>;
  close(): Promise<void>;
}

export function createEventBus(options: { redisUrl?: string | undefined; topicPrefix: string }): EventBus {
  const topic = `${options.topicPrefix}domain-events`;
  const clients: Redis[] = [];
  let pubsub: PubSub<EventTopics>;
  if (options.redisUrl) {
    const publishClient = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
    const subscribeClient = new Redis(options.redisUrl);
    for (const client of [publishClient, subscribeClient]) client.on('error', () => {}); // ioredis reconnects on its own
    clients.push(publishClient, subscribeClient);
    pubsub = createPubSub<EventTopics>({ eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) });
  } else {
    pubsub = createPubSub<EventTopics>();
  }
  return {
    publish: (event) => pubsub.publish(topic, event),
    subscribe: () => pubsub.subscribe(topic) as unknown as AsyncIterableIterator<DomainEvent>,
    close: async () => void (await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())))),
  };
}
