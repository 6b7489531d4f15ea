// Training throughput, in one run: both engines on the shipped sudoku configuration, and the
// onnxruntime engine on the shipped maze configuration (conv mixer) at 30x30: examples
// (slot-steps) per second, achieved GFLOP/s, and the onnxruntime matmul speed on each model's own
// shapes measured in the same process.
import { cpus } from 'node:os';
import { OrtTrmTrainer, TfjsTrmTrainer, initializeTfjsBackend } from '@trm/trainer';
import { createSudokuTrainingData, sudokuTokens as sudoku } from '@trm/tasks-sudoku';
// The sudoku token model's configuration, comparable with this bench's earlier lines.
import { MAZE_SIZE, createMazeTrainingData, maze } from '@trm/tasks-maze';
import { parseModelManifest, withGrid } from '@trm/core';
import { measureModelMatmulPeak, trainingStepFlopsPerSample } from './matmul-peak.js';

const threads = Number(process.env.TRM_BENCH_THREADS ?? cpus().length);

async function measure({ engine, manifest, batchSize, trainer, data, steps }) {
  const flops = trainingStepFlopsPerSample(manifest);
  const peak = await measureModelMatmulPeak(manifest, batchSize, threads);
  await trainer.trainStep(data); // warm-up (graph optimisation, kernel selection)
  let seconds = 0;
  for (let step = 0; step < steps; step++) seconds += (await trainer.trainStep(data)).stepSeconds;
  trainer.dispose();
  const examplesPerSecond = (steps * batchSize) / seconds;
  const gflops = (examplesPerSecond * flops) / 1e9;
  console.log(
    JSON.stringify({
      bench: 'train',
      engine,
      model: manifest.id,
      grid: manifest.architecture.grid ? `${manifest.architecture.grid.height}x${manifest.architecture.grid.width}` : undefined,
      batchSize,
      threads: engine === 'ort' ? threads : 1,
      examplesPerSecond: Number(examplesPerSecond.toFixed(2)),
      secondsPerStep: Number((seconds / steps).toFixed(3)),
      gflops: Number(gflops.toFixed(1)),
      peakGflops: Number(peak.toFixed(1)),
      ofPeak: Number((gflops / peak).toFixed(2)),
    }),
  );
  return examplesPerSecond;
}

const sudokuManifest = parseModelManifest(sudoku.model.manifest);
const sudokuBatch = Number(process.env.TRM_BENCH_BATCH ?? sudokuManifest.training.hyperparameters.batchSize ?? 64);
const sudokuSettings = { architecture: sudokuManifest.architecture, recursion: sudokuManifest.recursion, batchSize: sudokuBatch, seed: 1 };
const ort = await measure({ engine: 'ort', manifest: sudokuManifest, batchSize: sudokuBatch, trainer: await OrtTrmTrainer.create({ ...sudokuSettings, threads }), data: createSudokuTrainingData({ seed: 1 }), steps: 10 });
const backend = await initializeTfjsBackend();
const tfjs = await measure({ engine: 'tfjs', manifest: sudokuManifest, batchSize: sudokuBatch, trainer: new TfjsTrmTrainer(sudokuSettings), data: createSudokuTrainingData({ seed: 1 }), steps: 3 });
console.log(JSON.stringify({ bench: 'train-speedup', tfjsBackend: backend, ortOverTfjs: Number((ort / tfjs).toFixed(2)) }));

// The maze model trains at the size the bench names (its weights are size-free).
const mazeShipped = parseModelManifest(maze.model.manifest);
const mazeManifest = { ...mazeShipped, architecture: withGrid(mazeShipped.architecture, { height: MAZE_SIZE, width: MAZE_SIZE }) };
const mazeBatch = Number(mazeShipped.training.hyperparameters.batchSize ?? 32);
await measure({
  engine: 'ort',
  manifest: mazeManifest,
  batchSize: mazeBatch,
  trainer: await OrtTrmTrainer.create({ architecture: mazeManifest.architecture, recursion: mazeManifest.recursion, batchSize: mazeBatch, seed: 1, threads }),
  data: createMazeTrainingData({ seed: 1, side: MAZE_SIZE, bands: ['medium'] }),
  steps: 4,
});
