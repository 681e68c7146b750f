// Journey in a real browser: a reviewer approves a plugin version → a practice admin switches it
// on with their consent → a manual run shows in the practice's run list. PGlite only (the browser
// is the slow part; the console's HTTP tests run on both back ends).
import { expect, it } from 'vitest';
import { examplePlugin, pluginSupplier, publish } from '../../plugins/support.js';
import { describeInBrowser, signIn, signOut, journeyEstate } from '../support/browser.js';

describeInBrowser('journey: a plugin approved in the console runs at a practice (pglite)', () => {
  const estate = journeyEstate('plugin-run');

  it('reviewer approves → practice admin switches on → a manual run is listed', { timeout: 300_000 }, async () => {
    const { app, url, journey } = estate;
    const people = await pluginSupplier(app);
    const { manifest, bundle } = examplePlugin('medication-review');
    const published = await publish(app, people.developer, manifest, bundle);
    expect(published.__typename).toBe('PluginVersion');

    const page = await journey.newPage();
    await signIn(journey, page, url, 'reviewer', '/console/reviewer/plugins?status=SUBMITTED');
    await journey.check(page, 'plugins-waiting');
    await page.getByRole('link', { name: 'medication-review' }).click();
    await journey.check(page, 'plugin-version');
    expect(await page.getByTestId('bundle-sha256').innerText()).toBe(published.bundleSha256);
    await page.locator('input[name="decision"][value="approve"]').check();
    await page.getByLabel('Reason').fill('Reads medicines only to propose review tasks; limits are tight.');
    await page.getByRole('button', { name: 'Record decision' }).click();
    expect(await page.locator('.console-flash').innerText()).toContain('approved');
    await journey.check(page, 'plugin-approved');
    await signOut(page);

    await signIn(journey, page, url, 'admin.Z91001', '/console/practice/plugins');
    await journey.check(page, 'practice-plugins');
    await page.locator('#available-plugins').getByRole('link', { name: 'medication-review' }).click();
    await journey.check(page, 'practice-plugin-version');
    for (const scope of manifest.scopes as string[]) await page.locator(`input[name="scopes"][value="${scope}"]`).check();
    await page.getByRole('button', { name: 'Switch on with these permissions' }).click();
    await journey.check(page, 'plugin-switched-on');
    await page.goto(`${url}/console/practice/plugins`);
    await page.getByRole('button', { name: 'Run now medication-review' }).click();
    await journey.check(page, 'plugin-ran');

    await page.goto(`${url}/console/practice/runs`);
    await journey.check(page, 'plugin-runs');
    const runs = await page.locator('#plugin-runs').innerText();
    expect(runs).toContain('medication-review');
    expect(runs).toContain('Run now, by admin.Z91001');
  });
});
