export * from './governance.js';
export * from './sandbox.js';
