// The outbox dispatcher. Any number of replicas may run one: each claims a batch of pending events
// with FOR UPDATE SKIP LOCKED and a short lease (available_at moves forward), hands every event to
// the registered handlers (SSE publish, webhook enqueue, plugins), then marks it dispatched.
// At-least-once: a dispatcher that dies after handling but before marking leaves the lease to run
// out, and another dispatcher hands the same event (same id) out again. Nothing committed is lost.
import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Database, Db } from '../db/client.js';
import { outboxEvents } from '../db/schema/events.js';
import type { DomainEvent } from '../domain/events/catalogue.js';
import { toDomainEvent } from '../domain/events/outbox.js';
import { pollLoop } from './poll-loop.js';

/** Called once per dispatch of an event; must tolerate seeing the same event id again. */
export type EventHandler = (event: DomainEvent) => Promise<void>;

export interface DispatcherOptions {
  db: Db;
  /** LISTEN/NOTIFY wake-up; without it the dispatcher only polls. */
  listen?: Database['listen'] | undefined;
  handlers?: EventHandler[];
  batchSize?: number;
  /** Polling interval: the only wake-up without LISTEN, a safety net with it. */
  pollMs?: number;
  /** How long a claim holds an event before another dispatcher may take it. */
  leaseMs?: number;
  onError?: (error: unknown) => void;
}

export interface Dispatcher {
  /** Registers an in-process handler (e.g. plugin triggers) before or after start. */
  addHandler(handler: EventHandler): void;
  start(): Promise<void>;
  /** Stops claiming and waits for the batch in hand. */
  stop(): Promise<void>;
  /** Claims and dispatches one batch; returns how many events it handled. */
  runOnce(): Promise<number>;
  /** Wakes the loop now (e.g. right after a local commit). */
  wake(): void;
}

const backoffMs = (attempts: number) => Math.min(60_000, 500 * 2 ** Math.min(attempts, 7));

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { db } = options;
  const handlers: EventHandler[] = [...(options.handlers ?? [])];
  const batchSize = options.batchSize ?? 100;
  const pollMs = options.pollMs ?? (options.listen ? 5_000 : 500);
  const leaseMs = options.leaseMs ?? 30_000;
  const onError = options.onError ?? ((error) => console.error('event dispatch failed:', error));
  let unlisten: (() => Promise<void>) | null = null;

  async function claim(): Promise<DomainEvent[]> {
    const leaseEnd = new Date(Date.now() + leaseMs);
    const due = db
      .select({ seq: outboxEvents.seq })
      .from(outboxEvents)
      .where(and(isNull(outboxEvents.dispatchedAt), lte(outboxEvents.availableAt, sql`now()`)))
      .orderBy(asc(outboxEvents.seq))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    const rows = await db.update(outboxEvents).set({ availableAt: leaseEnd }).where(inArray(outboxEvents.seq, due)).returning();
    return rows.sort((a, b) => a.seq - b.seq).map(toDomainEvent);
  }

  async function dispatch(event: DomainEvent): Promise<boolean> {
    try {
      for (const handler of handlers) await handler(event);
      await db.update(outboxEvents).set({ dispatchedAt: new Date(), lastError: null }).where(eq(outboxEvents.seq, event.seq));
      return true;
    } catch (error) {
      const [row] = await db.select({ attempts: outboxEvents.attempts }).from(outboxEvents).where(eq(outboxEvents.seq, event.seq));
      const attempts = (row?.attempts ?? 0) + 1;
      await db
        .update(outboxEvents)
        .set({ attempts, availableAt: new Date(Date.now() + backoffMs(attempts)), lastError: error instanceof Error ? error.message.slice(0, 500) : 'handler failed' })
        .where(eq(outboxEvents.seq, event.seq));
      onError(error);
      return false;
    }
  }

  async function runOnce(): Promise<number> {
    const events = await claim();
    for (const event of events) await dispatch(event);
    return events.length;
  }

  // A full batch means more may be waiting: go again at once.
  const loop = pollLoop({ pollMs, round: async () => (await runOnce()) >= batchSize, onError });
  let started = false;

  return {
    addHandler: (handler) => void handlers.push(handler),
    runOnce,
    wake: loop.wake,
    async start() {
      if (started) return;
      started = true;
      if (options.listen) {
        // Listening again after a lost connection may have missed notifications: look then too.
        const listener = await options.listen('outbox_events', { notified: loop.wake, listening: loop.wake, lost: () => {} });
        unlisten = () => listener.stop();
      }
      loop.start();
    },
    async stop() {
      started = false;
      await loop.stop();
      await unlisten?.();
      unlisten = null;
    },
  };
}
