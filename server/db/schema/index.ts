export * from './governance.js';
export * from './access.js';
export * from './audit.js';
export * from './sandbox.js';
export * from './plugins.js';
export * from './events.js';
export * from './console.js';
