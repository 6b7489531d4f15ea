// Training throughput of both engines on the shipped sudoku configuration, in one run:
// examples (slot-steps) per second, achieved GFLOP/s, and the onnxruntime matmul speed on the
// model's own shapes measured in the same process.
import { cpus } from 'node:os';
import { OrtTrmTrainer, TfjsTrmTrainer, initializeTfjsBackend } from '@trm/trainer';
import { createSudokuTrainingData, sudoku } from '@trm/tasks-sudoku';
import { parseModelManifest } from '@trm/core';
import { measureModelMatmulPeak, trainingStepFlopsPerSample } from './matmul-peak.js';

const manifest = parseModelManifest(sudoku.model.manifest);
const batchSize = Number(process.env.TRM_BENCH_BATCH ?? manifest.training.hyperparameters.batchSize ?? 64);
const threads = Number(process.env.TRM_BENCH_THREADS ?? cpus().length);
const settings = { architecture: manifest.architecture, recursion: manifest.recursion, batchSize, seed: 1 };
const flops = trainingStepFlopsPerSample(manifest);
const peak = await measureModelMatmulPeak(manifest, batchSize, threads);

async function measure(engine, trainer, steps) {
  const data = createSudokuTrainingData({ seed: 1 });
  await trainer.trainStep(data); // warm-up (graph optimisation, kernel selection)
  let seconds = 0;
  for (let step = 0; step < steps; step++) seconds += (await trainer.trainStep(data)).stepSeconds;
  trainer.dispose();
  const examplesPerSecond = (steps * batchSize) / seconds;
  console.log(
    JSON.stringify({
      bench: 'train',
      engine,
      model: manifest.id,
      batchSize,
      threads: engine === 'ort' ? threads : 1,
      examplesPerSecond: Number(examplesPerSecond.toFixed(2)),
      secondsPerStep: Number((seconds / steps).toFixed(3)),
      gflops: Number(((examplesPerSecond * flops) / 1e9).toFixed(1)),
      peakGflops: Number(peak.toFixed(1)),
    }),
  );
  return examplesPerSecond;
}

const ort = await measure('ort', await OrtTrmTrainer.create({ ...settings, threads }), 10);
const backend = await initializeTfjsBackend();
const tfjs = await measure('tfjs', new TfjsTrmTrainer(settings), 3);
console.log(JSON.stringify({ bench: 'train-speedup', tfjsBackend: backend, ortOverTfjs: Number((ort / tfjs).toFixed(2)) }));
