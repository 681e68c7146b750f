// The console's home page: where a person's work is, for their role.
import { html, type Html } from './html.js';
import type { ConsoleNavItem } from './routes.js';
import { roleName } from './names.js';
import type { ConsoleSession } from './session-types.js';

export function homeBody(session: ConsoleSession, nav: ConsoleNavItem[]): Html {
  return html`<h1 class="nhsuk-heading-l">${roleName(session.role)}</h1>
    <p class="nhsuk-body-l">Signed in as ${session.name}${session.practiceOds ? ` at practice ${session.practiceOds}` : ''}.</p>
    ${
      nav.length > 0
        ? html`<ul class="nhsuk-list">${nav.map((n) => html`<li><a class="nhsuk-link" href="${n.href}">${n.text}</a></li>`)}</ul>`
        : html`<p class="nhsuk-body">There are no console pages for your role yet; the GraphQL API at <a class="nhsuk-link" href="/graphql">/graphql</a> does everything the console does.</p>`
    }`;
}
