// The supplier developer's pages over HTTP, as a developer uses them in a browser: apply, follow
// the pairings through NHS England's stages, register and rotate an app's keys and revoke it, read
// plugin versions' review, register a webhook, read its delivery log, redeliver and rotate its
// secret, and see which sandbox practices to test against. On both back ends.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/backends.js';
import { addPerson, grant, transition } from '../support/governance.js';
import { appKey } from '../support/supplier-app.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { publish, review } from '../plugins/support.js';
import { ConsoleClient, csrfOf, textOf } from './support/console-client.js';

const until = async (check: () => Promise<boolean>) => {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
};

describe.each(await availableBackends())('developer console pages (%s)', (backend) => {
  let app: TestApp;
  let browser: ConsoleClient;
  let developerToken: string;
  let reviewer: string;
  let supplierId: string;
  let hits = 0;
  let receiver: Server;
  let hookUrl: string;

  const submit = async (pagePath: string, action: string, fields: Record<string, string | string[]> = {}) => {
    const form = await browser.get(pagePath);
    expect(form.status, `${pagePath} should open`).toBe(200);
    return browser.post(action, { _csrf: csrfOf(form.html), ...fields });
  };
  const follow = async (posted: { status: number; location: string | null }) => {
    expect(posted.status).toBe(303);
    return browser.get(posted.location!);
  };

  beforeAll(async () => {
    // Development: webhooks may go to plain http on loopback, where the test's receiver listens.
    app = await startTestApp(backend, { patients: 8, env: { NODE_ENV: 'development', EVENTS_DISPATCHER: 'true', EVENTS_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '20' } });
    reviewer = await app.tokenFor('reviewer');
    developerToken = await addPerson(app, 'dev.console-dev', 'SUPPLIER_DEVELOPER');
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        hits += 1;
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    browser = new ConsoleClient(app);
    await browser.signIn('dev.console-dev');
  });
  afterAll(async () => {
    await app?.close();
    await new Promise((done) => receiver?.close(done));
  });

  it('applies through the form, checked on the server, then follows each pairing through the stages with the reasons', async () => {
    const first = await browser.get('/console/developer/pairings');
    expect(textOf(first.html)).toContain('Your company has not applied yet.');
    const bad = await submit('/console/developer/pairings', '/console/developer/apply', { name: 'Acme Health Ltd', contactEmail: 'not-an-email' });
    expect(bad.status).toBe(400);
    for (const [field, message] of [
      ['contactName', 'Enter the name of the person NHS England should contact'],
      ['contactEmail', 'Enter an email address in the correct format, like name@example.com'],
      ['systems', 'Choose at least one clinical system from the list'],
      ['scopes', 'Choose at least one permission from the list'],
    ]) expect(bad.html).toContain(`<a href="#field-${field}">${message}</a>`);
    expect(bad.html).toContain('value="Acme Health Ltd"'); // what was typed is kept

    const applied = await follow(await submit('/console/developer/pairings', '/console/developer/apply', {
      name: 'Acme Health Ltd', contactName: 'Ada Lovelace', contactEmail: 'ada@acme.example', useCase: 'Medication reconciliation for care homes.',
      systems: ['EMIS_WEB', 'TPP_SYSTMONE'], scopes: ['patient/Patient.rs', 'patient/AllergyIntolerance.rs', 'patient/DocumentReference.c'],
    }));
    const text = textOf(applied.html);
    expect(text).toContain('Acme Health Ltd has applied. NHS England will review each pairing.');
    expect(text).toMatch(/EMIS Web Applied .* TPP SystmOne Applied/);
    expect(text).toContain('Read and search allergies patient/AllergyIntolerance.rs Requested, not granted yet');

    const supplier = await app.gql<{ mySupplier: { id: string; pairings: Array<{ id: string; system: { id: string } }> } }>('{ mySupplier { id pairings { id system { id } } } }', {}, developerToken);
    supplierId = supplier.data!.mySupplier.id;
    const emis = supplier.data!.mySupplier.pairings.find((p) => p.system.id === 'EMIS_WEB')!.id;
    await transition(app, reviewer, emis, 'PREREQUISITES_MET', 'Evidence checked');
    await transition(app, reviewer, emis, 'UNSUPPORTED_TEST', 'Cleared for sandbox testing');
    await grant(app, reviewer, supplierId, ['patient/Patient.rs']);
    const moved = textOf((await browser.get('/console/developer/pairings')).html);
    expect(moved).toMatch(/EMIS Web Unsupported test \(sandbox\) .* Cleared for sandbox testing by reviewer/);
    expect(moved).toMatch(/Stage history: EMIS Web .*Applied Prerequisites met Evidence checked reviewer/);
    expect(moved).toMatch(/Find patients and read their details \(name, date of birth, NHS number\) patient\/Patient\.rs Granted/);

    const sandbox = textOf((await browser.get('/console/developer/sandbox')).html);
    expect(sandbox).toMatch(/Z91001 .*EMIS Web You can test here/);
    expect(sandbox).toMatch(/Z92001 .*TPP SystmOne Not yet Your pairing is at “Applied”: it needs a testing stage\./);
    expect(sandbox).toMatch(/Z93001 .*Cegedim Vision Not yet You have not applied for this clinical system\./);
  });

  it('registers an app from its public keys, refusing a private key before it is sent, rotates a key and revokes the app', async () => {
    const { privateKey } = await generateKeyPair('ES384', { extractable: true });
    const leaked = await submit('/console/developer/apps', '/console/developer/apps/register', { name: 'Reconcile', jwks: JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), kid: 'k1' }] }) });
    expect(leaked.status).toBe(400);
    expect(leaked.html).toContain('<a href="#field-jwks">This is a private key: paste only the public key, and keep the private key to yourself</a>');
    const broken = await submit('/console/developer/apps', '/console/developer/apps/register', { name: 'Reconcile', jwks: '{"keys": [' });
    expect(broken.html).toContain('<a href="#field-jwks">The public keys (JWKS) is not valid JSON</a>');

    const [first, second] = await Promise.all([appKey('ES384'), appKey('RS512')]);
    const registered = await submit('/console/developer/apps', '/console/developer/apps/register', { name: 'Reconcile', jwks: JSON.stringify({ keys: [first.publicJwk] }) });
    expect(registered.location).toMatch(/^\/console\/developer\/apps\/[^/]+$/);
    const page = registered.location!;
    const shown = textOf((await browser.get(page)).html);
    expect(shown).toMatch(/Reconcile is registered\. Its client ID is \S+\./);
    expect(shown).toContain(`${first.kid} EC ES384 Add a new key before removing this one`);

    // The API's own check: a kid already registered is refused, with what to do.
    const duplicate = await submit(page, `${page}/keys`, { jwk: JSON.stringify(first.publicJwk) });
    expect(duplicate.status).toBe(400);
    expect(textOf(duplicate.html)).toMatch(/The public keys are not acceptable .*What would make it allowed: Register public keys only/);
    const added = await follow(await submit(page, `${page}/keys`, { jwk: JSON.stringify(second.publicJwk) }));
    expect(textOf(added.html)).toContain('The key is added. Once your app signs with it, remove the old key.');
    const removed = await follow(await submit(page, `${page}/keys/${encodeURIComponent(first.kid)}/remove`));
    expect(textOf(removed.html)).toContain(`Key ${first.kid} is removed`);
    expect(textOf(removed.html)).toContain(`${second.kid} RSA RS512`);
    expect(textOf(removed.html)).not.toContain(`${first.kid} EC`);

    const noReason = await submit(page, `${page}/revoke`, { reason: '' });
    expect(noReason.html).toContain('<a href="#field-reason">Enter why you are revoking the app</a>');
    const revoked = await follow(await submit(page, `${page}/revoke`, { reason: 'Private key exposed' }));
    expect(textOf(revoked.html)).toContain('Reconcile is revoked. It can no longer obtain or use tokens.');
    expect(textOf((await browser.get('/console/developer/apps')).html)).toMatch(/Reconcile \S+ \S+ Revoked/);
  });

  it("shows each plugin version's review with the reviewer's reason", async () => {
    const manifest = { name: 'reminders', version: '1.0.0', description: 'Reminds about reviews.', triggers: [{ kind: 'manual' }], scopes: ['patient/Patient.rs'], effects: [] };
    const published = await publish(app, developerToken, manifest, "import { definePlugin } from '@gp-open-integration/sdk/plugin';\nexport default definePlugin({ run() { return []; } });\n");
    expect(published, published.message).toMatchObject({ __typename: 'PluginVersion' });
    const list = textOf((await browser.get('/console/developer/plugins')).html);
    expect(list).toMatch(/reminders 1\.0\.0 Waiting for review .* Not reviewed yet/);
    await review(app, reviewer, published.id as string, false, 'Logs patient names.');
    const reviewed = await browser.get('/console/developer/plugins');
    expect(textOf(reviewed.html)).toMatch(/reminders 1\.0\.0 Rejected .* Logs patient names\./);
    const detail = textOf((await browser.get(`/console/developer/plugins/${published.id}`)).html);
    expect(detail).toMatch(/Review Rejected Reviewer’s reason Logs patient names\..*When it runs When someone at the practice runs it .*What it may change Nothing: it only reads/);
  });

  it('registers a webhook, shows its secret once and its delivery log, redelivers and rotates the secret', async () => {
    const registered = await app.gql<{ registerClientApp: { clientId: string } }>(
      'mutation($j: JSON!) { registerClientApp(name: "Listener", jwks: $j) { ... on ClientApp { clientId } } }',
      { j: { keys: [(await appKey('ES384')).publicJwk] } },
      developerToken,
    );
    const clientId = registered.data!.registerClientApp.clientId;
    const invalid = await submit('/console/developer/webhooks', '/console/developer/webhooks/register', { clientId, url: 'hooks.example.com' });
    expect(invalid.status).toBe(400);
    expect(invalid.html).toContain('<a href="#field-url">Enter the endpoint’s full address, starting https://</a>');
    expect(invalid.html).toContain('<a href="#field-eventTypes">Choose at least one event</a>');

    const secretPage = await submit('/console/developer/webhooks', '/console/developer/webhooks/register', { clientId, url: hookUrl, eventTypes: 'enablement.changed' });
    expect(secretPage.status).toBe(200);
    const secret = /data-testid="webhook-secret">(whsec_[^<]+)</.exec(secretPage.html)?.[1];
    expect(secret).toBeDefined();
    expect(textOf((await browser.get('/console/developer/webhooks')).html)).not.toContain(secret!); // shown once only

    // A practice switches the app on: an enablement.changed event reaches the endpoint.
    await grant(app, reviewer, supplierId, ['patient/Patient.rs']);
    const enabled = await app.gql<{ enableApp: { __typename: string } }>('mutation($c: String!) { enableApp(clientId: $c, scopes: ["patient/Patient.rs"]) { __typename } }', { c: clientId }, await app.tokenFor('admin.Z91001'));
    expect(enabled.data!.enableApp.__typename).toBe('Enablement');
    await until(async () => textOf((await browser.get('/console/developer/webhooks')).html).includes('Delivered'));
    const log = await browser.get('/console/developer/webhooks');
    expect(textOf(log.html)).toMatch(new RegExp(`${hookUrl.replace(/[/.]/g, '\\$&')} Status Active App Listener Events A practice switched an app on or off enablement\\.changed`));
    expect(textOf(log.html)).toMatch(/A practice switched an app on or off enablement\.changed evt_\S+ Delivered .* 1 .*: 204/);

    const before = hits;
    const redeliverAction = /action="(\/console\/developer\/webhooks\/deliveries\/[^"]+\/redeliver)"/.exec(log.html)![1]!;
    const again = await follow(await browser.post(redeliverAction, { _csrf: csrfOf(log.html) }));
    expect(textOf(again.html)).toMatch(/enablement\.changed evt_\S+ will be sent again, with the same webhook-id and body\./);
    await until(async () => hits > before);

    const rotateAction = /action="(\/console\/developer\/webhooks\/[^"/]+\/rotate)"/.exec(again.html)![1]!;
    const rotated = await browser.post(rotateAction, { _csrf: csrfOf(again.html) });
    expect(textOf(rotated.html)).toContain('New signing secret');
    const next = /data-testid="webhook-secret">(whsec_[^<]+)</.exec(rotated.html)?.[1];
    expect(next).toMatch(/^whsec_/);
    expect(next).not.toBe(secret);
  });
});
