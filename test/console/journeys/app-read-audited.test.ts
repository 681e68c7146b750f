// Journey in a real browser: a reviewer moves a pairing to live and grants scopes → a practice
// admin enables the app → the app reads a record through the API → the practice admin sees that
// read in the practice's audit trail. Browser journeys run on PGlite only (the console's HTTP
// tests cover both back ends); the browser is the slow part, not the database.
import { expect, it } from 'vitest';
import { addPerson, apply } from '../../support/governance.js';
import { patientAt } from '../../support/booking.js';
import { appKey, signAssertion, tokenForm } from '../../support/supplier-app.js';
import { describeInBrowser, signIn, signOut, journeyEstate } from '../support/browser.js';

const SCOPES = ['patient/Patient.rs', 'patient/AllergyIntolerance.rs'];

describeInBrowser('journey: an app approved in the console reads a record, and the practice sees it (pglite)', () => {
  const estate = journeyEstate('app-read-audited');

  it('reviewer → practice admin → app → practice audit', { timeout: 300_000 }, async () => {
    const { app, url, journey } = estate;
    // The supplier applies and registers an app through the API, as its developer would.
    const developer = await addPerson(app, 'dev.journey', 'SUPPLIER_DEVELOPER');
    const applied = await apply(app, developer, { name: 'Journey Health Ltd', systems: ['EMIS_WEB'], requestedScopes: [...SCOPES, 'system/Slot.rs'] });
    const key = await appKey('ES384');
    const registered = await app.gql<{ registerClientApp: { __typename: string; clientId?: string } }>(
      'mutation($j: JSON!) { registerClientApp(name: "Journey Reader", jwks: $j) { __typename ... on ClientApp { clientId } } }',
      { j: { keys: [key.publicJwk] } },
      developer,
    );
    const clientId = registered.data!.registerClientApp.clientId!;

    // The reviewer moves the pairing to live and grants the scopes, in the browser.
    const page = await journey.newPage();
    await signIn(journey, page, url, 'reviewer', '/console/reviewer/board');
    await journey.check(page, 'pipeline-board');
    expect(await page.getByTestId('live-count').innerText()).toContain('0 of 20 live suppliers');
    await page.getByRole('link', { name: /Journey Health Ltd/ }).click();
    await journey.check(page, 'pairing');
    for (const [stage, label] of [
      ['PREREQUISITES_MET', 'Prerequisites met'],
      ['UNSUPPORTED_TEST', 'Unsupported test (sandbox)'],
      ['SUPPORTED_TEST', 'Supported test'],
      ['ASSURED', 'Assured (recommended to connect)'],
      ['LIVE', 'Live'],
    ] as const) {
      await page.locator(`input[name="to"][value="${stage}"]`).check();
      await page.getByLabel('Reason').fill(`Checked for ${label.toLowerCase()}`);
      if (stage === 'PREREQUISITES_MET') {
        await page.locator('input[name="dsptStatus"][value="STANDARDS_MET"]').check();
        await page.getByLabel('Clinical safety officer').fill('Dr Jo Safety');
        await page.getByLabel('DCB0129 evidence reference').fill('DCB0129-2026-42');
      }
      await page.getByRole('button', { name: 'Move pairing' }).click();
      expect(await page.locator('.console-flash').innerText()).toContain(`moved to ${label}`);
      await journey.check(page, `moved-to-${stage}`);
    }
    await page.getByRole('link', { name: 'Journey Health Ltd' }).first().click();
    for (const scope of SCOPES) await page.locator(`input[name="scopes"][value="${scope}"]`).check();
    await page.getByRole('button', { name: 'Grant selected scopes' }).click();
    expect(await page.locator('.console-flash').innerText()).toContain('Granted');
    await journey.check(page, 'scopes-granted');
    await page.goto(`${url}/console/reviewer/board`);
    expect(await page.getByTestId('live-count').innerText()).toContain('1 of 20 live suppliers');
    await signOut(page);

    // The practice admin switches the app on with the granted permissions.
    await signIn(journey, page, url, 'admin.Z91001', '/console/practice/apps');
    await journey.check(page, 'practice-apps');
    await page.getByRole('link', { name: 'Journey Reader' }).click();
    for (const scope of SCOPES) await page.locator(`input[name="scopes"][value="${scope}"]`).check();
    await page.getByRole('button', { name: 'Switch on with these permissions' }).click();
    await journey.check(page, 'app-switched-on');

    // The app reads a patient's allergies through the API with its own token.
    const assertion = await signAssertion(clientId, key, `${app.env.publicUrl}/oauth2/token`);
    const tokenResponse = await fetch(`${url}/oauth2/token`, { method: 'POST', body: tokenForm(assertion) });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const nhsNumber = await patientAt(app, 'Z91001');
    const read = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'query($n: String!) { patient(nhsNumber: $n) { __typename ... on Patient { allergies { status } } } }', variables: { n: nhsNumber } }),
    });
    const body = (await read.json()) as { data?: { patient: { __typename: string } } };
    expect(body.data?.patient.__typename).toBe('Patient');

    // The practice admin finds that read in the practice's audit trail.
    await page.goto(`${url}/console/practice/audit?supplierId=${encodeURIComponent(applied.id)}`);
    await journey.check(page, 'practice-audit');
    const spaced = `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`;
    expect(await page.locator('main').innerText()).toContain(spaced);
    expect(await page.locator('main').innerText()).toMatch(/Read a patient's record\s+READ_PATIENT_RECORD/);
  });
});
