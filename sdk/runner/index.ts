// The production plugin runner, shared by the platform and `gpoi plugin run`.
export { createPluginRunner, DEFAULT_NICENESS, defaultPluginThreads } from './pool.js';
export type { PluginRunner, RunnerOptions, RunRequest, RunResult, RunOutcome } from './pool.js';
export { loadSandboxModule, runInSandbox, WASM_MEMORY_MAX_BYTES } from './sandbox.js';
export type { SandboxResult, SandboxTask, SandboxOutcome } from './sandbox.js';
export { parseWithoutPrototypeKeys } from './safe-json.js';
export { lowerThreadPriority } from './priority.js';
