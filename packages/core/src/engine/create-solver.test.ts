import { describe, expect, it } from 'vitest';
import { createMockRuntime } from '../test';
import { testManifest } from '../testing/test-manifest';
import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import type { SpecialistV1 } from '../contracts/specialist';
import { createSolver } from './create-solver';

/**
 * A toy task: the input is 4 tokens, the right answer is the input plus one. Augmentation
 * reverses the order. The scripted model answers "input + 1" only for inputs whose first token
 * is even, and only from step 3 on; before that it echoes the input.
 */
const manifest = testManifest({ sequenceLength: 4, vocabularySize: 12 });
const toy: SpecialistV1<number[], number[]> = {
  specificationVersion: 'v1',
  task: 'toy',
  modelId: 'toy:mock',
  model: { manifest, weights: new Uint8Array() },
  parseInput(input) {
    if (!Array.isArray(input) || input.length !== 4) throw new InvalidInputError({ field: 'toy', message: 'four numbers', value: input });
    return input as number[];
  },
  detect: () => 1,
  encode: (input) => Int32Array.from(input),
  decode: (tokens) => Array.from(tokens),
  verify: (input, answer) => answer.every((value, index) => value === input[index]! + 1),
  formatAnswer: (answer) => answer.join(','),
  augment: (input) => ({ input: [...input].reverse(), restore: (answer) => [...answer].reverse() }),
};
const runtime = () =>
  createMockRuntime({
    manifest,
    script: {
      answer: ({ step, tokens }) => (step >= 3 && tokens[0]! % 2 === 0 ? Array.from(tokens, (t) => t + 1) : Array.from(tokens)),
      qHalt: ({ step }) => (step >= 2 ? 1 : -1),
    },
  });

