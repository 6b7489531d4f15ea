import { defineConfig, type Options } from 'tsup';

/** The build every library package shares: ESM, type declarations, ES2022. */
export function libraryConfig(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    clean: true,
    target: 'es2022',
    sourcemap: true,
    ...overrides,
  });
}
