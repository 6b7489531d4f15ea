import { defineConfig } from 'vite';

// Cross-origin isolation lets onnxruntime-web use WebAssembly threads.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

// onnxruntime-web starts its wasm threads from its own module URL, so each build (the plain
// WebAssembly one and the one with WebGPU) lives in a chunk of its own, apart from the page's code.
const ortChunk = (id) => (id.includes('onnxruntime-web') ? (/ort\.wasm\./.test(id) ? 'onnxruntime-web-wasm' : 'onnxruntime-web') : undefined);

export default defineConfig({
  // Relative asset paths: the built page works from any folder, and offline once loaded.
  base: './',
  server: { headers: isolation },
  preview: { headers: isolation },
  optimizeDeps: { exclude: ['onnxruntime-web', '@trm/core', '@trm/runtime-web', '@trm/sdk', '@trm/tasks-sudoku', '@trm/tasks-maze', '@trm/tasks-arc', '@trm/trainer'] },
  // The model runs in a module worker (src/solver-worker.js) that imports onnxruntime-web's chunks.
  worker: { format: 'es', rollupOptions: { output: { manualChunks: ortChunk } } },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 30_000,
    // Two pages: sudoku and mazes (index.html), and ARC with in-browser adaptation (arc.html).
    rollupOptions: { input: { main: 'index.html', arc: 'arc.html' }, output: { manualChunks: ortChunk } },
  },
});
