// The sandbox practices to test against: synthetic practices with synthetic patients, one list per
// clinical system, saying which ones the company's apps and plugins can reach at its current stage.
import { heading, insetText, table, tag } from '../../components.js';
import { html } from '../../html.js';
import { enumLabel } from '../../labels.js';
import { page, type ConsoleNavItem, type ConsoleRequest, type ConsoleResult, type ConsoleRoute } from '../../routes.js';
import { SANDBOX_ACCESS_STAGES } from '../../../domain/pipeline.js';

const BASE = '/console/developer/sandbox';
const ROLES = ['SUPPLIER_DEVELOPER'] as const;

interface Practice {
  odsCode: string;
  name: string;
  sandbox: boolean;
  system: { id: string; name: string };
}

async function sandboxPage(req: ConsoleRequest): Promise<ConsoleResult> {
  const data = await req.api<{ practices: { edges: { node: Practice }[] }; mySupplier: { pairings: Array<{ stage: string; system: { id: string } }> } | null }>(
    '{ practices(first: 100) { edges { node { odsCode name sandbox system { id name } } } } mySupplier { pairings { stage system { id } } } }',
  );
  const stageOf = new Map((data.mySupplier?.pairings ?? []).map((p) => [p.system.id, p.stage]));
  const sandbox = data.practices.edges.map((e) => e.node).filter((p) => p.sandbox);
  const rows = sandbox.map((p) => {
    const stage = stageOf.get(p.system.id);
    const reachable = stage !== undefined && (SANDBOX_ACCESS_STAGES as readonly string[]).includes(stage);
    return [
      html`<code>${p.odsCode}</code>`,
      p.name,
      enumLabel('ClinicalSystemId', p.system.id),
      reachable
        ? tag('You can test here', 'green')
        : html`${tag('Not yet', 'grey')}<br><span class="nhsuk-body-s">${stage ? `Your pairing is at “${enumLabel('PairingStage', stage)}”: it needs a testing stage.` : 'You have not applied for this clinical system.'}</span>`,
    ];
  });
  return page(
    'Sandbox practices',
    html`${heading('Sandbox practices', 'Test against')}
      <p class="nhsuk-body">These practices hold synthetic patients only (NHS numbers in the 999 range, never issued to real people). Once NHS England moves your pairing for a clinical system to a testing stage, a sandbox practice of that system can switch your app on, and your plugins can run there with their logs visible to you.</p>
      ${insetText(html`<p>List a practice’s patients through the API: <code>{ practice(odsCode: "Z91001") { ... on Practice { patients(first: 10) { edges { node { nhsNumber } } } } } }</code></p>`)}
      ${table({ caption: 'Sandbox practices', id: 'sandbox-practices', empty: 'There are no sandbox practices on this server.', head: ['ODS code', 'Practice', 'Clinical system', 'Can your company reach it?'], rows })}`,
  );
}

export const routes: ConsoleRoute[] = [{ method: 'GET', path: BASE, roles: [...ROLES], handle: sandboxPage }];

export const nav: ConsoleNavItem[] = [{ text: 'Sandbox practices', href: BASE, roles: [...ROLES] }];
