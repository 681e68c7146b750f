// The supplier pipeline as a board: every pairing in its stage's column, and the live count
// against the cap NHS England set.
import { heading, insetText, tag } from '../../components.js';
import { html } from '../../html.js';
import { enumName } from '../../names.js';
import { page, type ConsoleNavItem, type ConsoleRoute } from '../../routes.js';
import { STAGE_ORDER, stageTag } from './shared.js';

interface BoardData {
  liveSuppliers: { live: number; cap: number };
  suppliers: { edges: { node: { id: string; name: string; pairings: { id: string; stage: string; system: { id: string; name: string } }[] } }[]; pageInfo: { hasNextPage: boolean } };
}

const BOARD = /* GraphQL */ `
  query Board {
    liveSuppliers { live cap }
    suppliers(first: 100) { edges { node { id name pairings { id stage system { id name } } } } pageInfo { hasNextPage } }
  }`;

export const nav: ConsoleNavItem[] = [{ text: 'Pipeline', href: '/console/reviewer/board', roles: ['REVIEWER'] }];

export const routes: ConsoleRoute[] = [
  {
    method: 'GET',
    path: '/console/reviewer/board',
    roles: ['REVIEWER'],
    async handle(req) {
      const data = await req.api<BoardData>(BOARD);
      const cards = new Map<string, { supplierId: string; supplierName: string; pairingId: string; system: string }[]>(STAGE_ORDER.map((s) => [s, []]));
      for (const { node } of data.suppliers.edges) {
        for (const p of node.pairings) cards.get(p.stage)?.push({ supplierId: node.id, supplierName: node.name, pairingId: p.id, system: p.system.name });
      }
      const { live, cap } = data.liveSuppliers;
      const full = live >= cap;
      const body = html`${heading('Supplier pipeline', 'NHS England review')}
        <p class="nhsuk-body-l" data-testid="live-count">${live} of ${cap} live suppliers ${full ? tag('At the cap', 'red') : tag(`${cap - live} places left`, 'green')}</p>
        ${full ? insetText(html`<p>No pairing can go live until another live supplier is suspended or revoked.</p>`) : null}
        <div class="console-board">
          ${STAGE_ORDER.map((stage) => {
            const list = cards.get(stage) ?? [];
            return html`<section class="console-board__column" aria-labelledby="stage-${stage}">
              <h2 id="stage-${stage}">${enumName('PairingStage', stage)} <span class="nhsuk-u-visually-hidden">:</span> <span class="nhsuk-body-s">(${list.length})</span></h2>
              ${
                list.length === 0
                  ? html`<p class="nhsuk-body-s">None</p>`
                  : html`<ul class="nhsuk-list">${list.map(
                      (c) => html`<li class="console-board__card"><a class="nhsuk-link" href="/console/reviewer/suppliers/${encodeURIComponent(c.supplierId)}/pairings/${encodeURIComponent(c.pairingId)}">${c.supplierName}<span class="nhsuk-u-visually-hidden"> on</span> <span class="nhsuk-body-s">– ${c.system}</span></a></li>`,
                    )}</ul>`
              }
            </section>`;
          })}
        </div>
        ${data.suppliers.pageInfo.hasNextPage ? html`<p class="nhsuk-body-s">Showing the newest 100 suppliers.</p>` : null}
        <p class="nhsuk-body">Stages: ${STAGE_ORDER.map((s, i) => html`${i ? ', ' : ''}${stageTag(s)}`)}</p>`;
      return page('Supplier pipeline', body);
    },
  },
];
