import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@trm/core';
import { initializeTfjsBackend } from '../tfjs/tfjs-backend';
import { tinyArchitecture } from '../testing/test-models';
import { OrtTrmTrainer } from './ort-trainer';
import { StreamingCarry } from './streaming-carry';
import { TfjsTrmTrainer } from './train-trm';
import type { TrainingDataSource } from './training-data-source';

const length = 81;
/** Answers of random digits; with `steps`, step targets that differ from the answer. */
function data(seed: number, steps: number): TrainingDataSource {
  const random = createRandom(seed);
  return {
    description: 'step targets',
    next() {
      const labels = Int32Array.from({ length }, () => 2 + random.int(9));
      const tokens = Int32Array.from(labels, (label) => (random.next() < 0.5 ? 1 : label));
      const stepLabels = Array.from({ length: steps }, (_, step) => Int32Array.from(labels, (label, cell) => (cell % (step + 2) === 0 ? 1 : label)));
      return steps > 0 ? { tokens, labels, stepLabels } : { tokens, labels };
    },
  };
}

describe('per-step targets (deep improvement supervision)', () => {
  beforeAll(async () => {
    await initializeTfjsBackend('wasm');
  });

  it('the carry trains each slot on the target of its own step, then on the answer; the answer stays for judging', () => {
    const carry = new StreamingCarry(2, length, 16, 0, createRandom(1));
    const source = data(3, 2);
    const examples: ReturnType<TrainingDataSource['next']>[] = [];
    const recording = { description: 'recording', next: () => (examples.push(source.next()), examples.at(-1)!) };
    carry.refill(recording);
    const row = (array: Int32Array, slot: number) => Array.from(array.subarray(slot * length, (slot + 1) * length));
    expect(row(carry.labels, 0)).toEqual(Array.from(examples[0]!.stepLabels![0]!));
    expect(row(carry.finalLabels, 0)).toEqual(Array.from(examples[0]!.labels));
    // Slot 0 goes on (q < 0), slot 1 halts and is refilled: they are at different steps now.
    carry.advance([-1, 1], [0, 0]);
    carry.refill(recording);
    expect(row(carry.labels, 0)).toEqual(Array.from(examples[0]!.stepLabels![1]!));
    expect(row(carry.labels, 1)).toEqual(Array.from(examples[2]!.stepLabels![0]!));
    carry.advance([-1, -1], [0, 0]);
    carry.refill(recording);
    expect(row(carry.labels, 0)).toEqual(Array.from(examples[0]!.labels)); // past its step targets
    expect(row(carry.finalLabels, 1)).toEqual(Array.from(examples[2]!.labels));
  });

  for (const engine of ['ort', 'tfjs'] as const) {
    it(`${engine}: cross-entropy follows the step target, accuracy and halting the answer`, async () => {
      const architecture = tinyArchitecture();
      const recursion = { latentSteps: 1, cycles: 1, maxSupervisionSteps: 16 };
      const measure = async (steps: number) => {
        const settings = { architecture, recursion, batchSize: 3, seed: 4 };
        if (engine === 'ort') {
          const trainer = await OrtTrmTrainer.create({ ...settings, threads: 1 });
          trainer.refill(data(5, steps));
          const { outputs } = await trainer.computeGradients();
          trainer.dispose();
          const scalar = (name: string) => (outputs[name]!.data as Float32Array)[0]!;
          return { crossEntropy: scalar('cross_entropy'), tokenAccuracy: scalar('token_accuracy') };
        }
        const trainer = new TfjsTrmTrainer(settings);
        const metrics = trainer.trainStep(data(5, steps));
        trainer.dispose();
        return { crossEntropy: metrics.crossEntropy, tokenAccuracy: metrics.tokenAccuracy };
      };
      const plain = await measure(0);
      const stepped = await measure(3);
      expect(Math.abs(stepped.crossEntropy - plain.crossEntropy)).toBeGreaterThan(1e-4);
      expect(stepped.tokenAccuracy).toBeCloseTo(plain.tokenAccuracy, 6);
    });
  }
});
