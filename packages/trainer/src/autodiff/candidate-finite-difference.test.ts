import { describe, expect, it } from 'vitest';
import { createRandom } from '@trm/core';
import { initializeParameters, trmParameterSpecs } from '../network/trm-parameters';
import { tinyArchitecture } from '../testing/test-models';
import type { CandidateRules } from '../training/candidate-pool';
import { OrtTrmTrainer } from '../training/ort-trainer';
import type { TrainerState } from '../training/trainer-state';
import type { TrainingDataSource } from '../training/training-data-source';

/** Toy rules over 6 positions: token 1 is blank (open: tokens 2-4), others are decided; no deduction. */
const rules: CandidateRules = {
  candidates(tokens) {
    const mask = new Uint8Array(tokens.length * 5);
    tokens.forEach((token, position) => {
      if (token === 1) for (let digit = 2; digit < 5; digit++) mask[position * 5 + digit] = 1;
      else mask[position * 5 + token] = 1;
    });
    return mask;
  },
  narrow: () => true,
};

/**
 * A candidate model's loss (keep BCE + answer cross-entropy + halting BCE), through the candidate
 * input and the relations mixer: its gradient, projected on random directions, must match central
 * finite differences of the loss the graph reports.
 */
describe('candidate training graph gradient vs finite differences', () => {
  const small = { hiddenSize: 8, channelInnerSize: 16, sequenceInnerSize: 8, sequenceLength: 6, vocabularySize: 5, input: 'candidates' as const };
  for (const [label, architecture] of [
    ['relations mixer', tinyArchitecture({ ...small, mixer: 'relations', relations: [[0, 1, 2], [3, 4, 5], [0, 3], [1, 4], [2, 5]] })],
    ['MLP mixer', tinyArchitecture(small)],
  ] as const) it(`directional derivatives agree: ${label}`, async () => {
    const recursion = { latentSteps: 2, cycles: 1, maxSupervisionSteps: 16 };
    const specs = trmParameterSpecs(architecture);
    const base = initializeParameters(architecture, 8);
    const random = createRandom(2);
    for (const name of ['head.halt.weight', 'embedding.puzzle', 'head.keep.bias']) base.get(name)!.forEach((_, index, array) => (array[index] = random.next() - 0.5));
    const data = (): TrainingDataSource => {
      const stream = createRandom(7);
      return {
        description: 'fixed',
        next: () => ({ tokens: Int32Array.from({ length: 6 }, () => (stream.next() < 0.6 ? 1 : 2 + stream.int(3))), labels: Int32Array.from({ length: 6 }, () => 2 + stream.int(3)) }),
      };
    };
    const lossAt = async (parameters: Map<string, Float32Array>) => {
      const zeros = new Map(specs.filter((spec) => spec.trainable).map((spec) => [spec.name, new Float32Array(parameters.get(spec.name)!.length)]));
      const initial: TrainerState = { step: 0, examples: 0, wallSeconds: 0, parameters, ema: parameters, firstMoment: zeros, secondMoment: zeros };
      const trainer = await OrtTrmTrainer.create({ architecture, recursion, batchSize: 2, seed: 1, initial, threads: 1, candidates: { rules, hintShare: 0 } });
      trainer.refill(data());
      const { gradients, outputs } = await trainer.computeGradients();
      const scalar = (name: string) => (outputs[name]!.data as Float32Array)[0]!;
      const loss = scalar('keep_loss') + scalar('cross_entropy') + 0.5 * scalar('halt_loss');
      trainer.dispose();
      return { loss, gradients, keepLoss: scalar('keep_loss') };
    };
    const { gradients, keepLoss } = await lossAt(base);
    expect(keepLoss).toBeGreaterThan(0);
    const epsilon = 1e-3;
    for (let trial = 0; trial < 4; trial++) {
      const direction = new Map([...gradients.keys()].map((name) => [name, Float32Array.from(base.get(name)!, () => random.next() - 0.5)]));
      const shifted = (sign: number) =>
        new Map([...base].map(([name, value]) => [name, direction.has(name) ? Float32Array.from(value, (v, index) => v + sign * epsilon * direction.get(name)![index]!) : value]));
      const numeric = ((await lossAt(shifted(1))).loss - (await lossAt(shifted(-1))).loss) / (2 * epsilon);
      let analytic = 0;
      for (const [name, gradient] of gradients) gradient.forEach((value, index) => (analytic += value * direction.get(name)![index]!));
      expect(Math.abs(analytic)).toBeGreaterThan(1e-3);
      expect(Math.abs(numeric - analytic) / Math.abs(analytic)).toBeLessThan(1e-2);
    }
  });
});
