// The practice pages: each file exports `routes` (and may export `nav`); list them here.
import type { ConsoleNavItem, ConsoleRoute } from '../../routes.js';

const pages: { routes: ConsoleRoute[]; nav?: ConsoleNavItem[] }[] = [];

export const routes: ConsoleRoute[] = pages.flatMap((p) => p.routes);
export const nav: ConsoleNavItem[] = pages.flatMap((p) => p.nav ?? []);
