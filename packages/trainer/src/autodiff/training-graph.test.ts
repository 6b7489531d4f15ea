import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { type Architecture, createRandom } from '@trm/core';
import { initializeParameters, trmParameterSpecs } from '../network/trm-parameters';
import { initializeTfjsBackend } from '../tfjs/tfjs-backend';
import { tinyArchitecture } from '../testing/test-models';
import { OrtTrmTrainer } from '../training/ort-trainer';
import { TfjsTrmTrainer } from '../training/train-trm';
import type { TrainerState } from '../training/trainer-state';
import type { TrainingDataSource } from '../training/training-data-source';

/** Random weights everywhere (halting head and puzzle embedding too), so every gradient is non-trivial. */
function randomState(architecture: Architecture, seed: number): TrainerState {
  const parameters = initializeParameters(architecture, seed);
  const random = createRandom(seed + 1);
  for (const name of ['embedding.puzzle', 'head.halt.weight', 'head.halt.bias']) {
    const value = parameters.get(name)!;
    for (let index = 0; index < value.length; index++) value[index] = (random.next() - 0.5) * 0.5;
  }
  const trainable = trmParameterSpecs(architecture).filter((spec) => spec.trainable);
  const zeros = () => new Map(trainable.map((spec) => [spec.name, new Float32Array(parameters.get(spec.name)!.length)]));
  return { step: 0, examples: 0, wallSeconds: 0, parameters, ema: new Map(parameters), firstMoment: zeros(), secondMoment: zeros() };
}

/** Labels that the random model gets partly right, so both loss terms and the exact flag vary. */
function fixedData(seed: number, vocabulary: number, length: number): TrainingDataSource {
  const random = createRandom(seed);
  return {
    description: 'fixed random batch',
    next() {
      const tokens = Int32Array.from({ length }, () => 1 + random.int(vocabulary - 1));
      return { tokens, labels: Int32Array.from(tokens, (token) => (random.next() < 0.7 ? token : 1 + random.int(vocabulary - 1))) };
    },
  };
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let difference = 0;
  let norm = 0;
  for (let index = 0; index < a.length; index++) {
    difference += (a[index]! - b[index]!) ** 2;
    norm += b[index]! ** 2;
  }
  return Math.sqrt(difference) / Math.max(Math.sqrt(norm), 1e-12);
}

async function compareGradients(architecture: Architecture, cycles: number) {
  const recursion = { latentSteps: 2, cycles, maxSupervisionSteps: 16 };
  const initial = randomState(architecture, 5);
  const batchSize = 3;
  const ort = await OrtTrmTrainer.create({ architecture, recursion, batchSize, seed: 1, initial, threads: 1 });
  const tfjs = new TfjsTrmTrainer({ architecture, recursion, batchSize, seed: 1, initial });
  ort.refill(fixedData(9, architecture.vocabularySize, architecture.sequenceLength));
  tfjs.refill(fixedData(9, architecture.vocabularySize, architecture.sequenceLength));
  const fromOrt = await ort.computeGradients();
  const fromTfjs = tfjs.computeGradients();
  const errors = new Map<string, number>();
  const norms = new Map<string, number>();
  for (const [name, gradient] of fromOrt.gradients) {
    const expected = fromTfjs.grads[name]!.dataSync() as Float32Array;
    errors.set(name, relativeError(gradient, expected));
    norms.set(name, Math.sqrt(expected.reduce((sum, value) => sum + value * value, 0)));
  }
  const crossEntropy = {
    ort: (fromOrt.outputs.cross_entropy!.data as Float32Array)[0]!,
    tfjs: fromTfjs.outputs.crossEntropy.dataSync()[0]!,
  };
  tf.dispose([fromTfjs.loss, ...Object.values(fromTfjs.grads), ...Object.values(fromTfjs.outputs)]);
  ort.dispose();
  tfjs.dispose();
  return { errors, norms, crossEntropy };
}

describe('ONNX training graph gradients match tfjs autodiff', () => {
  beforeAll(async () => {
    await initializeTfjsBackend('wasm');
  });

  for (const [label, architecture] of [
    ['MLP mixer', tinyArchitecture()],
    ['attention', tinyArchitecture({ mixer: 'attention', heads: 4 })],
    ['attention, 2-D rotary positions', tinyArchitecture({ mixer: 'attention', heads: 4, rope: '2d', grid: { height: 9, width: 9 } })],
    ['conv mixer', tinyArchitecture({ mixer: 'conv', grid: { height: 9, width: 9 } })],
    ['conv mixer, 5x5 at dilation 2', tinyArchitecture({ mixer: 'conv', grid: { height: 9, width: 9 }, kernelSize: 5, dilation: 2 })],
    // Not square: rows and columns of the gathered neighbourhood cannot be swapped unnoticed.
    ['conv mixer on a 7x11 grid, 5x5 at dilation 2', tinyArchitecture({ mixer: 'conv', sequenceLength: 77, grid: { height: 7, width: 11 }, kernelSize: 5, dilation: 2 })],
  ] as const) {
    it(`${label}: every parameter gradient within 1e-3 relative error`, async () => {
      const { errors, norms, crossEntropy } = await compareGradients(architecture, 2);
      for (const [name, norm] of norms) expect(norm, `${name} has a non-zero gradient`).toBeGreaterThan(1e-7);
      expect(crossEntropy.ort).toBeCloseTo(crossEntropy.tfjs, 4);
      expect(errors.size).toBe(trmParameterSpecs(architecture).filter((spec) => spec.trainable).length);
      for (const [name, error] of errors) expect(error, name).toBeLessThan(1e-3);
    });
  }
});
