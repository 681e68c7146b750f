// The page frame: NHS.UK header (service name, who is signed in, sign out), navigation for the
// person's role, breadcrumbs, a flash message, main content and footer. No inline script or style
// (the CSP forbids them): the one script that marks JavaScript as available is a file.
import { html, type Html } from './html.js';
import type { Breadcrumb, ConsoleNavItem, Flash } from './routes.js';
import type { ConsoleSession } from './session-types.js';
import { roleName } from './names.js';

export const ASSETS = '/console/assets';
export const SERVICE_NAME = 'GP Open Integration console';

const NHS_LOGO = html`<svg class="nhsuk-header__logo" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 80" height="40" width="100" focusable="false" role="img" aria-label="NHS"><title>NHS</title><path fill="currentcolor" d="M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z"/></svg>`;

export interface PageFrame {
  title: string;
  /** Null on pages shown before sign-in (sign-in, errors of an unknown visitor). */
  session: ConsoleSession | null;
  body: Html;
  breadcrumbs?: Breadcrumb[];
  flash?: Flash | null;
  /** Navigation links; the console's server passes those of the person's role. */
  nav?: ConsoleNavItem[];
  /** Marks the nav link of the current page. */
  currentPath?: string;
}

/** The person's name, with their role and practice unless the name already says them. */
function whoIsSignedIn(session: ConsoleSession): string {
  const role = roleName(session.role);
  const facts = [
    session.name.toLowerCase().includes(role.toLowerCase()) ? null : role,
    session.practiceOds && !session.name.includes(session.practiceOds) ? session.practiceOds : null,
  ].filter((f): f is string => f !== null);
  return facts.length ? `${session.name} (${facts.join(', ')})` : session.name;
}

function header(session: ConsoleSession | null): Html {
  const account = session
    ? html`<nav class="nhsuk-header__account" aria-label="Account">
        <ul class="nhsuk-header__account-list">
          <li class="nhsuk-header__account-item" data-testid="signed-in-person">${whoIsSignedIn(session)}</li>
          <li class="nhsuk-header__account-item">
            <form class="nhsuk-header__account-form" action="/console/sign-out" method="post" novalidate>
              <input type="hidden" name="_csrf" value="${session.csrfToken}">
              <button class="nhsuk-header__account-button">Sign out</button>
            </form>
          </li>
        </ul>
      </nav>`
    : null;
  return html`<header class="nhsuk-header" data-module="nhsuk-header" role="banner">
    <div class="nhsuk-header__container nhsuk-width-container">
      <div class="nhsuk-header__service">
        <a class="nhsuk-header__service-logo" href="/console" aria-label="${SERVICE_NAME} homepage">${NHS_LOGO}<span class="nhsuk-header__service-name">${SERVICE_NAME}</span></a>
      </div>
      ${account}
    </div>
  </header>`;
}

function navigation(items: ConsoleNavItem[], currentPath: string | undefined): Html | null {
  if (items.length === 0) return null;
  return html`<nav class="nhsuk-width-container console-nav" aria-label="Console sections">
    <ul class="nhsuk-list console-nav__list">
      ${items.map((item) => {
        const current = currentPath !== undefined && (currentPath === item.href || currentPath.startsWith(item.href + '/'));
        return html`<li class="console-nav__item"><a class="nhsuk-link" href="${item.href}"${current ? html` aria-current="page"` : ''}>${item.text}</a></li>`;
      })}
    </ul>
  </nav>`;
}

function breadcrumbTrail(items: Breadcrumb[] | undefined): Html | null {
  if (!items || items.length === 0) return null;
  const back = items[items.length - 1]!;
  return html`<nav class="nhsuk-breadcrumb" aria-label="Breadcrumb">
    <ol class="nhsuk-breadcrumb__list">
      ${items.map((b) => html`<li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href="${b.href}">${b.text}</a></li>`)}
    </ol>
    <a class="nhsuk-back-link" href="${back.href}"><span class="nhsuk-u-visually-hidden">Back to </span>${back.text}</a>
  </nav>`;
}

function flashMessage(flash: Flash | null | undefined): Html | null {
  if (!flash) return null;
  if (flash.kind === 'error') {
    return html`<div class="nhsuk-error-summary" aria-labelledby="flash-title" role="alert" tabindex="-1"><h2 class="nhsuk-error-summary__title" id="flash-title">There is a problem</h2><div class="nhsuk-error-summary__body"><p>${flash.message}</p></div></div>`;
  }
  return html`<div class="nhsuk-inset-text console-flash" role="status"><span class="nhsuk-u-visually-hidden">Information: </span><p>${flash.message}</p></div>`;
}

export function renderPage(frame: PageFrame): string {
  const { title, session, body } = frame;
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title} – ${SERVICE_NAME}</title>
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#005eb8">
<link rel="icon" href="${ASSETS}/images/favicon.ico" sizes="48x48">
<link rel="icon" href="${ASSETS}/images/favicon.svg" sizes="any" type="image/svg+xml">
<link rel="stylesheet" href="${ASSETS}/nhsuk-frontend.min.css">
<link rel="stylesheet" href="${ASSETS}/console.css">
</head>
<body>
<script src="${ASSETS}/console.js"></script>
<a class="nhsuk-skip-link" data-module="nhsuk-skip-link" href="#maincontent">Skip to main content</a>
${header(session)}
${navigation(frame.nav ?? [], frame.currentPath)}
<div class="nhsuk-width-container">
${breadcrumbTrail(frame.breadcrumbs)}
<main class="nhsuk-main-wrapper" id="maincontent">
${flashMessage(frame.flash)}
${body}
</main>
</div>
<footer class="nhsuk-footer" role="contentinfo">
  <div class="nhsuk-width-container">
    <div class="nhsuk-footer__meta">
      <h2 class="nhsuk-u-visually-hidden">Support links</h2>
      <ul class="nhsuk-footer__list">
        <li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="/console">Console home</a></li>
        <li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="/graphql">GraphQL API</a></li>
      </ul>
      <p class="nhsuk-body-s">© NHS England</p>
    </div>
  </div>
</footer>
<script type="module" src="${ASSETS}/nhsuk-frontend.min.js"></script>
<script type="module" src="${ASSETS}/console-init.js"></script>
</body>
</html>`.value;
}
