// The plugin lifecycle through the API on both back ends: bad submissions refused with nothing
// stored, review, practice enablement and upgrade, manual runs with effects applied and audited
// under the run id, a run held to its practice and grant, and disabling that takes effect at once.
import { createHash } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairings } from '../../server/db/schema/access.js';
import { auditEvents } from '../../server/db/schema/audit.js';
import { documents } from '../../server/db/schema/events.js';
import { practices } from '../../server/db/schema/governance.js';
import { pluginRuns, pluginVersions, practiceTasks } from '../../server/db/schema/plugins.js';
import { sbAppointments } from '../../server/db/schema/sandbox.js';
import { createPluginHost } from '../../server/plugins/host.js';
import { availableBackends } from '../support/backends.js';
import { transition } from '../support/governance.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { disable, enable, examplePlugin, firstPatients, live, nodesOf, pluginSupplier, publish, review, runNow, upgrade, type Connection, type PluginPeople } from './support.js';

const medicationReview = examplePlugin('medication-review');
const taskFor = (nhsNumber: string, title = 'Call the patient') => `export default { run() { return [{ kind: 'practice-task.create', nhsNumber: '${nhsNumber}', title: '${title}' }]; } };`;
const simpleManifest = (name: string, scopes = ['patient/Patient.rs', 'system/Task.c']) => ({
  name,
  version: '1.0.0',
  description: 'A test plugin.',
  triggers: [{ kind: 'manual' }],
  scopes,
  effects: ['practice-task.create'],
  limits: { timeoutMs: 2000 },
});

