import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidInputError, type InferenceRuntimeV1, type SpecialistV1 } from '@trm/core';
import { createMockRuntime, testManifest } from '@trm/core/test';
import { AmbiguousInputError } from './ambiguous-input-error';
import { createRouter } from './router';
import { createSolveFunction } from './create-solve';

/** Two toy tasks: "up" answers each digit + 1, "down" each digit - 1; inputs are digit strings. */
function toy(task: 'up' | 'down', length: number): SpecialistV1<number[], number[]> {
  const manifest = { ...testManifest({ sequenceLength: length, vocabularySize: 12 }), id: `${task}:mock`, task };
  const shift = task === 'up' ? 1 : -1;
  return {
    specificationVersion: 'v1',
    task,
    modelId: manifest.id,
    model: { manifest, weights: new Uint8Array() },
    parseInput(input) {
      if (typeof input !== 'string' || !new RegExp(`^[1-8]{${length}}$`).test(input)) {
        throw new InvalidInputError({ field: task, message: `${length} digits 1-8`, value: input });
      }
      return Array.from(input, Number);
    },
    detect: (input) => (typeof input === 'string' && input.length === length && /^[0-9]+$/.test(input) ? 1 : 0),
    encode: (input) => Int32Array.from(input, (digit) => digit + 1),
    decode: (tokens) => Array.from(tokens, (token) => token - 1),
    verify: (input, answer) => answer.every((digit, index) => digit === input[index]! + shift),
    formatAnswer: (answer) => answer.join(''),
  };
}

/** The model for each task gets the answer right after as many steps as the first digit. */
function runtimeFor(loads: string[]): InferenceRuntimeV1 {
  return {
    specificationVersion: 'v1',
    name: 'mock',
    async load(source) {
      const manifest = source.manifest as ReturnType<typeof testManifest>;
      loads.push(manifest.task);
      const shift = manifest.task === 'up' ? 1 : -1;
      return createMockRuntime({
        manifest,
        script: {
          answer: ({ step, tokens }) => Array.from(tokens, (token) => (step >= tokens[0]! - 1 ? token + shift : token)),
          qHalt: ({ step, tokens }) => (step >= tokens[0]! - 1 ? 2 : -2),
        },
      }).load(source);
    },
  };
}

