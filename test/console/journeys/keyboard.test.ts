// Journey in a real browser, by keyboard alone: the skip link comes first and lands in the main
// content, a practice admin signs in and reaches another page of the console with Tab, arrow keys
// and Enter, and a form is sent with Enter. PGlite only, like the other browser journeys.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, journeyEstate } from '../support/browser.js';

/** What has the keyboard focus now: its tag, text or value, and link target. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement & { value?: string };
    return { tag: el.tagName.toLowerCase(), text: (el.textContent ?? '').trim(), value: el.value ?? '', href: el.getAttribute('href') ?? '', id: el.id };
  });

/** Presses Tab until `wanted` holds for the focused element (at most `max` presses). */
async function tabTo(page: Page, wanted: (f: Awaited<ReturnType<typeof focused>>) => boolean, max = 80): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    if (wanted(await focused(page))) return;
  }
  throw new Error(`nothing wanted took the focus after ${max} presses of Tab`);
}

describeInBrowser('journey: the console by keyboard alone (pglite)', () => {
  const estate = journeyEstate('keyboard');

  it('skip link first, sign in, move between pages and send a form, all by keyboard', { timeout: 300_000 }, async () => {
    const { url, journey } = estate;
    const page = await journey.newPage();
    await page.goto(`${url}/console/practice/apps`);
    await journey.check(page, 'sign-in');

    // The first Tab stop is the skip link, and it moves the focus into the main content.
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.closest('main') !== null || document.activeElement?.id === 'maincontent')).toBe(true);

    // Choose the practice admin among the people with the arrow keys, then sign in with Enter.
    await tabTo(page, (f) => f.tag === 'input');
    for (let i = 0; i < 40 && (await focused(page)).value !== 'admin.Z91001'; i += 1) await page.keyboard.press('ArrowDown');
    expect((await focused(page)).value).toBe('admin.Z91001');
    await tabTo(page, (f) => f.tag === 'button' && f.text === 'Sign in');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/console/practice/apps');
    await journey.check(page, 'apps');

    // The navigation is reachable by Tab, and Enter follows a link.
    await tabTo(page, (f) => f.tag === 'a' && f.href === '/console/practice/tasks');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/console/practice/tasks');
    await journey.check(page, 'tasks');

    // Sign out is a form button in the header: Tab to it and press Enter.
    await tabTo(page, (f) => f.tag === 'button' && f.text === 'Sign out');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname.startsWith('/console/sign-in'));
    await journey.check(page, 'signed-out');
  });
});
