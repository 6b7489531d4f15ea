import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@trm/core';
import { initializeTfjsBackend } from '../tfjs/tfjs-backend';
import { tinyArchitecture } from '../testing/test-models';
import { OrtTrmTrainer } from './ort-trainer';
import { StreamingCarry } from './streaming-carry';
import { TfjsTrmTrainer } from './train-trm';
import type { TrainingDataSource } from './training-data-source';

const length = 81;
function data(seed: number): TrainingDataSource {
  const random = createRandom(seed);
  return {
    description: 'random answers',
    next() {
      const labels = Int32Array.from({ length }, () => 2 + random.int(9));
      return { tokens: Int32Array.from(labels, (label) => (random.next() < 0.5 ? 1 : label)), labels };
    },
  };
}

describe("training judges answers by the task's correctness (several valid answers)", () => {
  beforeAll(async () => {
    await initializeTfjsBackend('wasm');
  });

  it('the carry counts an accepted answer as right and makes it the target; a refused one changes nothing', () => {
    const seen: number[][] = [];
    // Accepts any answer whose first cell is 5, and records what it was shown.
    const judge = (tokens: Int32Array, predicted: Int32Array) => {
      seen.push([tokens.length, predicted.length]);
      return predicted[0] === 5;
    };
    const carry = new StreamingCarry(2, length, 16, 0, createRandom(1), judge);
    carry.refill(data(2));
    const before = carry.finalLabels.slice();
    const predictions = new BigInt64Array(2 * length).fill(3n);
    predictions[0] = 5n; // slot 0: accepted; slot 1: refused
    const result = carry.advance([1, 1], [0, 0], predictions);
    expect(result.acceptedOtherAnswers).toBe(1);
    expect(result.haltedExactAccuracy).toBe(0.5);
    expect(Array.from(carry.finalLabels.subarray(0, length))).toEqual(Array.from(predictions.subarray(0, length), Number));
    expect(Array.from(carry.finalLabels.subarray(length))).toEqual(Array.from(before.subarray(length)));
    expect(seen).toEqual([[length, length], [length, length]]);
    // Slots already equal to their label are not judged again.
    const again = new StreamingCarry(1, length, 16, 0, createRandom(1), () => {
      throw new Error('judged an exact answer');
    });
    again.refill(data(2));
    expect(again.advance([1], [1], new BigInt64Array(length)).haltedExactAccuracy).toBe(1);
  });

  for (const engine of ['ort', 'tfjs'] as const) {
    it(`${engine}: the judge sees each slot's input tokens and its argmax answer`, async () => {
      const architecture = tinyArchitecture();
      const recursion = { latentSteps: 1, cycles: 1, maxSupervisionSteps: 2 };
      const inputs: string[] = [];
      const answers: Int32Array[] = [];
      const judge = (tokens: Int32Array, predicted: Int32Array) => {
        inputs.push(Array.from(tokens).join(','));
        answers.push(predicted.slice());
        return true;
      };
      const source = data(7);
      const made: string[] = [];
      const recording: TrainingDataSource = { description: 'recording', next: () => { const example = source.next(); made.push(Array.from(example.tokens).join(',')); return example; } };
      const settings = { architecture, recursion, batchSize: 3, seed: 4, judge };
      const trainer = engine === 'ort' ? await OrtTrmTrainer.create({ ...settings, threads: 1 }) : new TfjsTrmTrainer(settings);
      const metrics = await trainer.trainStep(recording);
      trainer.dispose();
      expect(inputs).toEqual(made);
      // Every answer is a token of the vocabulary, one per position, and the judge accepted them all.
      for (const answer of answers) {
        expect(answer.length).toBe(architecture.sequenceLength);
        expect(answer.every((token) => token >= 0 && token < architecture.vocabularySize)).toBe(true);
      }
      expect(metrics.acceptedOtherAnswers).toBe(3);
    });
  }
});
