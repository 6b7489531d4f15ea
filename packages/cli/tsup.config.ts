import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm'],
  // A command-line tool: no type declarations to publish.
  dts: false,
  clean: true,
  target: 'es2022',
  platform: 'node',
  sourcemap: true,
});
