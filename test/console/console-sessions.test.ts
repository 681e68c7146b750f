// The console's sign-in, sessions, CSRF protection and security headers, over HTTP, on both back ends.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../server/db/schema/audit.js';
import { consoleSessions } from '../../server/db/schema/console.js';
import { sha256 } from '../../server/console/sessions.js';
import { availableBackends } from '../support/backends.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ConsoleClient, csrfOf, textOf } from './support/console-client.js';

for (const backend of await availableBackends()) {
  describe(`console sessions (${backend})`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(backend, { patients: 10 });
    });
    afterAll(async () => app?.close());

    const refusals = (actorId: string) =>
      app.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.operation, 'CONSOLE_FORM_POST'), eq(auditEvents.actorId, actorId), eq(auditEvents.outcome, 'REFUSED')));

    it('sends a visitor to sign in, lists the seeded people, and brings them back to the page they asked for', async () => {
      const browser = new ConsoleClient(app);
      const first = await browser.get('/console/reviewer/board?stage=LIVE');
      expect(first.status).toBe(303);
      expect(first.location).toBe('/console/sign-in?returnTo=%2Fconsole%2Freviewer%2Fboard%3Fstage%3DLIVE');
      const signIn = await browser.get(first.location!);
      expect(signIn.status).toBe(200);
      const text = textOf(signIn.html);
      expect(text).toContain('NHS England reviewer');
      expect(text).toContain('admin.Z91001');
      expect(signIn.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(signIn.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(signIn.html).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*src=)[^>]*>[^<]/);
      const location = await browser.signIn('reviewer', '/console/reviewer/board?stage=LIVE');
      expect(location).toBe('/console/reviewer/board?stage=LIVE');
      const home = await browser.get('/console');
      expect(home.status).toBe(200);
      expect(textOf(home.html)).toContain('Signed in as Rhiannon Reviewer');
    });

    it('keeps the session in an http-only SameSite cookie whose value is stored only hashed', async () => {
      const page = await app.fetch('/console/sign-in');
      const token = csrfOf(await page.text());
      const signInCookie = page.headers.getSetCookie()[0]!.split(';')[0]!;
      const response = await app.fetch('/console/sign-in', {
        method: 'POST',
        headers: { cookie: signInCookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token, person: 'admin.Z91001', returnTo: '/console' }).toString(),
        redirect: 'manual',
      });
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith('gpoi_console='))!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      const value = /^gpoi_console=([^;]+)/.exec(cookie)![1]!;
      const rows = await app.database.db.select().from(consoleSessions).where(eq(consoleSessions.personId, 'admin.Z91001'));
      expect(rows.map((r) => r.idHash)).toContain(sha256(value));
      expect(rows.map((r) => r.idHash)).not.toContain(value);
    });

    it('refuses and audits a form post with a wrong CSRF token, or with another person\'s token', async () => {
      const reviewer = new ConsoleClient(app);
      await reviewer.signIn('reviewer');
      const admin = new ConsoleClient(app);
      await admin.signIn('admin.Z91002');
      const adminToken = csrfOf((await admin.get('/console')).html);
      const before = (await refusals('reviewer')).length;

      const wrong = await reviewer.post('/console/sign-out', { _csrf: 'forged' });
      expect(wrong.status).toBe(403);
      expect(textOf(wrong.html)).toContain('CSRF_REFUSED');
      const crossed = await reviewer.post('/console/sign-out', { _csrf: adminToken });
      expect(crossed.status).toBe(403);
      // Neither post signed the reviewer out.
      expect((await reviewer.get('/console')).status).toBe(200);
      const rows = await refusals('reviewer');
      expect(rows.length).toBe(before + 2);
      expect(rows.at(-1)!.detail).toMatchObject({ path: '/console/sign-out', check: 'CSRF token' });
    });

    it('refuses and audits a form replayed after sign-out', async () => {
      const browser = new ConsoleClient(app);
      await browser.signIn('clinician.Z91001');
      const oldCookies = new Map(browser.cookies);
      const token = csrfOf((await browser.get('/console')).html);
      const out = await browser.post('/console/sign-out', { _csrf: token });
      expect(out.status).toBe(303);
      expect(out.location).toBe('/console/sign-in');
      const before = (await refusals('anonymous')).length;
      const replay = new ConsoleClient(app);
      for (const [k, v] of oldCookies) replay.cookies.set(k, v);
      const replayed = await replay.post('/console/sign-out', { _csrf: token });
      expect(replayed.status).toBe(403);
      expect((await refusals('anonymous')).length).toBe(before + 1);
    });

    it('sends a person whose session expired to sign in and back to the page asked for', async () => {
      const browser = new ConsoleClient(app);
      await browser.signIn('developer');
      const value = browser.cookies.get('gpoi_console')!;
      await app.database.db.update(consoleSessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(consoleSessions.idHash, sha256(value)));
      const expired = await browser.get('/console/some/page?x=1');
      expect(expired.status).toBe(303);
      expect(expired.location).toBe('/console/sign-in?returnTo=%2Fconsole%2Fsome%2Fpage%3Fx%3D1&expired=1');
      const signIn = await browser.get(expired.location!);
      expect(textOf(signIn.html)).toContain('Your sign-in ended');
      expect(await browser.signIn('developer', '/console/some/page?x=1')).toBe('/console/some/page?x=1');
    });

    it('refuses a sign-in form not issued by this console, and a return address off the site', async () => {
      const browser = new ConsoleClient(app);
      await browser.get('/console/sign-in');
      const forged = await browser.post('/console/sign-in', { _csrf: 'not-the-cookie', person: 'reviewer' });
      expect(forged.status).toBe(403);
      expect(await browser.signIn('reviewer', 'https://evil.example/console')).toBe('/console');
      expect(await browser.signIn('reviewer', '//evil.example/console')).toBe('/console');
    });

    it('serves the NHS.UK design system from the package, and nothing outside the listed files', async () => {
      const css = await app.fetch('/console/assets/nhsuk-frontend.min.css');
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toContain('text/css');
      const text = await css.text();
      expect(text.length).toBeGreaterThan(10_000);
      expect(text).not.toContain('https://');
      expect((await app.fetch('/console/assets/images/favicon.svg')).status).toBe(200);
      expect((await app.fetch('/console/assets/../../package.json')).status).toBe(404);
      expect((await app.fetch('/console/assets/images/..%2F..%2Fpackage.json')).status).toBe(404);
    });

    it('answers an unknown console address with a page saying so', async () => {
      const browser = new ConsoleClient(app);
      await browser.signIn('developer');
      const page = await browser.get('/console/no-such-page');
      expect(page.status).toBe(404);
      expect(textOf(page.html)).toContain('There is no console page at this address');
    });
  });
}
