// What NHS England and the practices decided about each supplier app (app status, pairing stages,
// granted scopes, enablements), and where each patient is registered (which decides whose
// enablement and clinical system apply), kept in memory between requests so a record request does
// not re-read them. They change only through governance writes and registration changes, and every
// such write notifies the database channel `access_facts_changed` (triggers in the 0002 and 0007
// migrations) when it commits; every API process listens and drops everything it holds. Each app
// request (and each lookup of a remembered registration) first makes one round trip on the
// listening connection (shared by concurrent requests, no table read), so every notification
// committed before the request began has arrived: no request is served from facts older than its
// own start. While a process is not listening (starting, or its listening connection is lost) it
// caches nothing and reads the facts on every request.
// A mutation that changes them needs nothing more: its notification is committed before its
// response, so the caller's next request (on any process) catches up with it. Other mutations
// (bookings, documents, tasks) leave what is remembered alone.
import type { ChannelHandlers, Database, Db } from '../db/client.js';
import type { AppFacts, EnablementFacts } from '../domain/access.js';
import { enablementsOfApp, loadAppFacts } from '../domain/governance/enablements.js';
import { registeredPractices, type PracticeRecord } from '../domain/practices.js';

export const ACCESS_FACTS_CHANNEL = 'access_facts_changed';
/** Apps (and apps' enablements) remembered; beyond this the oldest are dropped. */
const MAX_ENTRIES = 10_000;
/** Patients' registrations remembered (per caller); beyond this the oldest are dropped. */
const MAX_REGISTRATIONS = 50_000;

export interface AccessFacts {
  /**
   * The app's facts, once every notification committed before the call (or before `since`, a
   * `performance.now()` time such as the request's start) has arrived: a request catches up once,
   * not at every permission check.
   */
  app(appId: string, since?: number): Promise<AppFacts | null>;
  /** Every enablement of the app, by practice (one read, whichever practice is asked about). */
  enablements(appId: string): Promise<ReadonlyMap<string, EnablementFacts>>;
  /**
   * Each number's registered practice (numbers with none are missing), caught up as `app` is: one
   * read for the numbers this caller (its callerKey; null: nothing remembered) has not asked for
   * before. Each caller has its own: how fast a lookup is answered must not tell one caller which
   * numbers another has asked for.
   */
  registrations(caller: string | null, nhsNumbers: readonly string[], since?: number): Promise<Map<string, PracticeRecord>>;
  close(): Promise<void>;
}

function boundedSet<V>(map: Map<string, V>, key: string, value: V, max = MAX_ENTRIES): V {
  if (map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
  return value;
}

export async function openAccessFacts(database: Pick<Database, 'db' | 'listen'>): Promise<AccessFacts> {
  const db: Db = database.db;
  const apps = new Map<string, Promise<AppFacts | null>>();
  const enablements = new Map<string, Promise<ReadonlyMap<string, EnablementFacts>>>();
  const registered = new Map<string, Promise<PracticeRecord | null>>();
  let listening = false;

  const clear = () => {
    apps.clear();
    enablements.clear();
    registered.clear();
  };
  const handlers: ChannelHandlers = {
    notified: clear,
    listening: () => {
      clear(); // whatever changed while not listening went unheard
      listening = true;
    },
    lost: () => {
      listening = false;
      clear();
    },
  };
  const listener = await database.listen(ACCESS_FACTS_CHANNEL, handlers);

  /** A read that fails is not remembered, so the next request tries again. */
  function cached<V>(map: Map<string, Promise<V>>, key: string, load: () => Promise<V>): Promise<V> {
    if (!listening) return load();
    const known = map.get(key);
    if (known) return known;
    const loading = load();
    loading.catch(() => map.get(key) === loading && map.delete(key));
    return boundedSet(map, key, loading);
  }

  return {
    // Asked first in every app request (the bearer check): catching up with the notifications
    // committed before the request makes a change made anywhere visible to it, not merely soon.
    app: async (appId, since) => {
      if (listening) await listener.caughtUp(since).catch(() => clear());
      return cached(apps, appId, () => loadAppFacts(db, appId));
    },
    enablements: (appId) => cached(enablements, appId, () => enablementsOfApp(db, appId)),
    registrations: async (caller, nhsNumbers, since) => {
      if (!listening || caller === null) return registeredPractices(db, nhsNumbers);
      await listener.caughtUp(since).catch(() => clear());
      const keyOf = (n: string) => `${caller}|${n}`;
      const missing = nhsNumbers.filter((n) => !registered.has(keyOf(n)));
      const loading = missing.length > 0 ? registeredPractices(db, missing) : null;
      const answers = await Promise.all(
        nhsNumbers.map((n) => {
          const key = keyOf(n);
          const known = registered.get(key);
          if (known || !loading) return known ?? null;
          // A read that fails is not remembered, so the next request tries again.
          const one = loading.then((found) => found.get(n) ?? null);
          one.catch(() => registered.get(key) === one && registered.delete(key));
          return boundedSet(registered, key, one, MAX_REGISTRATIONS);
        }),
      );
      const found = new Map<string, PracticeRecord>();
      nhsNumbers.forEach((n, i) => answers[i] && found.set(n, answers[i]));
      return found;
    },
    close: () => listener.stop(),
  };
}