describe('createRouter', () => {
  const specialists = [toy('up', 4), toy('down', 6)];

  it('routes by detection, and an explicit task wins', () => {
    const router = createRouter({ specialists, runtime: runtimeFor([]) });
    expect(router.route('1234')).toMatchObject({ task: 'up', reason: expect.stringContaining('detected') });
    expect(router.route('123456').task).toBe('down');
    expect(router.route({ task: 'down', input: '1234' })).toMatchObject({ task: 'down', reason: 'explicit task' });
  });

  it('describes each task with its input schema as JSON Schema', () => {
    const withSchema = { ...toy('up', 4), inputSchema: z.string().regex(/^[1-8]{4}$/) };
    const router = createRouter({ specialists: [withSchema, toy('down', 6)], runtime: runtimeFor([]) });
    const [up, down] = router.describe();
    expect(up).toMatchObject({ task: 'up', modelId: 'up:mock', inputJsonSchema: { type: 'string', pattern: '^[1-8]{4}$' } });
    expect(down!.inputJsonSchema).toBeNull();
  });

  it('refuses inputs nobody accepts, unknown tasks and ties with typed errors naming the candidates', () => {
    const router = createRouter({ specialists: [...specialists, { ...toy('up', 4), task: 'up-again' }], runtime: runtimeFor([]) });
    expect(() => router.route('hello')).toThrow(/no specialist accepts this input \(scores: up 0.00/);
    expect(() => router.route({ task: 'chess', input: 'x' })).toThrow(/available: up, down, up-again/);
    try {
      router.route('1234');
      expect.unreachable();
    } catch (error) {
      expect(AmbiguousInputError.isInstance(error)).toBe(true);
      expect((error as AmbiguousInputError).candidates).toEqual(['up', 'up-again']);
    }
  });

  it('solves mixed requests in order, loading each model once, verified against each own input', async () => {
    const loads: string[] = [];
    const router = createRouter({ specialists, runtime: runtimeFor(loads) });
    const inputs = ['2345', '345678', { task: 'up', input: '5111' }, 'oops', '123456', '7777'];
    const results = await router.solveMany(inputs);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const answers = results.map((result) => (result.status === 'fulfilled' ? result.value.answer : null));
    expect(answers).toEqual(['3456', '234567', '6222', null, '012345', '8888']);
    expect(results.every((result) => result.status === 'rejected' || result.value.verified)).toBe(true);
    expect(loads.sort()).toEqual(['down', 'up']);
    const failure = results[3] as PromiseRejectedResult;
    expect(InvalidInputError.isInstance(failure.reason)).toBe(true);
  });

  it("a request's answer and steps do not depend on what shares its batch", async () => {
    const alone = await createRouter({ specialists, runtime: runtimeFor([]) }).solve('4123');
    const crowd = await createRouter({ specialists, runtime: runtimeFor([]) }).solveMany(['8888', '4123', '1111', '6543', '2222']);
    expect(crowd[1]).toEqual({ status: 'fulfilled', value: alone });
  });

  it('applies its default options unless a request sets its own, and names a bad option', async () => {
    // Until its step, the toy model's answer repeats the input unchanged: patience 2 gives up.
    const router = createRouter({ specialists, runtime: runtimeFor([]), defaults: { patience: 2 } });
    expect(await router.solve('8111')).toMatchObject({ steps: 3, converged: true, verified: false });
    expect(await router.solve('8111', { patience: 8 })).toMatchObject({ steps: 8, converged: false, verified: true });
    await expect(router.solve('8111', { maxSteps: 0 })).rejects.toSatisfy((error) => InvalidInputError.isInstance(error) && error.field === 'options.maxSteps');
    expect(() => createRouter({ specialists, runtime: runtimeFor([]), defaults: { patience: 1.5 } })).toThrow(
      expect.objectContaining({ field: 'defaults.patience' }),
    );
  });

  it('takes the shared options: copies with augmentations, fixed steps, and refuses unknown keys', async () => {
    // "up" augmented by reversing its digits; the answer is mapped back, so every copy agrees.
    const reversing = { ...toy('up', 4), augment: (input: number[]) => ({ input: [...input].reverse(), restore: (answer: number[]) => [...answer].reverse() }) };
    const router = createRouter({ specialists: [reversing], runtime: runtimeFor([]) });
    const result = await router.solve('2345', { copies: 3, seed: 4 });
    expect(result).toMatchObject({ answer: '3456', verified: true, cost: { copies: 3, verifiedCopies: 3 } });
    expect(result.value).toEqual([3, 4, 5, 6]);
    expect(await router.solve('8111', { fixedSteps: 2 })).toMatchObject({ steps: 2, verified: false });
    await expect(router.solve('2345', { maxStep: 3 } as never)).rejects.toSatisfy((error) => InvalidInputError.isInstance(error) && error.field === 'options' && /maxStep/.test(error.message));
    await expect(router.solve('2345', { copies: 2 })).resolves.toMatchObject({ cost: { copies: 2 } });
    await router.dispose();
  });
});

describe('createSolveFunction', () => {
  it('solves with one call, makes the router once, and names bad arguments', async () => {
    const loads: string[] = [];
    let routers = 0;
    const shipped = createSolveFunction({ specialists: () => (routers++, [toy('up', 4), toy('down', 6)]), runtime: () => runtimeFor(loads) });
    expect(await shipped.solve('2345')).toMatchObject({ task: 'up', answer: '3456', verified: true });
    expect(await shipped.solve('123456', { task: 'down', maxSteps: 4 })).toMatchObject({ task: 'down', answer: '012345' });
    expect(routers).toBe(1);
    await expect(shipped.solve(undefined)).rejects.toMatchObject({ name: 'InvalidInputError', field: 'input' });
    await expect(shipped.solve('2345', 'fast' as never)).rejects.toMatchObject({ field: 'options' });
    await expect(shipped.solve('2345', { task: 3 } as never)).rejects.toMatchObject({ field: 'options.task' });
    await expect(shipped.solve('2345', { maxSteps: -1 })).rejects.toMatchObject({ field: 'options.maxSteps' });
    await shipped.dispose();
    await shipped.solve('2345');
    expect(routers).toBe(2); // disposed: the next call makes a new one
    await shipped.dispose();
  });

describe('router.dispose', () => {
  it('ends requests in flight with an AbortedError saying why, then refuses new ones', async () => {
    // Each step takes 10 ms, so the first request is mid-recursion when the router goes.
    const base = runtimeFor([]);
    const slow: InferenceRuntimeV1 = {
      ...base,
      async load(source) {
        const model = await base.load(source);
        return { ...model, doStep: async (input) => (await new Promise((resolve) => setTimeout(resolve, 10)), model.doStep(input)) };
      },
    };
    const router = createRouter({ specialists: [toy('up', 4)], runtime: slow, batching: { maxBatchSize: 1 } });
    // 8111 runs 7 steps; the second waits in the queue behind it.
    const running = router.solve('8111');
    const queued = router.solve('8222');
    const settled = Promise.allSettled([running, queued]);
    await new Promise((resolve) => setTimeout(resolve, 35));
    await router.dispose();
    for (const result of await settled) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toMatchObject({ name: 'AbortedError' });
      expect(((result as PromiseRejectedResult).reason as Error).cause).toMatchObject({ message: 'the router was disposed' });
    }
    await expect(router.solve('2345')).rejects.toMatchObject({ name: 'InvalidInputError', field: 'router' });
  });
});
});
