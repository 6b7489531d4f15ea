import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2022',
  platform: 'browser',
  // The application's bundler resolves onnxruntime-web and its wasm files.
  external: ['onnxruntime-web'],
  sourcemap: true,
});
