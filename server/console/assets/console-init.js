// Starts the design system's components (skip link, header, error summary focus, ...).
import { initAll } from './nhsuk-frontend.min.js';

initAll();
