import { defineConfig } from 'vite';

// Cross-origin isolation lets onnxruntime-web use WebAssembly threads.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  // Relative asset paths: the built page works from any folder, and offline once loaded.
  base: './',
  server: { headers: isolation },
  preview: { headers: isolation },
  optimizeDeps: { exclude: ['onnxruntime-web', '@trm/core', '@trm/runtime-web', '@trm/tasks-sudoku', '@trm/tasks-maze'] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 30_000,
    // onnxruntime-web starts its wasm worker threads from its own module URL: keep it in a chunk of
    // its own, so a worker loads onnxruntime alone and not the page's code.
    rollupOptions: { output: { manualChunks: (id) => (id.includes('onnxruntime-web') ? 'onnxruntime-web' : undefined) } },
  },
});
