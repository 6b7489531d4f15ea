import { describe, expect, it } from 'vitest';
import { InvalidInputError, ModelLoadError, createRandom } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { initializeParameters } from '../network/trm-parameters';
import { manifestFor, tinyArchitecture } from '../testing/test-models';
import type { CandidateRules } from '../training/candidate-pool';
import { OrtTrmTrainer } from '../training/ort-trainer';
import { exportStepToOnnx } from './export-onnx';

// Six positions, tokens 2-4 open where the input is blank (1); the rules deduce nothing.
const V = 5;
const rules: CandidateRules = {
  candidates: (tokens) => Uint8Array.from({ length: tokens.length * V }, (_, index) => {
    const token = tokens[Math.floor(index / V)]!;
    const candidate = index % V;
    return (token === 1 ? candidate >= 2 : candidate === token) ? 1 : 0;
  }),
  narrow: () => true,
};
const architecture = tinyArchitecture({ hiddenSize: 16, channelInnerSize: 32, sequenceLength: 6, vocabularySize: V, mixer: 'relations', relations: [[0, 1, 2], [3, 4, 5], [0, 3]], input: 'candidates' });
const recursion = { latentSteps: 2, cycles: 2, maxSupervisionSteps: 1 };

describe('candidate models: export and runtime', () => {
  it('the exported step reads the candidate mask and gives the same keep logits as the training graph', async () => {
    const parameters = initializeParameters(architecture, 4);
    const random = createRandom(5);
    for (const name of ['head.keep.bias', 'head.halt.weight']) parameters.get(name)!.forEach((_, index, array) => (array[index] = random.next() - 0.5));
    const onnx = exportStepToOnnx({ architecture, recursion, parameters });
    const model = await createNodeRuntime({ device: 'cpu', threads: 1 }).load({ manifest: manifestFor(architecture, recursion, onnx), weights: onnx });
    // The trainer's graph on two states of one example.
    const zeros = new Map([...parameters].map(([name, value]) => [name, new Float32Array(value.length)]));
    const trainer = await OrtTrmTrainer.create({ architecture, recursion, batchSize: 2, seed: 1, threads: 1, candidates: { rules, hintShare: 0 }, initial: { step: 0, examples: 0, wallSeconds: 0, parameters, ema: parameters, firstMoment: zeros, secondMoment: zeros } });
    let drawn = 0;
    trainer.refill({ description: 'two inputs', next: () => (drawn++ === 0 ? { tokens: Int32Array.of(1, 1, 3, 1, 2, 1), labels: Int32Array.of(2, 4, 3, 3, 2, 4) } : { tokens: Int32Array.of(4, 1, 1, 1, 1, 1), labels: Int32Array.of(4, 2, 3, 2, 3, 4) }) });
    const { outputs } = await trainer.computeGradients();
    const candidates = new Uint8Array(2 * 6 * V);
    candidates.set(rules.candidates(Int32Array.of(1, 1, 3, 1, 2, 1)), 0);
    candidates.set(rules.candidates(Int32Array.of(4, 1, 1, 1, 1, 1)), 6 * V);
    const step = await model.doStep({ batchSize: 2, tokens: new Int32Array(12).fill(1), candidates, state: null });
    const expected = outputs.keep_logits!.data as Float32Array;
    expect(step.keepLogits).toHaveLength(2 * 6 * V);
    step.keepLogits!.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 4));
    // The mask matters: another mask, other keep logits.
    const other = await model.doStep({ batchSize: 2, tokens: new Int32Array(12).fill(1), candidates: candidates.map((value) => 1 - value), state: null });
    expect(other.keepLogits!.some((value, index) => Math.abs(value - step.keepLogits![index]!) > 1e-3)).toBe(true);
    // Without a mask the step is refused, naming the field.
    await expect(model.doStep({ batchSize: 1, tokens: new Int32Array(6).fill(1), state: null })).rejects.toSatisfy((error) => InvalidInputError.isInstance(error) && error.field === 'candidates');
    trainer.dispose();
    await model.dispose();
  });

  it('a candidate manifest on a token graph (or the reverse) is refused at load', async () => {
    const tokenArchitecture = tinyArchitecture({ hiddenSize: 16, channelInnerSize: 32, sequenceLength: 6, vocabularySize: V });
    const tokenOnnx = exportStepToOnnx({ architecture: tokenArchitecture, recursion, parameters: initializeParameters(tokenArchitecture, 1) });
    const candidateArchitecture = { ...tokenArchitecture, input: 'candidates' as const };
    const candidateOnnx = exportStepToOnnx({ architecture: candidateArchitecture, recursion, parameters: initializeParameters(candidateArchitecture, 1) });
    const runtime = createNodeRuntime({ device: 'cpu', threads: 1 });
    await expect(runtime.load({ manifest: manifestFor(candidateArchitecture, recursion, tokenOnnx), weights: tokenOnnx })).rejects.toSatisfy((error) => ModelLoadError.isInstance(error) && /candidates/.test(error.message));
    await expect(runtime.load({ manifest: manifestFor(tokenArchitecture, recursion, candidateOnnx), weights: candidateOnnx })).rejects.toSatisfy((error) => ModelLoadError.isInstance(error) && /tokens/.test(error.message));
  });
});
