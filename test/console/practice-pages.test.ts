// The practice pages over HTTP, as a practice admin and a clinician use them in a browser: signed
// in through the development sign-in, every form posted with the page's CSRF token, checked by
// what a person would see (and by the API, for what changed). On both back ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/backends.js';
import { enabledApps } from '../support/booking.js';
import { addPerson, apply, grant, transition } from '../support/governance.js';
import { appKey } from '../support/supplier-app.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { DOCUMENT_SCOPES, PDF, TEXT, send } from '../documents/support.js';
import { examplePlugin, pluginSupplier, publish, review, type PluginPeople } from '../plugins/support.js';
import { ConsoleClient, csrfOf, textOf } from './support/console-client.js';

const medicationReview = examplePlugin('medication-review');

describe.each(await availableBackends())('practice console pages (%s)', (backend) => {
  let app: TestApp;
  let clientId: string;
  let admin: ConsoleClient;
  let clinician: ConsoleClient;
  let people: PluginPeople;

  const enablementsAt = async (person: string) =>
    (await app.gql<{ practiceEnablements: Array<{ app: { clientId: string }; active: boolean; scopes: string[] }> }>('{ practiceEnablements { app { clientId } active scopes } }', {}, await app.tokenFor(person))).data!
      .practiceEnablements;
  const signedIn = async (person: string) => {
    const browser = new ConsoleClient(app);
    await browser.signIn(person);
    return browser;
  };
  /** Posts a form the way the page's own form would: with the CSRF token the page carries. */
  const submit = async (browser: ConsoleClient, pagePath: string, action: string, fields: Record<string, string | string[]> = {}) => {
    const form = await browser.get(pagePath);
    expect(form.status, `${pagePath} should open`).toBe(200);
    return browser.post(action, { _csrf: csrfOf(form.html), ...fields });
  };
  const follow = async (browser: ConsoleClient, posted: { status: number; location: string | null }) => {
    expect(posted.status).toBe(303);
    return browser.get(posted.location!);
  };

  beforeAll(async () => {
    app = await startTestApp(backend);
    const reviewer = await app.tokenFor('reviewer');
    const developer = await addPerson(app, 'dev.console-pages', 'SUPPLIER_DEVELOPER');
    const applied = await apply(app, developer);
    const key = await appKey('ES384');
    const registered = await app.gql<{ registerClientApp: { clientId: string } }>(
      'mutation($j: JSON!) { registerClientApp(name: "Acme Reconcile", jwks: $j) { ... on ClientApp { clientId } } }',
      { j: { keys: [key.publicJwk] } },
      developer,
    );
    clientId = registered.data!.registerClientApp.clientId;
    const emis = applied.pairings.find((p) => p.system.id === 'EMIS_WEB')!.id;
    await transition(app, reviewer, emis, 'PREREQUISITES_MET');
    await transition(app, reviewer, emis, 'UNSUPPORTED_TEST');
    await grant(app, reviewer, applied.id, ['patient/Patient.rs', 'patient/AllergyIntolerance.rs']);
    people = await pluginSupplier(app);
    admin = await signedIn('admin.Z91001');
    clinician = await signedIn('clinician.Z91001');
  });
  afterAll(() => app?.close());

  describe('apps', () => {
    it('offers the approved app in plain English with each permission code beside; a clinician sees it without the switches', async () => {
      const list = await admin.get('/console/practice/apps');
      expect(list.status).toBe(200);
      const text = textOf(list.html);
      expect(text).toContain('Available to switch on');
      expect(text).toContain('Acme Reconcile');
      expect(text).toContain('Acme Health Ltd');
      expect(text).toContain('Read and search allergies patient/AllergyIntolerance.rs');
      expect(text).toContain('No apps are switched on at your practice.');

      const detail = await admin.get(`/console/practice/apps/${clientId}`);
      expect(detail.html).toMatch(/<fieldset class="nhsuk-fieldset"[^>]*>\s*<legend[^>]*>Which permissions do you allow this app\?<\/legend>/);
      expect(detail.html).toMatch(/<input class="nhsuk-checkboxes__input" id="field-scopes-2" name="scopes" type="checkbox" value="patient\/AllergyIntolerance.rs" aria-describedby="field-scopes-2-hint">\s*<label class="nhsuk-label nhsuk-checkboxes__label" for="field-scopes-2">Read and search allergies<\/label>/);
      expect(detail.html).not.toContain('value="patient/MedicationStatement.rs"'); // requested, never granted

      const asClinician = await clinician.get(`/console/practice/apps/${clientId}`);
      expect(asClinician.status).toBe(200);
      expect(asClinician.html).not.toContain('name="scopes"');
      expect(textOf(asClinician.html)).toContain('Only your practice admin can switch apps on or off');
      const refused = await clinician.post(`/console/practice/apps/${clientId}/enable`, { _csrf: csrfOf(asClinician.html), scopes: 'patient/Patient.rs' });
      expect(refused.status).toBe(403);
      expect(textOf(refused.html)).toContain('This page is not for your role');
      expect(await enablementsAt('admin.Z91001')).toEqual([]);
    });

    it('checks the choice on the server: none chosen, or one NHS England did not grant, is shown next to the field and changes nothing', async () => {
      const detail = `/console/practice/apps/${clientId}`;
      const none = await submit(admin, detail, `${detail}/enable`);
      expect(none.status).toBe(400);
      expect(none.html).toContain('<a href="#field-scopes">Choose at least one permission to allow, or switch the app off instead</a>');
      expect(none.html).toContain('nhsuk-form-group nhsuk-form-group--error');
      const ungranted = await submit(admin, detail, `${detail}/enable`, { scopes: ['patient/Patient.rs', 'patient/Condition.rs'] });
      expect(ungranted.status).toBe(400);
      expect(textOf(ungranted.html)).toContain('Choose only permissions from the list: NHS England has not granted the others');
      expect(ungranted.html).toMatch(/value="patient\/Patient.rs" checked/); // the choice is kept
      expect(await enablementsAt('admin.Z91001')).toEqual([]);
    });

    it("shows the API's refusal: why, and what would make it allowed", async () => {
      const otherAdmin = await signedIn('admin.Z92001'); // SystmOne: the supplier's pairing is still APPLIED
      const home = await otherAdmin.get('/console/practice/apps');
      const refused = await otherAdmin.post(`/console/practice/apps/${clientId}/enable`, { _csrf: csrfOf(home.html), scopes: 'patient/Patient.rs' });
      expect(refused.status).toBe(400);
      const text = textOf(refused.html);
      expect(text).toContain('The app is not approved for this practice yet');
      expect(text).toContain('The supplier is not approved for TPP_SYSTMONE (pairing APPLIED).');
      expect(text).toMatch(/What would make it allowed: .*NHS England moves the supplier's pairing/);
      expect(await enablementsAt('admin.Z92001')).toEqual([]);
    });

    it('switches the app on with the chosen permissions, refuses a forged post, and switches it off at once', async () => {
      const detail = `/console/practice/apps/${clientId}`;
      const listed = await follow(admin, await submit(admin, detail, `${detail}/enable`, { scopes: ['patient/Patient.rs', 'patient/AllergyIntolerance.rs'] }));
      const text = textOf(listed.html);
      expect(text).toContain('Acme Reconcile is switched on at your practice with 2 permissions.');
      expect(text).toMatch(/Switched on at your practice App Supplier Permissions allowed Since Action Acme Reconcile Acme Health Ltd .*Read and search allergies patient\/AllergyIntolerance.rs/);
      expect(await enablementsAt('admin.Z91001')).toEqual([{ app: { clientId }, active: true, scopes: ['patient/Patient.rs', 'patient/AllergyIntolerance.rs'] }]);

      const forged = await admin.post(`${detail}/disable`, { _csrf: 'not-the-token' });
      expect(forged.status).toBe(403);
      expect((await enablementsAt('admin.Z91001'))[0]!.active).toBe(true);

      const off = await follow(admin, await submit(admin, '/console/practice/apps', `${detail}/disable`));
      expect(textOf(off.html)).toContain('Acme Reconcile is switched off. It can no longer reach your practice’s records.');
      expect(textOf(off.html)).toContain('No apps are switched on at your practice.');
      expect((await enablementsAt('admin.Z91001'))[0]!.active).toBe(false);
    });
  });

  describe('plugins, runs and tasks', () => {
    let v1: string;
    it('switches an approved plugin on with the permissions consented to, after checking the choice', async () => {
      const published = await publish(app, people.developer, medicationReview.manifest, medicationReview.bundle);
      v1 = published.id as string;
      await review(app, people.reviewer, v1, true);
      const list = textOf((await admin.get('/console/practice/plugins')).html);
      expect(list).toMatch(/Approved by NHS England, not switched on .*medication-review Version 1\.0\.0/);
      const page = `/console/practice/plugins/versions/${v1}`;
      const detail = textOf((await admin.get(page)).html);
      expect(detail).toContain('On a schedule: 0 6 * * * (UTC)');
      expect(detail).toContain("Add tasks to the practice's worklist practice-task.create");
      const none = await submit(admin, page, `${page}/enable`);
      expect(none.status).toBe(400);
      expect(none.html).toContain('<a href="#field-scopes">Choose at least one permission to consent to, or leave the plugin switched off</a>');
      const on = await follow(admin, await submit(admin, page, `${page}/enable`, { scopes: medicationReview.manifest.scopes as string[] }));
      expect(textOf(on.html)).toContain('medication-review version 1.0.0 is switched on at your practice.');
      expect(textOf(on.html)).toMatch(/Switched on at your practice .*medication-review Version 1\.0\.0/);
      // A clinician sees it on, without the buttons.
      const seen = await clinician.get('/console/practice/plugins');
      expect(textOf(seen.html)).toContain('medication-review');
      expect(seen.html).not.toContain('Run now');
    });

    it('runs it now and shows the run with its outcome, figures and logs, and the tasks it created', async () => {
      const ran = await submit(admin, '/console/practice/plugins', '/console/practice/plugins/medication-review/run');
      expect(ran.status).toBe(303);
      expect(ran.location).toMatch(/^\/console\/practice\/runs\/[^/]+$/);
      const run = await admin.get(ran.location!);
      const text = textOf(run.html);
      expect(text).toContain('medication-review ran: Completed.');
      expect(text).toMatch(/Outcome Completed .*Time taken \d.*Memory used [\d.]+ (?:KB|MB) Changes proposed (\d+) Changes applied \1/);
      expect(text).toMatch(/Add tasks to the practice's worklist: “Medication review due” for \d{3} \d{3} \d{4}/);
      expect(run.html).toMatch(/<pre class="console-code" data-testid="run-logs"[^>]*>\d+ patients checked, \d+ due for a medication review<\/pre>/);
      const runs = textOf((await clinician.get('/console/practice/runs')).html);
      expect(runs).toMatch(/medication-review Version 1\.0\.0 Run now, by admin\.Z91001 Completed/);

      const tasks = await clinician.get('/console/practice/tasks');
      expect(textOf(tasks.html)).toMatch(/Open tasks \(\d+\) .*Medication review due Repeat medication past its annual review/);
      const taskId = /action="\/console\/practice\/tasks\/([^/"]+)\/close"/.exec(tasks.html)![1]!;
      const closed = await follow(clinician, await clinician.post(`/console/practice/tasks/${taskId}/close`, { _csrf: csrfOf(tasks.html), back: '/console/practice/tasks?status=OPEN' }));
      expect(textOf(closed.html)).toContain('“Medication review due” is marked as done.');
      expect(closed.html).not.toContain(`/console/practice/tasks/${taskId}/close`);
      const done = textOf((await clinician.get('/console/practice/tasks?status=DONE')).html);
      expect(done).toMatch(/Done tasks \(1\) .*Medication review due .*Done .* by clinician\.Z91001/);
    });

    it('upgrades in one step when the new version asks for nothing more, and asks for consent when it asks for more', async () => {
      const same = await publish(app, people.developer, { ...medicationReview.manifest, version: '1.1.0' }, medicationReview.bundle);
      await review(app, people.reviewer, same.id as string, true);
      const list = await admin.get('/console/practice/plugins');
      expect(list.html).toContain(`action="/console/practice/plugins/versions/${same.id}/upgrade"`);
      const upgraded = await follow(admin, await admin.post(`/console/practice/plugins/versions/${same.id}/upgrade`, { _csrf: csrfOf(list.html) }));
      expect(textOf(upgraded.html)).toContain('medication-review is upgraded to version 1.1.0.');

      const more = await publish(app, people.developer, { ...medicationReview.manifest, version: '1.2.0', scopes: [...(medicationReview.manifest.scopes as string[]), 'patient/AllergyIntolerance.rs'] }, medicationReview.bundle);
      await review(app, people.reviewer, more.id as string, true);
      const page = `/console/practice/plugins/versions/${more.id}`;
      expect(textOf((await admin.get('/console/practice/plugins')).html)).toContain('Review version 1.2.0 of medication-review : it asks for more permissions');
      // The one-step upgrade is refused by the API, which says why and what to do.
      const refused = await submit(admin, page, `${page}/upgrade`);
      expect(refused.status).toBe(400);
      expect(textOf(refused.html)).toMatch(/The new version needs your consent .*asks for more scopes \(patient\/AllergyIntolerance\.rs\).*What would make it allowed: The new version asks for more than you allowed/);
      const consent = await admin.get(page);
      expect(textOf(consent.html)).toContain('Consent to version 1.2.0');
      expect(consent.html).toContain('patient/AllergyIntolerance.rs · new in this version');
      const consented = await follow(admin, await admin.post(`${page}/enable`, { _csrf: csrfOf(consent.html), scopes: [...(medicationReview.manifest.scopes as string[]), 'patient/AllergyIntolerance.rs'] }));
      expect(textOf(consented.html)).toContain('medication-review version 1.2.0 is switched on at your practice.');

      const off = await follow(admin, await submit(admin, '/console/practice/plugins', '/console/practice/plugins/medication-review/disable'));
      expect(textOf(off.html)).toContain('medication-review is switched off.');
      expect(textOf(off.html)).toContain('No plugins are switched on at your practice.');
    });
  });

  describe('documents', () => {
    it('shows the queue, a text document in the page and a PDF in a frame; files one, and rejects one only with a reason', async () => {
      const [sender] = await enabledApps(app, 1, ['Z91001'], DOCUMENT_SCOPES);
      const patient = (await app.gql<{ practice: { patients: { edges: Array<{ node: { nhsNumber: string } }> } } }>(
        '{ practice(odsCode: "Z91001") { ... on Practice { patients(first: 1) { edges { node { nhsNumber } } } } } }', {}, await app.tokenFor('clinician.Z91001'),
      )).data!.practice.patients.edges[0]!.node.nhsNumber;
      const letter = await send(app, sender!.token, { nhsNumber: patient, title: 'Clinic letter', content: TEXT });
      const summary = await send(app, sender!.token, { nhsNumber: patient, title: 'Discharge summary', content: PDF });

      const queue = textOf((await clinician.get('/console/practice/documents')).html);
      expect(queue).toMatch(/Clinic letter \d{3} \d{3} \d{4} Plain text \d+ bytes .*Waiting for review/);
      expect(queue).toContain('Discharge summary');

      const text = await clinician.get(`/console/practice/documents/${letter.id}`);
      expect(text.html).toMatch(/<pre class="console-code" data-testid="document-text"[^>]*>Discharge summary\r?\n\tBP 120\/80 — follow up in 2 weeks ✓/);
      const noReason = await clinician.post(`/console/practice/documents/${letter.id}/reject`, { _csrf: csrfOf(text.html), reason: '  ' });
      expect(noReason.status).toBe(400);
      expect(noReason.html).toContain('<a href="#field-reason">Enter why you are rejecting this document</a>');
      const rejected = await follow(clinician, await clinician.post(`/console/practice/documents/${letter.id}/reject`, { _csrf: csrfOf(text.html), reason: 'Wrong patient' }));
      expect(textOf(rejected.html)).toContain('“Clinic letter” is rejected. The sender can see your reason.');

      const pdf = await clinician.get(`/console/practice/documents/${summary.id}`);
      expect(pdf.html).toContain(`<iframe class="console-document-frame" src="/console/practice/documents/${summary.id}/content" title="Discharge summary (PDF)"`);
      const content = await clinician.get(`/console/practice/documents/${summary.id}/content`);
      expect(content.headers.get('content-type')).toBe('application/pdf');
      expect(content.html).toBe(PDF.toString('latin1')); // the sample is plain ASCII
      const filed = await follow(clinician, await clinician.post(`/console/practice/documents/${summary.id}/file`, { _csrf: csrfOf(pdf.html) }));
      expect(textOf(filed.html)).toMatch(/“Discharge summary” is filed into the record of \d{3} \d{3} \d{4}\. .*No documents are waiting for review\./);
      const again = await clinician.post(`/console/practice/documents/${summary.id}/file`, { _csrf: csrfOf(pdf.html) });
      expect(again.status).toBe(400);
      expect(again.html).toContain('data-testid="refusal"');
      expect(textOf((await clinician.get('/console/practice/documents?status=FILED')).html)).toMatch(/Discharge summary .*Filed in the patient's record .* by /);
    });
  });

  describe('audit', () => {
    it("lists the practice's events newest first with the chain's status, filters them and pages through them", async () => {
      const first = await admin.get('/console/practice/audit');
      expect(first.status).toBe(200);
      const text = textOf(first.html);
      expect(text).toContain('Intact The audit trail checks out against its signed checkpoints');
      // What the practice's users did, and what apps did at the practice (in plain English, the code
      // beside), refusals with their reason.
      expect(text).toMatch(/When Who Patient What Outcome \d+ December 2026 at \d\d:\d\d clinician\.Z91001 /);
      expect(text).toMatch(/App app-[\w-]+ Supplier supplier-[\w-]+ \d{3} \d{3} \d{4} Sent a document into a patient's record SEND_DOCUMENT Allowed/);
      expect(text).toMatch(/clinician\.Z91001 \d{3} \d{3} \d{4} Filed a document in the patient's record FILE_DOCUMENT Refused INVALID_TRANSITION: The document is already filed/);
      const next = /href="(\/console\/practice\/audit\?after=[^"]+)"/.exec(first.html)?.[1]?.replace(/&amp;/g, '&');
      expect(next).toBeDefined();
      const second = await admin.get(next!);
      expect(second.status).toBe(200);
      expect(textOf(second.html)).toContain('Previous : Newer entries');

      const refused = textOf((await admin.get('/console/practice/audit?outcome=REFUSED')).html);
      expect(refused).toContain('Sent a console form CONSOLE_FORM_POST Refused'); // the forged post above
      const rows = refused.slice(refused.indexOf('When Who Patient What Outcome'));
      expect(rows).toContain("Moved a practice's plugin to a newer version UPGRADE_PLUGIN Refused This version asks for more scopes");
      expect(rows).not.toContain('Allowed');

      const bad = await admin.get('/console/practice/audit?nhsNumber=12345&from=31%2F02%2F2026');
      expect(bad.status).toBe(400);
      expect(bad.html).toContain('<a href="#field-from">Enter the “from” date as a real date, for example 1/12/2026</a>');
      expect(bad.html).toContain('<a href="#field-nhsNumber">Enter a valid 10-digit NHS number, for example 999 000 0018</a>');
    });
  });
});
