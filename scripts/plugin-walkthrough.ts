// npm run walkthrough:plugin [-- --url http://127.0.0.1:4000]: after `npm run walkthrough`, a plugin
// from publication to a run at a sandbox practice, through the API only: the developer publishes
// plugins/medication-review (a fresh pre-release version each time, so it can be run again), the
// reviewer approves it, the admin of sandbox practice Z91001 enables and runs it, and a clinician
// reads the worklist it filled and closes a task.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEnv } from '../server/env.js';
import {
  ClosePracticeTaskDocument,
  EnablePluginDocument,
  GrantScopesDocument,
  MySupplierDocument,
  PracticeTasksDocument,
  PublishPluginVersionDocument,
  ReviewPluginVersionDocument,
  RunPluginDocument,
  createClient,
} from '../sdk/index.js';

const PRACTICE = 'Z91001';
const folder = resolve(import.meta.dirname, '../plugins/medication-review');
const say = (line = '') => console.log(line);
function stop(message: string): never {
  console.error(`plugin walkthrough stopped: ${message}`);
  process.exit(1);
}

async function main() {
  const { values } = parseArgs({ options: { url: { type: 'string' } } });
  const base = (values.url ?? loadEnv().publicUrl).replace(/\/+$/, '').replace(/\/graphql$/, '').replace('//0.0.0.0', '//127.0.0.1');
  const token = async (person: string) => {
    const body = (await (await fetch(`${base}/dev-issuer/token?person=${encodeURIComponent(person)}`)).json().catch(() => ({}))) as { access_token?: string };
    return body.access_token ?? stop(`no development token for ${person} (is the server at ${base} running?)`);
  };
  const as = async (person: string) => createClient({ url: `${base}/graphql`, token: await token(person) });
  const manifest = JSON.parse(readFileSync(resolve(folder, 'plugin.json'), 'utf8')) as { version: string; scopes: string[]; name: string };
  const bundle = readFileSync(resolve(folder, 'plugin.js'), 'utf8');

  say(`Plugin walkthrough against ${base}\n\n1. Reviewer: grant the plugin's scopes to the walkthrough supplier`);
  const developer = await as('developer');
  const { mySupplier } = await developer.request(MySupplierDocument);
  if (!mySupplier) stop('the developer has not applied yet: run `npm run walkthrough` first');
  const reviewer = await as('reviewer');
  const { grantScopes } = await reviewer.request(GrantScopesDocument, { supplierId: mySupplier.id, scopes: manifest.scopes });
  if (grantScopes.__typename !== 'Supplier') stop(`grantScopes: ${'code' in grantScopes ? `${grantScopes.code}: ${grantScopes.message}` : 'refused'}`);
  say(`   granted: ${manifest.scopes.join(', ')}`);

  heading('2. Developer: publish plugins/medication-review');
  const version = `${manifest.version}-walkthrough.${Date.now()}`;
  const { publishPluginVersion: published } = await developer.request(PublishPluginVersionDocument, { manifest: { ...manifest, version }, bundle });
  if (published.__typename !== 'PluginVersion') stop(`publishPluginVersion: ${published.__typename === 'ActionRefused' ? `${published.code}: ${published.message}` : ''}`);
  say(`   ${published.name}@${published.version}: ${published.status}, sha256 ${published.bundleSha256.slice(0, 16)}..., ${published.bundleBytes} bytes`);

  heading('3. Reviewer: approve it with a reason');
  const { reviewPluginVersion: reviewed } = await reviewer.request(ReviewPluginVersionDocument, { versionId: published.id, approve: true, reason: 'Reads medications only to remind of reviews.' });
  if (reviewed.__typename !== 'PluginVersion') stop('reviewPluginVersion refused');
  say(`   ${reviewed.status}: ${reviewed.reviewReason}`);

  heading(`4. Practice admin at ${PRACTICE}: enable it with its scopes and run it now`);
  const admin = await as(`admin.${PRACTICE}`);
  const { enablePlugin } = await admin.request(EnablePluginDocument, { versionId: published.id, scopes: manifest.scopes });
  if (enablePlugin.__typename !== 'PluginEnablement') stop(`enablePlugin: ${enablePlugin.__typename === 'ActionRefused' ? `${enablePlugin.code}: ${enablePlugin.message}` : ''}`);
  const { runPlugin: run } = await admin.request(RunPluginDocument, { name: manifest.name });
  if (run.__typename !== 'PluginRun') stop(`runPlugin: ${run.__typename === 'ActionRefused' ? `${run.code}: ${run.message}` : ''}`);
  say(`   run ${run.id}: ${run.outcome}, ${run.effectsApplied} tasks created, ${run.durationMs} ms, ${(run.memoryBytes / 1024).toFixed(0)} KiB`);
  for (const line of run.logs ?? []) say(`   log: ${line}`);
  if (run.outcome !== 'OK') stop(`the run ended ${run.outcome}: ${run.error}`);

  heading(`5. Clinician at ${PRACTICE}: the worklist, and closing a task`);
  const clinician = await as(`clinician.${PRACTICE}`);
  const { practiceTasks } = await clinician.request(PracticeTasksDocument, { status: 'OPEN', first: 100 });
  const fromRun = practiceTasks.filter((t) => t.createdByRun === run.id);
  say(`   ${fromRun.length} open tasks from this run, e.g. ${fromRun[0] ? `${fromRun[0].nhsNumber}: ${fromRun[0].title} (due ${fromRun[0].dueDate})` : 'none'}`);
  if (fromRun[0]) {
    const { closePracticeTask } = await clinician.request(ClosePracticeTaskDocument, { taskId: fromRun[0].id });
    say(`   closed ${fromRun[0].id}: ${closePracticeTask.__typename === 'PracticeTask' ? closePracticeTask.status : closePracticeTask.__typename}`);
  }
}

function heading(title: string) {
  say(`\n${title}`);
}

main().catch((error: unknown) => stop(error instanceof Error ? error.message : String(error)));
