import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for the example client operations (examples/operations), from the published
// SDL, the way a frontend would generate them. `npm run codegen:client`; CI regenerates into a
// scratch directory (CLIENT_CODEGEN_OUT) and compares it with the committed examples/generated.
const out = process.env.CLIENT_CODEGEN_OUT ?? 'examples/generated/';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: 'examples/operations/*.graphql',
  // The gateway and its tests are ESM with NodeNext resolution: relative imports need `.js`.
  importExtension: '.js',
  generates: {
    [out]: {
      preset: 'client',
      // Operations select plain fields; masking would only add unwrapping for readers.
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        strictScalars: true,
        // On the wire DateTime is an ISO-8601 string; JSON (audit before/after) is any JSON value.
        scalars: { DateTime: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        skipTypename: true,
      },
    },
  },
};

export default config;
