import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedDeviceError, createRandom } from '@trm/core';
import { OrtTrmTrainer } from './ort-trainer';
import { initializeTfjsBackend } from '../tfjs/tfjs-backend';
import { tinyArchitecture } from '../testing/test-models';
import { loadCheckpoint } from './checkpoint';
import { runTraining } from './run-training';
import { TfjsTrmTrainer } from './train-trm';
import type { TrainingDataSource } from './training-data-source';

/** Copy task: the answer is the input. Easy enough to learn in a few dozen steps. */
function copyData(seed: number): TrainingDataSource {
  const random = createRandom(seed);
  return {
    description: 'copy task',
    next() {
      const tokens = Int32Array.from({ length: 81 }, () => 1 + random.int(10));
      return { tokens, labels: tokens.slice() };
    },
  };
}

const architecture = tinyArchitecture({ hiddenSize: 16, channelInnerSize: 32, sequenceInnerSize: 16 });
const recursion = { latentSteps: 1, cycles: 2, maxSupervisionSteps: 4 };

describe('TfjsTrmTrainer', () => {
  let directory: string;
  beforeAll(async () => {
    await initializeTfjsBackend('wasm');
    directory = await mkdtemp(join(tmpdir(), 'trm-train-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('learns: loss falls and cell accuracy rises on a copy task', () => {
    const trainer = new TfjsTrmTrainer({ architecture, recursion, batchSize: 8, seed: 1, optimizer: { learningRate: 1e-2, warmupSteps: 5 } });
    const data = copyData(1);
    const first = trainer.trainStep(data);
    let last = first;
    for (let step = 0; step < 40; step++) last = trainer.trainStep(data);
    trainer.dispose();
    expect(Number.isFinite(last.loss)).toBe(true);
    expect(last.crossEntropy).toBeLessThan(first.crossEntropy * 0.7);
    expect(last.tokenAccuracy).toBeGreaterThan(first.tokenAccuracy + 0.2);
  });

  it('streams the carry: slots halt at the step bound and are refilled with new examples', () => {
    const trainer = new TfjsTrmTrainer({ architecture, recursion, batchSize: 4, seed: 2, explorationProbability: 0 });
    const data = copyData(2);
    const metrics = Array.from({ length: 5 }, () => trainer.trainStep(data));
    trainer.dispose();
    // The halting head starts at "never halt", so every slot runs to maxSupervisionSteps (4), then refills.
    expect(metrics.map((m) => m.halted)).toEqual([0, 0, 0, 4, 0]);
    expect(metrics.map((m) => m.examples)).toEqual([4, 4, 4, 4, 8]);
    expect(metrics[3].meanHaltSteps).toBe(4);
  });

  it('checkpoints and resumes with the same weights and step count', async () => {
    const out = join(directory, 'run');
    const common = { architecture, recursion, data: copyData(3), batchSize: 4, seed: 3, outDirectory: out, checkpointEvery: 2, engine: 'tfjs' as const };
    const first = await runTraining({ ...common, steps: 3, resume: false });
    const saved = first.parameterValues('ema');
    first.dispose();
    const { header } = await loadCheckpoint(out);
    expect(header.step).toBe(3);
    const resumed = await runTraining({ ...common, steps: 3, resume: true });
    expect(resumed.step).toBe(3);
    const restored = resumed.parameterValues('ema');
    for (const [name, value] of saved) expect(Array.from(restored.get(name)!)).toEqual(Array.from(value));
    resumed.dispose();
    const continued = await runTraining({ ...common, steps: 5, resume: true });
    expect(continued.step).toBe(5);
    continued.dispose();
  });

  it('checkpoints are interchangeable between the tfjs and onnxruntime engines', async () => {
    const out = join(directory, 'switch');
    const common = { architecture, recursion, data: copyData(4), batchSize: 4, seed: 4, outDirectory: out, checkpointEvery: 2 };
    const tfjs = await runTraining({ ...common, steps: 2, resume: false, engine: 'tfjs' });
    const saved = tfjs.parameterValues('live');
    tfjs.dispose();
    const ort = await runTraining({ ...common, steps: 2, resume: true, engine: 'ort' });
    for (const [name, value] of saved) expect(Array.from(ort.parameterValues('live').get(name)!)).toEqual(Array.from(value));
    ort.dispose();
    const continued = await runTraining({ ...common, steps: 4, resume: true, engine: 'ort' });
    expect(continued.step).toBe(4);
    continued.dispose();
    const back = await runTraining({ ...common, steps: 5, resume: true, engine: 'tfjs' });
    expect(back.step).toBe(5);
    back.dispose();
  });

  it('asking the onnxruntime engine for CUDA where there is none is a typed error', async () => {
    try {
      (await OrtTrmTrainer.create({ architecture, recursion, batchSize: 2, seed: 1, device: 'cuda' })).dispose();
    } catch (error) {
      expect(UnsupportedDeviceError.isInstance(error)).toBe(true);
    }
  });
});
