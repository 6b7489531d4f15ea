// Maze inference throughput on onnxruntime-node (CPU), in one run: the shipped conv-mixer model
// against the attention model it replaced (bench/models/maze-attention), mazes/s at batch 1 and
// 64 with 16 fixed steps and with adaptive halting, and the GFLOP/s the loop reaches. The conv
// model also runs 48x48 mazes, which the attention model cannot.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createSolver, parseModelManifest } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { createMaze, createMazeGenerator, formatMaze, maze } from '@trm/tasks-maze';
import { stepFlopsPerSample } from './matmul-peak.js';

const threads = Number(process.env.TRM_BENCH_THREADS ?? cpus().length);
const attentionManifest = parseModelManifest(JSON.parse(readFileSync(new URL('./models/maze-attention/manifest.json', import.meta.url), 'utf8')));
const attention = createMaze({ model: { manifest: attentionManifest, weights: new URL(`./models/maze-attention/${attentionManifest.weights[0].path}`, import.meta.url) } });
const rows = [];

for (const [specialist, side] of [[maze, 30], [attention, 30], [maze, 48]]) {
  const solver = await createSolver({ specialist, runtime: createNodeRuntime({ device: 'cpu', threads: threads }) });
  const generator = createMazeGenerator({ seed: 2025, side, band: 'medium', split: 'test' });
  const mazes = Array.from({ length: 64 }, () => formatMaze(generator.next().maze));
  const manifest = side === 30 ? solver.model.manifest : solver.model.withGrid({ height: side, width: side }).manifest;
  const flopsPerStep = stepFlopsPerSample(manifest);
  for (const batchSize of [1, 64]) {
    // The network alone (searchSteps 0: the shipped maze model searches by default).
    for (const [mode, halting] of [['fixed', { fixedSteps: 16, searchSteps: 0 }], ['adaptive', { maxSteps: 16, searchSteps: 0 }]]) {
      const inputs = mazes.slice(0, batchSize === 1 ? 4 : 64);
      await solver.solveMany(inputs.slice(0, 1), { fixedSteps: 1, searchSteps: 0, batchSize }); // warm-up
      const started = performance.now();
      const results = await solver.solveMany(inputs, { ...halting, batchSize });
      const seconds = (performance.now() - started) / 1000;
      const sampleSteps = results.reduce((sum, result) => sum + result.cost.sampleSteps, 0);
      const row = {
        bench: 'maze-inference',
        model: manifest.id,
        mixer: manifest.architecture.mixer,
        grid: `${side}x${side}`,
        runtime: 'onnxruntime-node/cpu',
        threads,
        batchSize,
        halting: mode,
        mazes: results.length,
        mazesPerSecond: Number((results.length / seconds).toFixed(3)),
        msPerMazeStep: Number(((1000 * seconds) / sampleSteps).toFixed(2)),
        meanSteps: Number((sampleSteps / results.length).toFixed(2)),
        verified: results.filter((result) => result.verified).length,
        gflops: Number(((sampleSteps * flopsPerStep) / seconds / 1e9).toFixed(1)),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
  await solver.dispose();
}

// The comparison: fixed 16 steps at batch 64, conv over attention, both 30x30.
const at = (mixer) => rows.find((row) => row.mixer === mixer && row.grid === '30x30' && row.batchSize === 64 && row.halting === 'fixed');
console.log(JSON.stringify({ bench: 'maze-inference-ratio', batchSize: 64, halting: 'fixed', convOverAttention: Number((at('conv').mazesPerSecond / at('attention').mazesPerSecond).toFixed(2)) }));
