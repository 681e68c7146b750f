// npm run console:screenshots: one small PNG per role for the README (docs/console/), taken in
// Debian's Chromium from a throwaway in-memory server: the seeded developer applies, the reviewer
// moves a pairing on, then each role's main page is captured.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { openDatabase } from '../server/db/client.js';
import { loadEnv } from '../server/env.js';
import { createApp } from '../server/http/app.js';
import { seedSandbox } from '../server/seed/seed.js';

const OUT = resolve(import.meta.dirname, '../docs/console');
const SHOTS = [
  { person: 'reviewer', path: '/console/reviewer/board', file: 'reviewer.png' },
  { person: 'admin.Z91001', path: '/console/practice/apps', file: 'practice-admin.png' },
  { person: 'developer', path: '/console/developer/pairings', file: 'developer.png' },
] as const;

const dataDir = mkdtempSync(join(tmpdir(), 'gpoi-screenshots-'));
const database = await openDatabase({ dataDir: 'memory://' });
await seedSandbox(database.db, { seed: 20261122, patients: 20, anchor: new Date('2026-06-01T00:00:00Z') });
const env = loadEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, EVENTS_DISPATCHER: 'false', PLUGIN_SCHEDULER: 'off' });
const app = await createApp({ env, database });

async function gql(person: string, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const token = await app.devIssuer!.mintFor(person);
  const response = await app.yoga.fetch(new Request('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  }));
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (!body.data) throw new Error(`the API refused: ${JSON.stringify(body.errors)}`);
  return body.data;
}

// Something on the board: the seeded developer's application, one pairing moved on by the reviewer.
const applied = (await gql('developer', `mutation { applyAsSupplier(input: { name: "Riverside Health Ltd", contactName: "Ada Lovelace", contactEmail: "ada@riverside.example",
  useCase: "Medication reconciliation for care homes.", requestedScopes: ["patient/Patient.rs", "patient/MedicationStatement.rs"], systems: [EMIS_WEB, TPP_SYSTMONE] }) {
  ... on Supplier { id pairings { id } } } }`)).applyAsSupplier as { id: string; pairings: { id: string }[] };
await gql('reviewer', `mutation($p: String!) { transitionPairing(pairingId: $p, to: PREREQUISITES_MET, reason: "DSPT and DCB0129 evidence checked",
  evidence: { dsptStatus: STANDARDS_MET, clinicalSafetyOfficer: "Dr Jo Safety", dcb0129Reference: "DCB0129-2026-1" }) { __typename ... on Error { code message } } }`, { p: applied.pairings[0]!.id });

const server = createServer(app.yoga);
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const profile = mkdtempSync(join(tmpdir(), 'gpoi-screenshots-profile-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1000, height: 640 },
  locale: 'en-GB',
  timezoneId: 'Europe/London',
});
try {
  mkdirSync(OUT, { recursive: true });
  for (const shot of SHOTS) {
    const page = await browser.newPage();
    await page.goto(`${base}${shot.path}`);
    await page.locator(`input[name="person"][value="${shot.person}"]`).check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/console/sign-in'));
    await page.screenshot({ path: join(OUT, shot.file) });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.close();
    console.log(`docs/console/${shot.file}`);
  }
} finally {
  await browser.close();
  server.close();
  await app.close();
  await database.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
