import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql ships CommonJS (main) and ESM (module) builds. Node loads the CommonJS one for every
    // library; Vite would pick the ESM one for our sources, and two copies break `instanceof GraphQLError`.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Most files spend their time waiting on PostgreSQL, child server processes or a browser, so
    // more files than cores run at once (vitest's default is one fewer fork than cores: one, on two).
    poolOptions: { forks: { maxForks: 3 } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
