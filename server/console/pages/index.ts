// Every console page, gathered. Each folder owns its index (reviewer, practice, developer).
import type { ConsoleNavItem, ConsoleRoute } from '../routes.js';
import * as developer from './developer/index.js';
import * as practice from './practice/index.js';
import * as reviewer from './reviewer/index.js';

const folders = [reviewer, practice, developer];

export const consoleRoutes: ConsoleRoute[] = folders.flatMap((f) => f.routes);
export const consoleNav: ConsoleNavItem[] = folders.flatMap((f) => f.nav ?? []);
