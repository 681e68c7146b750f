// The transactional outbox: governance writes commit their events with the change (and a refusal
// commits none); dispatchers on one database hand every event out once, wake on NOTIFY, retry a
// failed handler with the same event id, and take over an event whose dispatcher died.
import { randomUUID } from 'node:crypto';
import { eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairings } from '../../server/db/schema/access.js';
import { outboxEvents } from '../../server/db/schema/events.js';
import type { DomainEvent } from '../../server/domain/events/catalogue.js';
import { recordEvents } from '../../server/domain/events/outbox.js';
import { createDispatcher } from '../../server/events/dispatcher.js';
import { availableBackends } from '../support/backends.js';
import { addPerson, apply, transition } from '../support/governance.js';
import { createSupplierApp } from '../support/supplier-app.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ENABLE = `mutation($c: String!, $s: [String!]!) { enableApp(clientId: $c, scopes: $s) { __typename ... on Error { code } } }`;

describe.each(await availableBackends())('outbox (%s)', (backend) => {
  let app: TestApp;
  const events = () => app.database.db.select().from(outboxEvents).orderBy(outboxEvents.seq);
  const clear = () => app.database.db.delete(outboxEvents);

  beforeAll(async () => {
    app = await startTestApp(backend, { env: { EVENTS_DISPATCHER: 'false' } });
  });
  afterAll(() => app?.close());

  it('a pipeline transition commits pipeline.stage_changed; a refused one commits nothing', async () => {
    await clear();
    const developer = await addPerson(app, 'dev.outbox', 'SUPPLIER_DEVELOPER');
    const reviewer = await app.tokenFor('reviewer');
    const applied = await apply(app, developer);
    const pairing = applied.pairings[0]!;
    expect((await transition(app, reviewer, pairing.id, 'LIVE')).__typename).toBe('InvalidTransition');
    expect(await events()).toHaveLength(0);
    expect((await transition(app, reviewer, pairing.id, 'PREREQUISITES_MET', 'Evidence checked')).__typename).toBe('Pairing');
    const [event, ...rest] = await events();
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({ type: 'pipeline.stage_changed', supplierId: applied.id, dispatchedAt: null });
    expect(event!.data).toMatchObject({ pairingId: pairing.id, from: 'APPLIED', to: 'PREREQUISITES_MET', reason: 'Evidence checked' });
    expect(event!.id).toMatch(/^evt_[0-9a-f]{32}$/);
  });

  it('enabling and disabling an app commit enablement.changed; enabling an unknown app commits nothing', async () => {
    await clear();
    const admin = await app.tokenFor('admin.Z91001');
    expect((await app.gql<{ enableApp: { code: string } }>(ENABLE, { c: 'app-unknown', s: [] }, admin)).data!.enableApp.code).toBe('NOT_FOUND');
    expect(await events()).toHaveLength(0);
    const supplierApp = await createSupplierApp(app.database.db, { granted: ['patient/Patient.rs'] });
    await app.database.db.insert(pairings).values({ id: randomUUID(), supplierId: supplierApp.supplierId, systemId: 'EMIS_WEB', stage: 'UNSUPPORTED_TEST' });
    expect((await app.gql<{ enableApp: { __typename: string } }>(ENABLE, { c: supplierApp.appId, s: ['patient/Patient.rs'] }, admin)).data!.enableApp.__typename).toBe('Enablement');
    await app.gql('mutation($c: String!) { disableApp(clientId: $c) { __typename } }', { c: supplierApp.appId }, admin);
    const rows = await events();
    expect(rows.map((r) => [r.type, r.practiceOds, r.appId, r.supplierId, (r.data as { active: boolean }).active])).toEqual([
      ['enablement.changed', 'Z91001', supplierApp.appId, supplierApp.supplierId, true],
      ['enablement.changed', 'Z91001', supplierApp.appId, supplierApp.supplierId, false],
    ]);
  });

  it('two dispatchers racing over one outbox hand every event out exactly once', async () => {
    await clear();
    const inputs = Array.from({ length: 120 }, (_, i) => ({ type: 'appointment.booked' as const, practiceOds: 'Z91001', data: { n: i }, requestId: `r${i}` }));
    const committed = await app.database.db.transaction((tx) => recordEvents(tx, inputs));
    const seen: string[] = [];
    const handler = async (e: DomainEvent) => void seen.push(e.id);
    const a = createDispatcher({ db: app.database.db, handlers: [handler], batchSize: 7 });
    const b = createDispatcher({ db: app.database.db, handlers: [handler], batchSize: 7 });
    const drain = async (d: typeof a) => {
      while ((await d.runOnce()) > 0);
    };
    await Promise.all([drain(a), drain(b), drain(a), drain(b)]);
    expect(seen.sort()).toEqual(committed.map((e) => e.id).sort());
    expect(await app.database.db.select().from(outboxEvents).where(isNull(outboxEvents.dispatchedAt))).toHaveLength(0);
  });

  it('a failing handler leaves the event pending with the error, and the retry carries the same id', async () => {
    await clear();
    const [event] = await recordEvents(app.database.db, [{ type: 'appointment.cancelled', practiceOds: 'Z91001', data: {}, requestId: 'r' }]);
    let calls = 0;
    const received: string[] = [];
    const dispatcher = createDispatcher({
      db: app.database.db,
      onError: () => {},
      handlers: [
        async (e) => {
          calls += 1;
          if (calls === 1) throw new Error('receiver down');
          received.push(e.id);
        },
      ],
    });
    expect(await dispatcher.runOnce()).toBe(1);
    const [pending] = await events();
    expect(pending).toMatchObject({ dispatchedAt: null, attempts: 1, lastError: 'receiver down' });
    expect(await dispatcher.runOnce()).toBe(0); // backing off
    await app.database.db.update(outboxEvents).set({ availableAt: new Date(0) }).where(eq(outboxEvents.id, event!.id));
    expect(await dispatcher.runOnce()).toBe(1);
    expect(received).toEqual([event!.id]);
    expect((await events())[0]!.dispatchedAt).not.toBeNull();
  });

  it('an event whose dispatcher died mid-dispatch is taken over, with the same id, when its lease runs out', async () => {
    await clear();
    const [event] = await recordEvents(app.database.db, [{ type: 'appointment.amended', practiceOds: 'Z91001', data: {}, requestId: 'r' }]);
    const stuck = createDispatcher({ db: app.database.db, leaseMs: 200, handlers: [() => new Promise<void>(() => {})] });
    void stuck.runOnce(); // never finishes: it stands for a process killed after claiming
    const received: string[] = [];
    const rescuer = createDispatcher({ db: app.database.db, handlers: [async (e) => void received.push(e.id)] });
    while (received.length === 0) {
      await rescuer.runOnce();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(received).toEqual([event!.id]);
  });

  it('a dispatcher that polls once an hour still wakes for a commit (LISTEN/NOTIFY)', async () => {
    await clear();
    const received: string[] = [];
    const dispatcher = createDispatcher({ db: app.database.db, listen: app.database.listen, pollMs: 3_600_000, handlers: [async (e) => void received.push(e.id)] });
    await dispatcher.start();
    await new Promise((r) => setTimeout(r, 50)); // let the first (empty) claim finish and the loop go idle
    const [event] = await app.database.db.transaction((tx) => recordEvents(tx, [{ type: 'document.filed', practiceOds: 'Z91001', data: {}, requestId: 'r' }]));
    while (received.length === 0) await new Promise((r) => setTimeout(r, 20));
    await dispatcher.stop();
    expect(received).toEqual([event!.id]);
  });
});
