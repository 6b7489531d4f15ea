// Maze inference throughput with the shipped model on onnxruntime-node (CPU): mazes/s at batch 1
// and 64, with 16 fixed steps and with adaptive halting, and the GFLOP/s the loop reaches.
import { cpus } from 'node:os';
import { createSolver } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { createMazeGenerator, formatMaze, maze } from '@trm/tasks-maze';
import { stepFlopsPerSample } from './matmul-peak.js';

const threads = Number(process.env.TRM_BENCH_THREADS ?? cpus().length);
const solver = await createSolver({ specialist: maze, runtime: createNodeRuntime({ device: 'cpu', intraOpThreads: threads }) });
const manifest = solver.model.manifest;
const generator = createMazeGenerator({ seed: 2025, band: 'medium', split: 'test' });
const mazes = Array.from({ length: 64 }, () => formatMaze(generator.next().maze));
const flopsPerStep = stepFlopsPerSample(manifest);

for (const batchSize of [1, 64]) {
  for (const halting of [{ mode: 'fixed', steps: 16 }, { mode: 'adaptive', maxSteps: 16 }]) {
    const inputs = mazes.slice(0, batchSize === 1 ? 4 : 64);
    await solver.solveMany(inputs.slice(0, 1), { halting: { mode: 'fixed', steps: 1 }, batchSize }); // warm-up
    const started = performance.now();
    const results = await solver.solveMany(inputs, { halting, batchSize });
    const seconds = (performance.now() - started) / 1000;
    const sampleSteps = results.reduce((sum, result) => sum + result.cost.sampleSteps, 0);
    console.log(
      JSON.stringify({
        bench: 'maze-inference',
        model: manifest.id,
        runtime: 'onnxruntime-node/cpu',
        threads,
        batchSize,
        halting: halting.mode,
        mazes: results.length,
        mazesPerSecond: Number((results.length / seconds).toFixed(3)),
        meanSteps: Number((sampleSteps / results.length).toFixed(2)),
        verified: results.filter((result) => result.verified).length,
        gflops: Number(((sampleSteps * flopsPerStep) / seconds / 1e9).toFixed(1)),
      }),
    );
  }
}
await solver.dispose();
