// The developer pages: each file exports `routes` (and may export `nav`); list them here.
import type { ConsoleNavItem, ConsoleRoute } from '../../routes.js';
import * as apps from './apps.js';
import * as plugins from './plugins.js';
import * as sandbox from './sandbox.js';
import * as supplier from './supplier.js';
import * as webhooks from './webhooks.js';

const pages: { routes: ConsoleRoute[]; nav?: ConsoleNavItem[] }[] = [supplier, apps, plugins, webhooks, sandbox];

export const routes: ConsoleRoute[] = pages.flatMap((p) => p.routes);
export const nav: ConsoleNavItem[] = pages.flatMap((p) => p.nav ?? []);