describe('createSolver', () => {
  it('reports steps, verification and cost for a plain solve', async () => {
    const solver = await createSolver({ specialist: toy, runtime: runtime() });
    const result = await solver.solve([2, 3, 4, 5]);
    expect(result).toMatchObject({ steps: 2, verified: false, halted: true, cost: { copies: 1, verifiedCopies: 0, sampleSteps: 2 } });
  });

  it('thinks longer until the answer verifies', async () => {
    const solver = await createSolver({ specialist: toy, runtime: runtime() });
    const result = await solver.solve([2, 3, 4, 5], { verifySteps: 8 });
    expect(result).toMatchObject({ answer: '3,4,5,6', steps: 3, verified: true });
  });

  it('test-time augmentation prefers the copy that verifies and maps it back', async () => {
    const solver = await createSolver({ specialist: toy, runtime: runtime() });
    // Unchanged, the first token (1) is odd: the model never solves it. Reversed, it starts with 4.
    const plain = await solver.solve([1, 2, 3, 4], { verifySteps: 6 });
    expect(plain.verified).toBe(false);
    const augmented = await solver.solve([1, 2, 3, 4], { verifySteps: 6, copies: 2 });
    expect(augmented).toMatchObject({ answer: '2,3,4,5', verified: true, cost: { copies: 2, verifiedCopies: 1 } });
    expect(augmented.cost.sampleSteps).toBe(6 + 3);
  });

  it('solveMany keeps order and packs copies into batches', async () => {
    const mock = runtime();
    const solver = await createSolver({ specialist: toy, runtime: mock });
    const results = await solver.solveMany([[2, 2, 2, 2], [1, 1, 1, 1], [4, 1, 1, 1]], { copies: 2, batchSize: 4, verifySteps: 4 });
    expect(results.map((result) => result.verified)).toEqual([true, false, true]);
    expect(mock.calls.map((call) => call.batchSize)).toContain(4);
    expect(Math.max(...mock.calls.map((call) => call.batchSize))).toBeLessThanOrEqual(4);
  });

  it('stochastic restarts: noise on every copy but the first, one seed per request', async () => {
    const mock = runtime();
    const solver = await createSolver({ specialist: { ...toy, augment: undefined }, runtime: mock });
    const result = await solver.solve([2, 3, 4, 5], { copies: 3, noise: 0.5, seed: 9, fixedSteps: 2 });
    expect(result.cost.copies).toBe(3);
    expect(mock.calls[0]!.stateNoise).toBeUndefined(); // nothing to perturb before the first step
    expect(Array.from(mock.calls[1]!.stateNoise!.std)).toEqual([0, 0.5, 0.5]);
    await expect(solver.solve([2, 3, 4, 5], { noise: -1 })).rejects.toMatchObject({ field: 'options.noise' });
    // Each copy's noise has its own seed, from the request's seed and the copy alone.
    const seeds = Array.from(mock.calls[1]!.stateNoise!.seeds);
    expect(new Set(seeds).size).toBe(3);
    const again = runtime();
    await (await createSolver({ specialist: { ...toy, augment: undefined }, runtime: again })).solve([2, 3, 4, 5], { copies: 3, noise: 0.5, seed: 9, fixedSteps: 2 });
    expect(Array.from(again.calls[1]!.stateNoise!.seeds)).toEqual(seeds);
  });

  it('plain solveMany streams through continuous batching: same answers, refilled slots', async () => {
    const mock = runtime();
    const solver = await createSolver({ specialist: toy, runtime: mock });
    const inputs = [[2, 1, 1, 1], [3, 1, 1, 1], [1, 1, 1, 1], [4, 4, 4, 4]];
    const many = await solver.solveMany(inputs, { batchSize: 2, verifySteps: 5 });
    for (const [index, input] of inputs.entries()) {
      const alone = await (await createSolver({ specialist: toy, runtime: runtime() })).solve(input, { verifySteps: 5 });
      expect(many[index]).toEqual(alone);
    }
    expect(Math.max(...mock.calls.map((call) => call.batchSize))).toBe(2);
    await expect(solver.solveMany(inputs, { fixedSteps: -1 })).rejects.toMatchObject({ field: 'options.fixedSteps' });
  });

  it('static scheduling gives the same answers but runs each batch to its slowest sample', async () => {
    const inputs = [[2, 1, 1, 1], [3, 1, 1, 1], [1, 1, 1, 1], [4, 4, 4, 4]];
    const continuousRuntime = runtime();
    const staticRuntime = runtime();
    const continuous = await (await createSolver({ specialist: toy, runtime: continuousRuntime })).solveMany(inputs, { batchSize: 2, verifySteps: 5 });
    const batched = await (await createSolver({ specialist: toy, runtime: staticRuntime })).solveMany(inputs, { batchSize: 2, verifySteps: 5, scheduling: 'static' });
    expect(batched.map((result) => result.answer)).toEqual(continuous.map((result) => result.answer));
    expect(batched.map((result) => result.verified)).toEqual(continuous.map((result) => result.verified));
    const slotSteps = (calls: { batchSize: number }[]) => calls.reduce((sum, call) => sum + call.batchSize, 0);
    // Static batches keep finished samples' slots busy until the whole batch stops.
    expect(slotSteps(staticRuntime.calls)).toBeGreaterThan(slotSteps(continuousRuntime.calls));
    await expect((await createSolver({ specialist: toy, runtime: runtime() })).solveMany(inputs, { scheduling: 'eager' as never })).rejects.toMatchObject({ field: 'options.scheduling' });
  });

  it('solve and solveMany honour the same step bounds (one door, one set of bounds)', async () => {
    const solver = await createSolver({ specialist: toy, runtime: runtime() });
    // An odd first token is never solved: the answer thinks on to the verify bound.
    const single = await solver.solve([1, 2, 3, 4], { maxSteps: 2000, verifySteps: 2000, patience: 2000 });
    const [many] = await solver.solveMany([[1, 2, 3, 4]], { maxSteps: 2000, verifySteps: 2000, patience: 2000 });
    expect(single).toMatchObject({ steps: 2000, verified: false });
    expect(many).toEqual(single);
    for (const call of [() => solver.solve([1, 2, 3, 4], { maxSteps: 5000 }), () => solver.solveMany([[1, 2, 3, 4]], { maxSteps: 5000 })]) {
      await expect(call()).rejects.toMatchObject({ name: 'InvalidInputError', field: 'options.maxSteps' });
    }
  });

  it('onStep streams through continuous batching: the same slots and answers as without it, one event per step', async () => {
    const inputs = [[2, 1, 1, 1], [3, 1, 1, 1], [1, 1, 1, 1], [4, 4, 4, 4], [6, 1, 1, 1]];
    const quiet = runtime();
    const watched = runtime();
    const plain = await (await createSolver({ specialist: toy, runtime: quiet })).solveMany(inputs, { batchSize: 2, verifySteps: 5 });
    const events: { step: number; answers: readonly ({ answer: string; done: boolean } | undefined)[] }[] = [];
    const streamed = await (await createSolver({ specialist: toy, runtime: watched })).solveMany(inputs, { batchSize: 2, verifySteps: 5, onStep: (event) => events.push(event) });
    expect(streamed).toEqual(plain);
    expect(watched.calls.map((call) => call.batchSize)).toEqual(quiet.calls.map((call) => call.batchSize));
    expect(events.map((event) => event.step)).toEqual(watched.calls.map((_, index) => index + 1));
    // Inputs appear as they get a slot and keep their last answer once done; the last event holds every final answer.
    expect(events[0]!.answers.map((answer) => answer !== undefined)).toEqual([true, true, false, false, false]);
    expect(events.at(-1)!.answers.map((answer) => answer?.answer)).toEqual(plain.map((result) => result.answer));
    expect(events.at(-1)!.answers.every((answer) => answer?.done)).toBe(true);
  });

  it("a failing input or the caller's signal ends the whole call: none of its requests keeps running", async () => {
    // An odd first token is never solved, so without the stop each input would think 50 steps.
    const inputs = [[3, 1, 1, 1], ...Array.from({ length: 20 }, () => [1, 1, 1, 1])];
    const failing = runtime();
    const brittle = { ...toy, verify: (input: number[], answer: number[]) => (input[0] === 3 ? (() => { throw new Error('bad rule'); })() : toy.verify(input, answer)) };
    await expect((await createSolver({ specialist: brittle, runtime: failing })).solveMany(inputs, { batchSize: 2, verifySteps: 50 })).rejects.toMatchObject({ name: 'RuntimeError', message: expect.stringContaining('bad rule') });
    const atFailure = failing.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The failure surfaces within a few steps, and nothing of the call runs after it.
    expect(atFailure).toBeLessThan(6);
    expect(failing.calls.length).toBe(atFailure);
    const aborted = runtime();
    const controller = new AbortController();
    const call = (await createSolver({ specialist: toy, runtime: aborted })).solveMany(inputs, { batchSize: 2, verifySteps: 50, signal: controller.signal, onStep: ({ step }) => step === 3 && controller.abort(new Error('enough')) });
    await expect(call).rejects.toMatchObject({ name: 'AbortedError', cause: { message: 'enough' } });
    const atAbort = aborted.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(atAbort).toBeLessThan(8);
    expect(aborted.calls.length).toBe(atAbort);
  });

  it('an onStep that throws fails its own call, not the process; a request wider than batch and queue still runs on an idle solver', async () => {
    const solver = await createSolver({ specialist: toy, runtime: runtime(), batching: { maxBatchSize: 2, maxQueue: 0 } });
    const listener = () => {
      throw new Error('listener bug');
    };
    await expect(solver.solveMany([[2, 3, 4, 5], [4, 1, 1, 1]], { onStep: listener })).rejects.toThrow('listener bug');
    // 4 copies, 2 slots, no queue: it enters in parts instead of being refused forever.
    expect(await solver.solve([2, 3, 4, 5], { copies: 4, verifySteps: 4 })).toMatchObject({ verified: true, cost: { copies: 4 } });
  });

  it('refuses unknown option keys and contradictory bounds, naming the key', async () => {
    const solver = await createSolver({ specialist: toy, runtime: runtime() });
    await expect(solver.solve([2, 3, 4, 5], { maxStep: 4 } as never)).rejects.toMatchObject({ name: 'InvalidInputError', field: 'options' });
    await expect(solver.solve([2, 3, 4, 5], { minSteps: 9, maxSteps: 4 })).rejects.toMatchObject({ field: 'options.minSteps' });
    await expect(solver.solve([2, 3, 4, 5], { fixedSteps: 3, patience: 2 })).rejects.toMatchObject({ field: 'options.patience' });
    await expect(solver.solve([2, 3, 4, 5], { verifySteps: Number.NaN })).rejects.toMatchObject({ field: 'options.verifySteps' });
    await expect(solver.solve([2, 3, 4, 5], { batchSize: 4 } as never)).rejects.toMatchObject({ field: 'options.batchSize' });
  });

  it('concurrent solve calls share one batch: one step serves them all; past the queue bound a QueueFullError that leaves nothing queued', async () => {
    const base = runtime();
    let inStep = 0;
    let most = 0;
    const counting = {
      ...base,
      async load(source: Parameters<typeof base.load>[0]) {
        const model = await base.load(source);
        return {
          ...model,
          doStep: async (input: Parameters<typeof model.doStep>[0]) => {
            inStep++;
            most = Math.max(most, inStep);
            await new Promise((resolve) => setTimeout(resolve, 2));
            inStep--;
            return model.doStep(input);
          },
        };
      },
    };
    // 2 slots, 5 may wait: 7 requests fit, the 8th is refused at once.
    const solver = await createSolver({ specialist: toy, runtime: counting, batching: { maxBatchSize: 2, maxQueue: 5 } });
    const calls = Array.from({ length: 7 }, () => solver.solve([2, 3, 4, 5]));
    const overflow = solver.solve([2, 3, 4, 5], { copies: 2 });
    await expect(overflow).rejects.toMatchObject({ name: 'QueueFullError' });
    const results = await Promise.all(calls);
    expect(results.every((result) => result.steps === 2)).toBe(true);
    expect(most).toBe(1);
    // 7 requests of 2 steps each, 2 at a time: 8 steps, every slot busy but the last step's second.
    expect(base.calls.length).toBe(8);
    expect(base.calls.map((call) => call.batchSize)).toEqual([2, 2, 2, 2, 2, 2, 1, 1]);
  });

  it('refuses the settings it no longer takes, saying what replaced them', async () => {
    await expect(createSolver({ specialist: toy, runtime: runtime(), maxConcurrent: 2 } as never)).rejects.toMatchObject({ field: 'maxConcurrent', message: expect.stringContaining('batching') });
    await expect(createSolver({ specialist: toy, runtime: runtime(), maxQueued: 2 } as never)).rejects.toMatchObject({ field: 'maxQueued', message: expect.stringContaining('maxQueue') });
  });

  it('a wrong createSolver argument is a typed error naming it, not a TypeError', async () => {
    await expect(createSolver(undefined as never)).rejects.toMatchObject({ name: 'InvalidInputError', field: 'settings' });
    await expect(createSolver({} as never)).rejects.toMatchObject({ name: 'InvalidInputError', field: 'specialist' });
    await expect(createSolver({ specialist: { ...toy, verify: undefined }, runtime: runtime() } as never)).rejects.toMatchObject({ field: 'specialist.verify' });
    await expect(createSolver({ specialist: toy, runtime: {} } as never)).rejects.toMatchObject({ field: 'runtime' });
  });

  it('refuses copies for a task without augmentations, naming the field', async () => {
    const solver = await createSolver({ specialist: { ...toy, augment: undefined }, runtime: runtime() });
    await expect(solver.solve([2, 3, 4, 5], { copies: 3 })).rejects.toMatchObject({ name: 'InvalidInputError', field: 'copies' });
    await expect(solver.solveMany([[1, 2, 3]])).rejects.toMatchObject({ field: '[0].toy' });
  });
});
