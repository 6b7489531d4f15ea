import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, so they need no build of the package under test.
    alias: [
      { find: /^@trm\/core\/contracts$/, replacement: fileURLToPath(new URL('./packages/core/src/contracts/index.ts', import.meta.url)) },
      { find: /^@trm\/core\/node$/, replacement: fileURLToPath(new URL('./packages/core/src/node.ts', import.meta.url)) },
      { find: /^@trm\/core\/test$/, replacement: fileURLToPath(new URL('./packages/core/src/test.ts', import.meta.url)) },
      { find: /^@trm\/(core|trainer|runtime-node|runtime-web|tasks-sudoku|tasks-maze|tasks-arc|router|cli|sdk)$/, replacement: source('$1') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'bench/**/*.test.ts', 'examples/*/*.test.js', 'scripts/*.test.js'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
