// Sudoku inference throughput with the shipped model on onnxruntime-node (CPU):
// puzzles/s at batch 1, 64 and 256, with 16 fixed steps and with adaptive halting, and the
// GFLOP/s the loop reaches against a raw onnxruntime matmul of the model's largest shape.
import { createSolver } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { createSudokuGenerator, formatSudoku, sudoku } from '@trm/tasks-sudoku';
import { cpus } from 'node:os';
import { measureModelMatmulPeak, stepFlopsPerSample } from './matmul-peak.js';

const threads = Number(process.env.TRM_BENCH_THREADS ?? cpus().length);
const solver = await createSolver({ specialist: sudoku, runtime: createNodeRuntime({ device: 'cpu', threads: threads }) });
const manifest = solver.model.manifest;
const generator = createSudokuGenerator({ seed: 2024 });
const puzzles = Array.from({ length: 512 }, () => formatSudoku(generator.next().puzzle));
const flopsPerStep = stepFlopsPerSample(manifest);

const peaks = new Map();
for (const batchSize of [1, 64, 256]) peaks.set(batchSize, await measureModelMatmulPeak(manifest, batchSize, threads));

for (const batchSize of [1, 64, 256]) {
  for (const [mode, halting] of [['fixed', { fixedSteps: 16 }], ['adaptive', { maxSteps: 16 }]]) {
    // A stream several batches long, so continuous batching has requests to refill halted slots with.
    const count = batchSize === 1 ? 16 : Math.min(puzzles.length, 4 * batchSize);
    const inputs = puzzles.slice(0, count);
    await solver.solveMany(inputs.slice(0, Math.min(count, batchSize)), { ...halting, batchSize }); // warm-up
    const started = performance.now();
    const results = await solver.solveMany(inputs, { ...halting, batchSize });
    const seconds = (performance.now() - started) / 1000;
    // solveMany streams through continuous batching: each sample costs its own steps.
    const computedSampleSteps = results.reduce((sum, result) => sum + result.cost.sampleSteps, 0);
    const gflops = (computedSampleSteps * flopsPerStep) / seconds / 1e9;
    const peak = peaks.get(batchSize);
    console.log(
      JSON.stringify({
        bench: 'sudoku-inference',
        model: manifest.id,
        runtime: 'onnxruntime-node/cpu',
        threads,
        batchSize,
        halting: mode,
        puzzles: results.length,
        puzzlesPerSecond: Number((results.length / seconds).toFixed(2)),
        meanSteps: Number((results.reduce((sum, result) => sum + result.steps, 0) / results.length).toFixed(2)),
        verified: results.filter((result) => result.verified).length,
        gflops: Number(gflops.toFixed(1)),
        peakGflops: Number(peak.toFixed(1)),
        fractionOfPeak: Number((gflops / peak).toFixed(3)),
      }),
    );
  }
}
await solver.dispose();
