// Sudoku inference throughput with the shipped model on onnxruntime-node (CPU):
// puzzles/s at batch 1, 64 and 256 (median of TRM_BENCH_REPEATS runs, default 5), with 16 fixed
// steps and with adaptive halting, and the
// GFLOP/s the loop reaches against a raw onnxruntime matmul of the model's largest shape.
import { createSolver } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { createSudokuGenerator, formatSudoku, sudokuTokens as sudoku } from '@trm/tasks-sudoku';
// The sudoku token model: fixed steps time it, comparable with this bench's earlier lines (the default
// candidate model runs one step per search state; `pnpm bench sudoku-search` times it).
import { cpus } from 'node:os';
import { measureModelMatmulPeak, stepFlopsPerSample } from './matmul-peak.js';

const threads = Number(process.env.TRM_BENCH_THREADS ?? cpus().length);
const solver = await createSolver({ specialist: sudoku, runtime: createNodeRuntime({ device: 'cpu', threads: threads }) });
const manifest = solver.model.manifest;
const generator = createSudokuGenerator({ seed: 2024 });
const puzzles = Array.from({ length: 768 }, () => formatSudoku(generator.next().puzzle));
const flopsPerStep = stepFlopsPerSample(manifest);
// Batch 64 and 256 solve the same 768 puzzles (12 and 3 batches), alternated and repeated, so
// they are compared on equal work and drift falls on both; the median run is reported.
const repeats = Number(process.env.TRM_BENCH_REPEATS ?? 5);

const peaks = new Map();
for (const batchSize of [1, 64, 256]) peaks.set(batchSize, await measureModelMatmulPeak(manifest, batchSize, threads));

for (const [mode, halting] of [['fixed', { fixedSteps: 16 }], ['adaptive', { maxSteps: 16 }]]) {
  const runs = new Map([1, 64, 256].map((batchSize) => [batchSize, []]));
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const batchSize of [1, 64, 256]) {
      const inputs = batchSize === 1 ? puzzles.slice(0, 16) : puzzles;
      if (repeat === 0) await solver.solveMany(inputs.slice(0, batchSize), { ...halting, batchSize }); // warm-up
      const started = performance.now();
      const results = await solver.solveMany(inputs, { ...halting, batchSize });
      runs.get(batchSize).push({ seconds: (performance.now() - started) / 1000, results });
    }
  }
  for (const [batchSize, measured] of runs) {
    const rates = measured.map(({ seconds, results }) => results.length / seconds).sort((a, b) => a - b);
    const median = measured.toSorted((a, b) => a.results.length / a.seconds - b.results.length / b.seconds)[Math.floor(measured.length / 2)];
    const { results, seconds } = median;
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
        repeats: measured.length,
        puzzlesPerSecond: Number((results.length / seconds).toFixed(2)),
        puzzlesPerSecondMin: Number(rates[0].toFixed(2)),
        puzzlesPerSecondMax: Number(rates.at(-1).toFixed(2)),
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
