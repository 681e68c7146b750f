// Generates the SDK's typed documents from the committed schema and sdk/operations/*.graphql.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['sdk/operations/*.graphql'],
  emitLegacyCommonJSImports: false,
  generates: {
    'sdk/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        scalars: { Date: 'string', DateTime: 'string' },
      },
    },
  },
  hooks: {},
};

export default config;
