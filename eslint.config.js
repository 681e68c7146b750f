// Lint: typescript-eslint recommended rules plus the house layering rules from DESIGN.md.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'sdk/dist/**', 'sdk/generated/**', '.data/**', 'scratch/**', 'drizzle/**', '.stryker-tmp/**', 'reports/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only server/env.ts reads process.env.' }],
    },
  },
  { files: ['server/env.ts'], rules: { 'no-restricted-properties': 'off' } },
  {
    files: ['server/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['graphql', 'graphql-*', '@pothos/*'], message: 'Domain code never imports graphql.' },
        { group: ['**/graphql/**', '**/graphql'], message: 'Domain code does not depend on the schema layer.' },
      ] }],
    },
  },
  {
    files: ['sdk/**/*.ts', 'plugins/**/*.{ts,js}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/server/**', '**/server'], message: 'The SDK and plugins never import the server.' },
      ] }],
    },
  },
  {
    files: ['server/graphql/schema/**/*.ts', 'server/graphql/permissions.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['drizzle-orm', 'drizzle-orm/*', '**/db/schema/*', '**/db/schema/index.js'], message: 'Schema code never builds SQL: call domain functions and loaders.' },
      ] }],
    },
  },
);
