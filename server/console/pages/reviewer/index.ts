// The reviewer pages (and the audit explorer, which practice users share): each file exports
// `routes` (and may export `nav`); list them here.
import type { ConsoleNavItem, ConsoleRoute } from '../../routes.js';
import * as audit from './audit.js';
import * as board from './board.js';
import * as plugins from './plugins.js';
import * as supplier from './supplier.js';

const pages: { routes: ConsoleRoute[]; nav?: ConsoleNavItem[] }[] = [board, supplier, plugins, audit];

export const routes: ConsoleRoute[] = pages.flatMap((p) => p.routes);
export const nav: ConsoleNavItem[] = pages.flatMap((p) => p.nav ?? []);
