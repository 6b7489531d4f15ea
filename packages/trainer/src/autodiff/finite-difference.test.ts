import { describe, expect, it } from 'vitest';
import { createRandom } from '@trm/core';
import { initializeParameters, trmParameterSpecs } from '../network/trm-parameters';
import { tinyArchitecture } from '../testing/test-models';
import { OrtTrmTrainer } from '../training/ort-trainer';
import type { TrainerState } from '../training/trainer-state';
import type { TrainingDataSource } from '../training/training-data-source';

/**
 * Independent of any other autodiff: the graph's gradient, projected on random directions, must
 * match central finite differences of the loss it reports.
 */
describe('training graph gradient vs finite differences', () => {
  const small = { hiddenSize: 8, channelInnerSize: 16, sequenceInnerSize: 8, sequenceLength: 6, vocabularySize: 5 };
  for (const [label, architecture] of [
    ['MLP mixer', tinyArchitecture(small)],
    ['conv mixer on a 2x3 grid', tinyArchitecture({ ...small, mixer: 'conv', grid: { height: 2, width: 3 } })],
    ['conv mixer whose cells read the prefix', tinyArchitecture({ ...small, mixer: 'conv', grid: { height: 2, width: 3 }, prefixToCells: true })],
  ] as const) it(`directional derivatives agree on a tiny model: ${label}`, async () => {
    // T = 1: with T > 1 the first recursions are deliberately left out of the gradient, which
    // finite differences of the whole loss would see.
    const recursion = { latentSteps: 2, cycles: 1, maxSupervisionSteps: 16 };
    const specs = trmParameterSpecs(architecture);
    const base = initializeParameters(architecture, 8);
    const random = createRandom(2);
    for (const name of ['head.halt.weight', 'embedding.puzzle']) base.get(name)!.forEach((_, index, array) => (array[index] = random.next() - 0.5));
    const data: () => TrainingDataSource = () => {
      const stream = createRandom(7);
      return {
        description: 'fixed',
        next: () => ({ tokens: Int32Array.from({ length: 6 }, () => 1 + stream.int(4)), labels: Int32Array.from({ length: 6 }, () => 1 + stream.int(4)) }),
      };
    };
    const lossAt = async (parameters: Map<string, Float32Array>) => {
      const zeros = new Map(specs.filter((spec) => spec.trainable).map((spec) => [spec.name, new Float32Array(parameters.get(spec.name)!.length)]));
      const initial: TrainerState = { step: 0, examples: 0, wallSeconds: 0, parameters, ema: parameters, firstMoment: zeros, secondMoment: zeros };
      const trainer = await OrtTrmTrainer.create({ architecture, recursion, batchSize: 2, seed: 1, initial, threads: 1 });
      trainer.refill(data());
      const { gradients, outputs } = await trainer.computeGradients();
      const loss = (outputs.cross_entropy!.data as Float32Array)[0]! + 0.5 * (outputs.halt_loss!.data as Float32Array)[0]!;
      trainer.dispose();
      return { loss, gradients };
    };
    const { gradients } = await lossAt(base);
    const epsilon = 1e-3;
    for (let trial = 0; trial < 4; trial++) {
      const direction = new Map([...gradients.keys()].map((name) => [name, Float32Array.from(base.get(name)!, () => random.next() - 0.5)]));
      const shifted = (sign: number) =>
        new Map([...base].map(([name, value]) => [name, direction.has(name) ? Float32Array.from(value, (v, index) => v + sign * epsilon * direction.get(name)![index]!) : value]));
      const plus = (await lossAt(shifted(1))).loss;
      const minus = (await lossAt(shifted(-1))).loss;
      const numeric = (plus - minus) / (2 * epsilon);
      let analytic = 0;
      for (const [name, gradient] of gradients) gradient.forEach((value, index) => (analytic += value * direction.get(name)![index]!));
      expect(Math.abs(analytic)).toBeGreaterThan(1e-3);
      expect(Math.abs(numeric - analytic) / Math.abs(analytic)).toBeLessThan(1e-2);
    }
  });
});
