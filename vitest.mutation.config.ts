// The test files mutation testing runs (npm run test:mutation): fast, in-process tests of the
// security- and safety-critical modules. Each mutant reruns the tests that cover it, so only quick
// tests belong here; the integration suite still covers the same modules end to end.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // As in vitest.config.ts: one copy of graphql.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: [
      'test/identifiers.test.ts',
      'test/domain-rules.test.ts',
      'test/audit-merkle.test.ts',
      'test/audit-event.test.ts',
      'test/gp-connect/section-status.test.ts',
      'test/gp-connect/list-invariant.test.ts',
      'test/gp-connect/section-answer.test.ts',
      'test/audit-checkpoint-signer.test.ts',
      'test/permission-rules.test.ts',
      'test/client-assertion.test.ts',
    ],
    testTimeout: 60_000,
  },
});
