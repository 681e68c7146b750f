// The reviewer's console pages over HTTP, on both back ends: the board and the live cap, moving a
// pairing (an illegal move names the allowed stages), scopes, plugin review, the audit explorer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/backends.js';
import { addPerson, apply } from '../support/governance.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { examplePlugin, pluginSupplier, publish } from '../plugins/support.js';
import { ConsoleClient, csrfOf, textOf } from './support/console-client.js';

for (const backend of await availableBackends()) {
  describe(`console reviewer pages (${backend})`, () => {
    let app: TestApp;
    let supplierId: string;
    let pairingId: string;
    let reviewer: ConsoleClient;
    beforeAll(async () => {
      app = await startTestApp(backend, { patients: 10, env: { MAX_LIVE_SUPPLIERS: '3' } });
      const developer = await addPerson(app, 'dev.console', 'SUPPLIER_DEVELOPER');
      const applied = await apply(app, developer, { name: 'Console Health Ltd', systems: ['EMIS_WEB'] });
      supplierId = applied.id;
      pairingId = applied.pairings[0]!.id;
      reviewer = new ConsoleClient(app);
      await reviewer.signIn('reviewer');
    });
    afterAll(async () => app?.close());

    const pairingPath = () => `/console/reviewer/suppliers/${supplierId}/pairings/${pairingId}`;

    it('shows the pipeline as a board with the live count against the cap', async () => {
      const board = await reviewer.get('/console/reviewer/board');
      expect(board.status).toBe(200);
      const text = textOf(board.html);
      expect(text).toContain('0 of 3 live suppliers');
      expect(text).toMatch(/Applied : \(1\) Console Health Ltd/);
    });

    it('shows an illegal move with the stages that are allowed, and keeps what was typed', async () => {
      const page = await reviewer.get(pairingPath());
      const moved = await reviewer.post(`${pairingPath()}/move`, { _csrf: csrfOf(page.html), to: 'LIVE', reason: 'Straight to live' });
      expect(moved.status).toBe(400);
      const text = textOf(moved.html);
      expect(text).toContain('There is a problem');
      expect(text).toContain('Applied cannot move to Live. Allowed from here: Prerequisites met, Rejected.');
      expect(moved.html).toContain('Straight to live');
    });

    it('validates the form on the server: a reason always, evidence for prerequisites', async () => {
      const page = await reviewer.get(pairingPath());
      const moved = await reviewer.post(`${pairingPath()}/move`, { _csrf: csrfOf(page.html), to: 'PREREQUISITES_MET', reason: '' });
      expect(moved.status).toBe(400);
      const text = textOf(moved.html);
      expect(text).toContain('Enter the reason for this move');
      expect(text).toContain('Enter the clinical safety officer');
      expect(moved.html).toContain('href="#field-reason"');
    });

    it('moves a pairing with reason and evidence, and shows it in the history', async () => {
      const page = await reviewer.get(pairingPath());
      const moved = await reviewer.post(`${pairingPath()}/move`, {
        _csrf: csrfOf(page.html),
        to: 'PREREQUISITES_MET',
        reason: 'DSPT and DCB0129 checked',
        dsptStatus: 'STANDARDS_MET',
        clinicalSafetyOfficer: 'Dr Jo Safety',
        dcb0129Reference: 'DCB0129-2026-7',
      });
      expect(moved.status).toBe(303);
      const after = await reviewer.get(moved.location!);
      const text = textOf(after.html);
      expect(text).toContain('Console Health Ltd on EMIS Web moved to Prerequisites met.');
      expect(text).toContain('DSPT and DCB0129 checked');
      expect(text).toContain('Clinical safety officer: Dr Jo Safety');
      // The flash is shown once.
      expect(textOf((await reviewer.get(moved.location!)).html)).not.toContain('moved to Prerequisites met.');
    });

    it('accepts evidence written inline in a query, not only as variables', async () => {
      const developer = await addPerson(app, 'dev.inline', 'SUPPLIER_DEVELOPER');
      const other = await apply(app, developer, { name: 'Inline Evidence Ltd', systems: ['TPP_SYSTMONE'] });
      const moved = await app.gql<{ transitionPairing: { __typename: string } }>(
        `mutation { transitionPairing(pairingId: "${other.pairings[0]!.id}", to: PREREQUISITES_MET, reason: "Checked",
          evidence: { dsptStatus: STANDARDS_MET, clinicalSafetyOfficer: "Dr Jo Safety", dcb0129Reference: "DCB0129-1" }) { __typename } }`,
        {},
        await app.tokenFor('reviewer'),
      );
      expect(moved.data?.transitionPairing.__typename).toBe('Pairing');
    });

    it('grants and revokes requested scopes, in plain English with the code beside', async () => {
      const supplierPath = `/console/reviewer/suppliers/${supplierId}`;
      const page = await reviewer.get(supplierPath);
      expect(textOf(page.html)).toContain('Read and search allergies patient/AllergyIntolerance.rs Requested, not granted');
      expect(textOf(page.html)).toMatch(/Recorded at: \d+ \w+ \d{4} at \d\d:\d\d/);
      const granted = await reviewer.post(`${supplierPath}/scopes`, { _csrf: csrfOf(page.html), action: 'grant', scopes: ['patient/Patient.rs', 'patient/AllergyIntolerance.rs'] });
      expect(granted.status).toBe(303);
      const after = await reviewer.get(supplierPath);
      expect(textOf(after.html)).toMatch(/patient\/AllergyIntolerance\.rs Granted \d+ \w+ \d{4}/);
      const revoked = await reviewer.post(`${supplierPath}/scopes`, { _csrf: csrfOf(after.html), action: 'revoke', scopes: ['patient/AllergyIntolerance.rs'] });
      expect(revoked.status).toBe(303);
      expect(textOf((await reviewer.get(supplierPath)).html)).toContain('patient/AllergyIntolerance.rs Requested, not granted');
      const none = await reviewer.post(`${supplierPath}/scopes`, { _csrf: csrfOf(after.html), action: 'grant' });
      expect(none.status).toBe(400);
      expect(textOf(none.html)).toContain('Choose at least one scope to grant');
    });

    it('reviews a plugin version: source and hash shown, decision needs a reason', async () => {
      const people = await pluginSupplier(app);
      const { manifest, bundle } = examplePlugin('medication-review');
      const published = await publish(app, people.developer, manifest, bundle);
      const path = `/console/reviewer/plugins/${published.id as string}`;
      const page = await reviewer.get(path);
      expect(page.status).toBe(200);
      expect(textOf(page.html)).toContain(published.bundleSha256 as string);
      expect(page.html).toContain('Waiting for review');
      const noReason = await reviewer.post(`${path}/review`, { _csrf: csrfOf(page.html), decision: 'approve', reason: ' ' });
      expect(noReason.status).toBe(400);
      expect(textOf(noReason.html)).toContain('Enter the reason for your decision');
      const approved = await reviewer.post(`${path}/review`, { _csrf: csrfOf(page.html), decision: 'approve', reason: 'Scopes match the purpose' });
      expect(approved.status).toBe(303);
      const after = textOf((await reviewer.get(path)).html);
      expect(after).toContain('Approved Scopes match the purpose');
      expect(textOf((await reviewer.get('/console/reviewer/plugins?status=APPROVED')).html)).toContain(manifest.name as string);
    });

    it('explores the audit trail with filters, paging and the chain verification state', async () => {
      const page = await reviewer.get(`/console/audit?supplierId=${supplierId}`);
      expect(page.status).toBe(200);
      const text = textOf(page.html);
      expect(text).toContain('Chain verification Intact');
      expect(text).toContain("Moved a supplier's pairing to another stage TRANSITION_PAIRING");
      expect(text).not.toContain('LIST_PATIENTS');
      const all = await reviewer.get('/console/audit');
      expect(all.html).toMatch(/href="\/console\/audit\?after=/);
      const bad = await reviewer.get('/console/audit?from=yesterday');
      expect(bad.status).toBe(400);
      expect(textOf(bad.html)).toContain('Enter the "from" date as a date');
    });

    it('tells a practice user the reviewer pages are not theirs, and whose they are', async () => {
      const admin = new ConsoleClient(app);
      await admin.signIn('admin.Z91002');
      for (const path of ['/console/reviewer/board', '/console/audit', `/console/reviewer/suppliers/${supplierId}`]) {
        const refused = await admin.get(path);
        expect(refused.status).toBe(403);
        expect(textOf(refused.html)).toContain('This is for: NHS England reviewer');
      }
    });

    it('shows a refusal from the API with its code and what would make it allowed', async () => {
      const page = await reviewer.get('/console/audit?after=not-a-cursor');
      expect(page.status).toBe(400);
      const text = textOf(page.html);
      expect(text).toContain('There is a problem');
      expect(text).toContain('Invalid cursor. (BAD_USER_INPUT)');
    });
  });
}
