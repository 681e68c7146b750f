// The practice pages: each file exports `routes` (and may export `nav`); list them here.
import type { ConsoleNavItem, ConsoleRoute } from '../../routes.js';
import * as apps from './apps.js';
import * as audit from './audit.js';
import * as documents from './documents.js';
import * as plugins from './plugins.js';
import * as runs from './runs.js';
import * as tasks from './tasks.js';

const pages: { routes: ConsoleRoute[]; nav?: ConsoleNavItem[] }[] = [apps, plugins, runs, documents, tasks, audit];

export const routes: ConsoleRoute[] = pages.flatMap((p) => p.routes);
export const nav: ConsoleNavItem[] = pages.flatMap((p) => p.nav ?? []);