describe.each(await availableBackends())('plugin lifecycle (%s)', (backend) => {
  let app: TestApp;
  let people: PluginPeople;
  let ownPatients: string[];
  let otherPatients: string[];

  beforeAll(async () => {
    app = await startTestApp(backend, { patients: 40 });
    people = await pluginSupplier(app);
    ownPatients = await firstPatients(app, 'Z91001', people.clinician);
    otherPatients = await firstPatients(app, 'Z91002', people.otherClinician);
  });
  afterAll(() => app.close());

  const versionCount = async () => (await app.database.db.select().from(pluginVersions)).length;
  const tasksAt = (ods: string) => app.database.db.select().from(practiceTasks).where(eq(practiceTasks.practiceOds, ods));

  it('refuses bad submissions with typed errors and stores nothing', async () => {
    const before = await versionCount();
    const ok = simpleManifest('bad-input-probe');
    const cases: Array<[string, unknown, string]> = [
      ['INVALID_MANIFEST', { name: 'x' }, 'export default { run() { return []; } };'],
      ['INVALID_MANIFEST', { ...ok, version: 'one' }, 'export default { run() { return []; } };'],
      ['INVALID_MANIFEST', { ...ok, limits: { timeoutMs: 60_000 } }, 'export default { run() { return []; } };'],
      ['INVALID_MANIFEST', { ...ok, triggers: [{ kind: 'schedule', cron: 'every day at six' }] }, 'export default { run() { return []; } };'],
      ['INVALID_MANIFEST', { ...ok, scopes: ['patient/Patient.rs'] }, 'export default { run() { return []; } };'],
      ['BUNDLE_TOO_LARGE', ok, `// ${'x'.repeat(70 * 1024)}\nexport default { run() { return []; } };`],
      ['BUNDLE_SYNTAX_ERROR', ok, 'export default { run() { return [ } };'],
      ['INVALID_INPUT_QUERY', { ...ok, input: { query: '{ noSuchField }' } }, 'export default { run() { return []; } };'],
      ['INVALID_INPUT_QUERY', { ...ok, input: { query: 'mutation { disablePlugin(name: "x") { __typename } }' } }, 'export default { run() { return []; } };'],
      ['SCOPE_NOT_GRANTED', { ...ok, scopes: [...ok.scopes, 'patient/Condition.rs'] }, 'export default { run() { return []; } };'],
    ];
    for (const [code, manifest, bundle] of cases) {
      expect(await publish(app, people.developer, manifest, bundle), code).toMatchObject({ __typename: 'ActionRefused', code });
    }
    expect(await versionCount()).toBe(before);
  });

  it('stores a version immutably with its hash; NHS England approves or rejects it with a reason', async () => {
    const first = await publish(app, people.developer, medicationReview.manifest, medicationReview.bundle);
    expect(first).toMatchObject({
      __typename: 'PluginVersion',
      name: 'medication-review',
      version: '1.0.0',
      status: 'SUBMITTED',
      bundleSha256: createHash('sha256').update(medicationReview.bundle).digest('hex'),
      bundleBytes: Buffer.byteLength(medicationReview.bundle),
    });
    expect(await publish(app, people.developer, medicationReview.manifest, `${medicationReview.bundle}\n// changed`)).toMatchObject({ code: 'VERSION_EXISTS' });
    expect(await enable(app, people.admin, first.id as string, ['patient/Patient.rs'])).toMatchObject({ code: 'VERSION_NOT_APPROVED' });

    const queue = await app.gql<{ pluginVersions: Connection<{ id: string; source: string; scopes: string[]; inputQuery: string }> }>(
      '{ pluginVersions(status: SUBMITTED) { edges { node { id source scopes inputQuery } } } }',
      {},
      people.reviewer,
    );
    expect(nodesOf(queue.data!.pluginVersions)).toContainEqual({ id: first.id, source: medicationReview.bundle, scopes: medicationReview.manifest.scopes, inputQuery: expect.stringContaining('medications') });
    expect(await review(app, people.reviewer, first.id as string, true, 'Reads only what it needs.')).toMatchObject({ status: 'APPROVED', reviewReason: 'Reads only what it needs.' });
    expect(await review(app, people.reviewer, first.id as string, false, 'Second thoughts.')).toMatchObject({ code: 'ALREADY_REVIEWED' });

    const rejected = await publish(app, people.developer, { ...medicationReview.manifest, version: '1.0.1' }, medicationReview.bundle);
    expect(await review(app, people.reviewer, rejected.id as string, false, 'Logs patient names.')).toMatchObject({ status: 'REJECTED' });
    expect(await enable(app, people.admin, rejected.id as string, ['patient/Patient.rs'])).toMatchObject({ code: 'VERSION_NOT_APPROVED' });
    expect(await enable(app, people.admin, first.id as string, ['patient/Patient.rs', 'patient/AllergyIntolerance.rs'])).toMatchObject({ code: 'SCOPE_NOT_REQUESTED' });
  });

  it('runs an enabled plugin for the practice: input through the API, tasks applied and audited under the run id', async () => {
    const [version] = await app.database.db.select().from(pluginVersions).where(eq(pluginVersions.version, '1.0.0'));
    expect(await enable(app, people.admin, version!.id, medicationReview.manifest.scopes as string[])).toMatchObject({ __typename: 'PluginEnablement', active: true });
    const run = await runNow(app, people.admin, 'medication-review');
    expect(run).toMatchObject({ __typename: 'PluginRun', outcome: 'OK', error: null });
    expect(run.effectsApplied).toBeGreaterThan(0);
    expect(run.logs).toEqual([expect.stringMatching(/^\d+ patients checked, \d+ due for a medication review$/)]);

    const worklist = await app.gql<{ practiceTasks: Array<{ id: string; nhsNumber: string; title: string; createdByRun: string; status: string }> }>(
      '{ practiceTasks(status: OPEN) { id nhsNumber title createdByRun status } }',
      {},
      people.clinician,
    );
    const created = worklist.data!.practiceTasks.filter((t) => t.createdByRun === run.id);
    expect(created).toHaveLength(run.effectsApplied as number);
    expect(created.every((t) => t.title === 'Medication review due')).toBe(true);
    const registered = await firstPatients(app, 'Z91001', people.clinician, 100);
    expect(created.every((t) => registered.includes(t.nhsNumber))).toBe(true);

    const audit = await app.database.db.select().from(auditEvents).where(eq(auditEvents.requestId, run.id as string));
    const operations = new Set(audit.map((e) => e.operation));
    expect(operations).toEqual(new Set(['LIST_PATIENTS', 'READ_PATIENT_RECORD', 'RUN_PLUGIN', 'CREATE_PRACTICE_TASK']));
    expect(audit.every((e) => e.actorKind === 'PLUGIN_RUN' && e.actorId === run.id && e.practiceOds === 'Z91001')).toBe(true);
    expect(audit.filter((e) => e.operation === 'CREATE_PRACTICE_TASK')).toHaveLength(run.effectsApplied as number);

    // Practice staff close tasks; another practice cannot touch them.
    const close = 'mutation($t: String!) { closePracticeTask(taskId: $t) { __typename ... on Error { code } ... on PracticeTask { status } } }';
    expect((await app.gql<{ closePracticeTask: unknown }>(close, { t: created[0]!.id }, people.otherClinician)).data!.closePracticeTask).toMatchObject({ code: 'NOT_FOUND' });
    expect((await app.gql<{ closePracticeTask: unknown }>(close, { t: created[0]!.id }, people.clinician)).data!.closePracticeTask).toMatchObject({ status: 'DONE' });

    // The supplier sees its run with logs and input: Z91001 is a sandbox practice.
    const mine = await app.gql<{ myPluginRuns: Connection<{ id: string; outcome: string; logs: string[] | null; input: unknown }> }>('{ myPluginRuns { edges { node { id outcome logs input } } } }', {}, people.developer);
    expect(nodesOf(mine.data!.myPluginRuns).find((r) => r.id === run.id)).toMatchObject({ outcome: 'OK', logs: run.logs, input: { practice: expect.any(Object) } });
  });

  it('holds a run to its practice and its grant: other practices, missing scopes and ungranted sections are refused', async () => {
    const tasksBefore = (await tasksAt('Z91001')).length + (await tasksAt('Z91002')).length;
    await live(app, people, simpleManifest('cross-practice'), taskFor(otherPatients[0]!));
    expect(await runNow(app, people.admin, 'cross-practice')).toMatchObject({ outcome: 'EFFECTS_REFUSED', effectsApplied: 0, error: expect.stringContaining('not registered at Z91001') });

    await live(app, people, simpleManifest('no-task-grant'), taskFor(ownPatients[0]!), ['patient/Patient.rs']);
    expect(await runNow(app, people.admin, 'no-task-grant')).toMatchObject({ outcome: 'EFFECTS_REFUSED', error: expect.stringContaining('needs scope system/Task.c') });

    const undeclared = { ...simpleManifest('undeclared-effect'), effects: [] };
    await live(app, people, undeclared, taskFor(ownPatients[0]!));
    expect(await runNow(app, people.admin, 'undeclared-effect')).toMatchObject({ outcome: 'EFFECTS_REFUSED', error: expect.stringContaining('not declared') });

    // The practice withholds medications: the input query is refused by the permission map.
    const [version] = await app.database.db.select().from(pluginVersions).where(eq(pluginVersions.version, '1.0.0'));
    await enable(app, people.admin, version!.id, ['patient/Patient.rs', 'system/Task.c']);
    const refused = await runNow(app, people.admin, 'medication-review');
    expect(refused).toMatchObject({ outcome: 'ERROR', effectsApplied: 0, error: expect.stringContaining('FORBIDDEN') });
    const audit = await app.database.db.select().from(auditEvents).where(eq(auditEvents.requestId, refused.id as string));
    expect(audit.some((e) => e.operation === 'READ_PATIENT_RECORD' && e.outcome === 'REFUSED' && e.actorKind === 'PLUGIN_RUN')).toBe(true);

    expect((await tasksAt('Z91001')).length + (await tasksAt('Z91002')).length).toBe(tasksBefore);
  });

  it('disables at once: a run in flight has its effects refused, later runs do not start', async () => {
    const probe = { ...simpleManifest('disable-probe'), input: { query: 'query Probe($odsCode: String!) { practice(odsCode: $odsCode) { __typename } }' } };
    await live(app, people, probe, taskFor(ownPatients[1]!));
    let disabledMidRun = false;
    const tasksBefore = (await tasksAt('Z91001')).length;
    // The practice disables the plugin while its run is between the input query and the sandbox.
    const host = createPluginHost({
      db: app.database.db,
      tokens: app.api.plugins.tokens,
      threads: 1,
      api: async (request) => {
        const response = await app.api.yoga.fetch(request);
        disabledMidRun = (await disable(app, people.admin, 'disable-probe')).active === false;
        return response;
      },
    });
    try {
      const run = await host.run('Z91001', 'disable-probe', { kind: 'manual', by: 'test' });
      expect(disabledMidRun).toBe(true);
      expect(run).toMatchObject({ outcome: 'DISABLED', effectsApplied: 0 });
    } finally {
      await host.close();
    }
    expect((await tasksAt('Z91001')).length).toBe(tasksBefore);
    expect(await runNow(app, people.admin, 'disable-probe')).toMatchObject({ code: 'PLUGIN_NOT_ENABLED' });
  });

  it('upgrades in one step with the same or fewer scopes; more scopes need consent again', async () => {
    const [v1] = await app.database.db.select().from(pluginVersions).where(eq(pluginVersions.version, '1.0.0'));
    await enable(app, people.admin, v1!.id, medicationReview.manifest.scopes as string[]);
    const same = await publish(app, people.developer, { ...medicationReview.manifest, version: '1.1.0' }, medicationReview.bundle);
    await review(app, people.reviewer, same.id as string, true);
    expect(await upgrade(app, people.admin, same.id as string)).toMatchObject({ __typename: 'PluginEnablement', version: { version: '1.1.0' } });

    const scopes = [...(medicationReview.manifest.scopes as string[]), 'patient/AllergyIntolerance.rs'];
    const more = await publish(app, people.developer, { ...medicationReview.manifest, version: '2.0.0', scopes }, medicationReview.bundle);
    await review(app, people.reviewer, more.id as string, true);
    expect(await upgrade(app, people.admin, more.id as string)).toMatchObject({ code: 'CONSENT_REQUIRED' });
    expect(await enable(app, people.admin, more.id as string, scopes)).toMatchObject({ __typename: 'PluginEnablement', version: { version: '2.0.0' }, scopes });
  });

  it('runs each scheduled fire once however many replicas tick, and each event once however often it is delivered', async () => {
    const runsOf = async (name: string) =>
      (await app.database.db.select({ id: pluginRuns.id }).from(pluginRuns).innerJoin(pluginVersions, eq(pluginVersions.id, pluginRuns.versionId)).where(eq(pluginVersions.name, name))).length;
    const before = await runsOf('medication-review');
    const second = createPluginHost({ db: app.database.db, api: (r) => app.api.yoga.fetch(r), tokens: app.api.plugins.tokens, threads: 1 });
    const { createPluginScheduler } = await import('../../server/plugins/scheduler.js');
    const replicas = [app.api.plugins.scheduler, createPluginScheduler(app.database.db, second, { start: false })];
    try {
      const sixAm = new Date('2026-12-02T06:00:20Z');
      const started = await Promise.all(replicas.map((r) => r.tick(sixAm)));
      expect(started.reduce((a, b) => a + b, 0)).toBe(1);
      expect(await runsOf('medication-review')).toBe(before + 1);
      expect(await Promise.all(replicas.map((r) => r.tick(new Date('2026-12-02T06:01:00Z'))))).toEqual([0, 0]);
      expect(await Promise.all(replicas.map((r) => r.tick(sixAm)))).toEqual([0, 0]);
    } finally {
      await second.close();
    }

    const followUp = examplePlugin('appointment-follow-up');
    await live(app, people, followUp.manifest, followUp.bundle);
    // A booking made a week from now (as the booking mutation would store it), and its event.
    const booked = { nhsNumber: ownPatients[2]!, id: 'apt-plugin-test-1' };
    const start = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    await app.database.db.insert(sbAppointments).values({
      id: booked.id, slotId: 'slot-plugin-test-1', nhsNumber: booked.nhsNumber, practiceOds: 'Z91001',
      start, end: new Date(start.getTime() + 15 * 60_000), status: 'BOOKED', createdAt: new Date(),
    });
    const event = { id: 'evt_test_1', type: 'appointment.booked', practiceOds: 'Z91001', subject: { nhsNumber: booked.nhsNumber, appointmentId: booked.id } };
    const runs = await app.api.plugins.handleDomainEvent(event);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ outcome: 'OK', effectsApplied: 2 });
    const [task] = await app.database.db.select().from(practiceTasks).where(eq(practiceTasks.createdByRun, runs[0]!.id));
    expect(task).toMatchObject({ nhsNumber: booked.nhsNumber, title: 'Send pre-appointment questionnaire', dueDate: new Date(start.getTime() - 24 * 3600 * 1000).toISOString().slice(0, 10) });
    // The questionnaire waits in the practice's review queue, sent by the run.
    const [questionnaire] = await app.database.db.select().from(documents).where(eq(documents.sentBy, runs[0]!.id));
    expect(questionnaire).toMatchObject({ practiceOds: 'Z91001', nhsNumber: booked.nhsNumber, status: 'AWAITING_REVIEW', contentType: 'PLAIN_TEXT' });
    expect(questionnaire!.title).toMatch(/^Pre-appointment questionnaire for \d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(Buffer.from(questionnaire!.content).toString('utf8')).toContain('Answering these questions before you come');
    expect(await app.api.plugins.handleDomainEvent(event)).toEqual([]);
    expect(await app.api.plugins.handleDomainEvent({ ...event, id: 'evt_test_2', practiceOds: 'Z91002' })).toEqual([]);
    const audited = await app.database.db.select().from(auditEvents).where(inArray(auditEvents.requestId, [runs[0]!.id]));
    expect(audited.map((e) => e.operation)).toContain('READ_PATIENT_RECORD');
  });

  it('shows the supplier outcomes everywhere but logs and input only at sandbox practices', async () => {
    // Z91002 plays a real practice; the supplier's EMIS Web pairing goes live.
    await app.database.db.update(practices).set({ isSandbox: false }).where(eq(practices.odsCode, 'Z91002'));
    const [pairing] = await app.database.db.select().from(pairings).where(eq(pairings.supplierId, people.supplierId));
    for (const stage of ['SUPPORTED_TEST', 'ASSURED', 'LIVE'] as const) expect(await transition(app, people.reviewer, pairing!.id, stage)).toMatchObject({ stage });
    const [v1] = await app.database.db.select().from(pluginVersions).where(eq(pluginVersions.version, '1.0.0'));
    const otherAdmin = await app.tokenFor('admin.Z91002');
    expect(await enable(app, otherAdmin, v1!.id, medicationReview.manifest.scopes as string[])).toMatchObject({ active: true });
    const real = await runNow(app, otherAdmin, 'medication-review');
    expect(real).toMatchObject({ outcome: 'OK', logs: [expect.any(String)] });

    const practiceView = await app.gql<{ practicePluginRuns: Connection<{ id: string; logs: string[] | null; input: unknown }> }>('{ practicePluginRuns { edges { node { id logs input } } } }', {}, otherAdmin);
    expect(nodesOf(practiceView.data!.practicePluginRuns).find((r) => r.id === real.id)).toMatchObject({ logs: real.logs, input: { practice: expect.any(Object) } });
    const supplierView = await app.gql<{ myPluginRuns: Connection<{ id: string; practiceOdsCode: string; outcome: string; logs: string[] | null; input: unknown }> }>(
      '{ myPluginRuns(first: 100) { edges { node { id practiceOdsCode outcome logs input } } } }',
      {},
      people.developer,
    );
    expect(nodesOf(supplierView.data!.myPluginRuns).find((r) => r.id === real.id)).toEqual({ id: real.id, practiceOdsCode: 'Z91002', outcome: 'OK', logs: null, input: null });
    expect(nodesOf(supplierView.data!.myPluginRuns).filter((r) => r.practiceOdsCode === 'Z91001').every((r) => r.logs !== null)).toBe(true);
    // Z91001's staff never see another practice's runs.
    const own = await app.gql<{ practicePluginRuns: Connection<{ id: string }> }>('{ practicePluginRuns(first: 100) { edges { node { id } } } }', {}, people.admin);
    expect(nodesOf(own.data!.practicePluginRuns).map((r) => r.id)).not.toContain(real.id);

    // Every list pages as a Relay connection: two at a time, newest first, nothing seen twice.
    const pageOf = async (after: string | null) =>
      (await app.gql<{ practicePluginRuns: Connection<{ id: string }> }>('query($a: String) { practicePluginRuns(first: 2, after: $a) { edges { node { id } } pageInfo { hasNextPage endCursor } } }', { a: after }, people.admin)).data!.practicePluginRuns;
    const paged: string[] = [];
    for (let after: string | null = null, more = true; more; ) {
      const page: Connection<{ id: string }> = await pageOf(after);
      paged.push(...nodesOf(page).map((r) => r.id));
      more = page.pageInfo!.hasNextPage;
      after = page.pageInfo!.endCursor;
    }
    const all = nodesOf(own.data!.practicePluginRuns).map((r) => r.id);
    expect(paged).toEqual(all);
    expect([...all].sort().reverse()).toEqual(all);
    const plugins = await app.gql<{ practicePlugins: Connection<{ pluginName: string }> }>('{ practicePlugins(first: 3) { edges { node { pluginName } } pageInfo { hasNextPage } } }', {}, people.admin);
    const names = nodesOf(plugins.data!.practicePlugins).map((p) => p.pluginName);
    expect(names).toEqual([...names].sort());
    expect(plugins.data!.practicePlugins.pageInfo!.hasNextPage).toBe(true);
  });
});
