// Real-browser tests: Debian's Chromium driven by playwright-core (no browser is downloaded).
// Every page visited is checked with axe-core (any violation fails the test) and screenshotted
// into test-artifacts/console/ (not committed). Without /usr/bin/chromium the tests are skipped,
// loudly, and counted as skipped.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/test-app.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const ARTIFACTS = resolve(import.meta.dirname, '../../../test-artifacts/console');

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const hasChromium = existsSync(CHROMIUM);

/** `describe` when Chromium is installed; otherwise a skipped suite and a loud line saying why. */
export function describeInBrowser(name: string, body: () => void): void {
  if (hasChromium) {
    describe(name, body);
    return;
  }
  console.warn(`!!! ${CHROMIUM} is missing: the browser journeys "${name}" are SKIPPED (apt-get install -y chromium; .ci/run does it) !!!`);
  describe.skip(`${name} (SKIPPED: no ${CHROMIUM})`, () => {
    it('runs in a real browser', () => {});
  });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

export interface Journey {
  context: BrowserContext;
  /** Opens a fresh page (tab) in this journey's browser. */
  newPage(): Promise<Page>;
  /** Checks the page now shown: axe-core finds no violation, no CSP or script error happened; saves a screenshot. */
  check(page: Page, label: string): Promise<void>;
  close(): Promise<void>;
}

/** A browser with a fresh profile for one journey; screenshots go to test-artifacts/console/<name>/. */
export async function startJourney(name: string): Promise<Journey> {
  const profile = mkdtempSync(join(tmpdir(), 'gpoi-console-profile-'));
  const shots = join(ARTIFACTS, name);
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  const problems = new WeakMap<Page, string[]>();
  let shot = 0;
  const watch = (page: Page) => {
    const list: string[] = [];
    problems.set(page, list);
    page.on('pageerror', (error) => list.push(`script error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') list.push(`console error: ${message.text()}`);
    });
    return page;
  };
  for (const page of context.pages()) watch(page);
  return {
    context,
    newPage: async () => watch(await context.newPage()),
    async check(page, label) {
      await page.waitForLoadState('load');
      shot += 1;
      const file = join(shots, `${String(shot).padStart(2, '0')}-${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
      await page.screenshot({ path: file, fullPage: true });
      // Evaluated through the debugging protocol, so the page's CSP (no inline script) still holds.
      const loaded = await page.evaluate('typeof window.axe');
      if (loaded !== 'object') await page.evaluate(AXE_SOURCE);
      const violations = (await page.evaluate(
        `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
      )) as AxeViolation[];
      const errors = problems.get(page) ?? [];
      const report = [
        ...violations.map((v) => `axe ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        ...errors.splice(0),
      ];
      if (report.length) throw new Error(`${label} (${page.url()}):\n  ${report.join('\n  ')}`);
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in on the development sign-in page as a seeded person, from wherever the console sent us. */
export async function signIn(journey: Journey, page: Page, baseUrl: string, person: string, path = '/console'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await journey.check(page, `sign-in-as-${person}`);
  await page.locator(`input[name="person"][value="${person}"]`).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/console/sign-in'));
}

/** Signs out with the header's form. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/console/sign-in'));
}

/** What one journey file runs against: a PGlite app with sandbox data served on loopback, and its browser. */
export interface JourneyEstate {
  app: TestApp;
  url: string;
  journey: Journey;
}

/** Starts the journey's estate before the file's tests and closes it after them. */
export function journeyEstate(name: string): JourneyEstate {
  const estate = {} as JourneyEstate & { server: { url: string; close(): Promise<void> } };
  beforeAll(async () => {
    estate.app = await startTestApp('pglite', { patients: 10 });
    estate.server = await estate.app.listen();
    estate.url = estate.server.url;
    estate.journey = await startJourney(name);
  });
  afterAll(async () => {
    await estate.journey?.close();
    await estate.server?.close();
    await estate.app?.close();
  });
  return estate;
}
