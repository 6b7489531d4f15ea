import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidInputError, type InferenceRuntimeV1 } from '@trm/core';
import { toyDigitRuntime, toyDigitSpecialist } from '@trm/core/test';
import { AmbiguousInputError } from './ambiguous-input-error';
import { createRouter } from './router';

const toy = toyDigitSpecialist;
const runtimeFor = toyDigitRuntime;

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

  it('a task whose detect claims every input (1, 5, Infinity) cannot take another task’s inputs: a tie goes to the task that parses it (a tie nobody parses stays a tie: see above)', () => {
    for (const claim of [1, 5, Infinity, Number.NaN]) {
      // Its own inputs are 5 digits; it claims everything.
      const greedy = { ...toy('down', 5), task: 'greedy', detect: () => claim };
      const router = createRouter({ specialists: [...specialists, greedy], runtime: runtimeFor([]) });
      expect(router.route('1234').task).toBe('up');
      expect(router.route('234567').task).toBe('down');
      if (claim === 1 || claim === 5) {
        expect(router.route('23456').task).toBe('greedy');
        expect(router.route('hello').task).toBe('greedy'); // unopposed, it is routed, and fails with its own parser's error
      } else expect(() => router.route('23456')).toThrow(/no specialist accepts/); // a score that is no number declines
    }
  });

  it('solves mixed requests in order, loading each model once, verified against each own input', async () => {
    const loads: string[] = [];
    const router = createRouter({ specialists, runtime: runtimeFor(loads) });
    const inputs = ['2345', '345678', { task: 'up', input: '5111' }, '123456', '7777'];
    const results = await router.solveMany(inputs);
    expect(results.map((result) => result.answer)).toEqual(['3456', '234567', '6222', '012345', '8888']);
    expect(results.map((result) => result.task)).toEqual(['up', 'down', 'up', 'down', 'up']);
    expect(results.every((result) => result.verified)).toBe(true);
    expect(loads.sort()).toEqual(['down', 'up']);
  });

  it('a bad input fails solveMany before any compute, naming its index; parse() checks one ahead of time', async () => {
    const loads: string[] = [];
    const router = createRouter({ specialists, runtime: runtimeFor(loads) });
    await expect(router.solveMany(['2345', 'oops', '123456'])).rejects.toMatchObject({ name: 'InvalidInputError', field: '[1].input', message: expect.stringMatching(/as up: up: 4 digits 1-8; as down: down: 6 digits 1-8$/) });
    expect(loads).toEqual([]);
    const checked = router.parse('2345');
    expect(checked).toMatchObject({ task: 'up', input: [2, 3, 4, 5] });
    // What parse returned is solved as it is (the toy parser would refuse an array of numbers).
    expect(await router.solveMany([checked])).toMatchObject([{ task: 'up', answer: '3456' }]);
    expect(() => router.parse({ task: 'up', input: '9' })).toThrow(expect.objectContaining({ field: 'up' }));
  });

  it('the same result shape and bounds as a solver: solve, solveMany and solveMany with onStep', async () => {
    const router = createRouter({ specialists, runtime: runtimeFor([]) });
    const single = await router.solve('8111', { maxSteps: 2000 });
    const [many] = await router.solveMany(['8111'], { maxSteps: 2000 });
    const events: number[] = [];
    const [watched] = await router.solveMany(['8111'], { maxSteps: 2000, onStep: (event) => events.push(event.step) });
    expect(many).toEqual(single);
    expect(watched).toEqual(single);
    expect(events).toEqual(Array.from({ length: single.steps }, (_, index) => index + 1));
    for (const call of [() => router.solve('8111', { maxSteps: 5000 }), () => router.solveMany(['8111'], { maxSteps: 5000 })]) {
      await expect(call()).rejects.toMatchObject({ name: 'InvalidInputError', field: 'options.maxSteps' });
    }
  });

  it('an input no task accepts gets the most likely task\'s own error; a detect that throws or returns NaN declines', async () => {
    const strict = { ...toy('up', 4), inputSchema: z.string().regex(/^[0-9]+$/) };
    // Neither takes a string of digits by its schema, so only "up" is asked what is wrong.
    const broken = { ...toy('down', 6), inputSchema: z.array(z.number()), detect: () => Number.NaN };
    const throwing = { ...toy('down', 6), task: 'sideways', inputSchema: z.array(z.number()), detect: () => { throw new Error('bug in detect'); } };
    const router = createRouter({ specialists: [strict, broken, throwing], runtime: runtimeFor([]) });
    expect(() => router.route('12345')).toThrow(expect.objectContaining({ field: 'input.up', message: expect.stringMatching(/as up: up: 4 digits 1-8$/) }));
    expect(() => router.route({ nothing: true })).toThrow(/no specialist accepts this input \(scores: up 0.00, down 0.00, sideways 0.00\)/);
  });

  it('solveMany keeps a tie as AmbiguousInputError naming its index, and one failing task stops the others', async () => {
    const router = createRouter({ specialists: [...specialists, { ...toy('up', 4), task: 'up-again' }], runtime: runtimeFor([]) });
    await expect(router.solveMany(['123456', '1234'])).rejects.toSatisfy((error) => AmbiguousInputError.isInstance(error) && error.field === '[1].task' && error.candidates.join() === 'up,up-again');
    // "down" fails as it enters the batch; "up" (64 fixed steps) is stopped with it, not run to the end.
    const steps: number[] = [];
    const counting: InferenceRuntimeV1 = {
      ...runtimeFor([]),
      async load(source) {
        const model = await runtimeFor([]).load(source);
        return { ...model, doStep: async (input) => (steps.push(input.batchSize), model.doStep(input)) };
      },
    };
    const failing = { ...toy('down', 6), encode: () => new Int32Array(5) };
    const mixed = createRouter({ specialists: [toy('up', 4), failing], runtime: counting });
    await expect(mixed.solveMany(['8111', '123456'], { fixedSteps: 64 })).rejects.toMatchObject({ name: 'InvalidInputError', field: 'tokens' });
    const atFailure = steps.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(steps.length).toBe(atFailure);
    expect(atFailure).toBeLessThan(8);
    await mixed.dispose();
  });

  it("a request's answer and steps do not depend on what shares its batch", async () => {
    const alone = await createRouter({ specialists, runtime: runtimeFor([]) }).solve('4123');
    const crowd = await createRouter({ specialists, runtime: runtimeFor([]) }).solveMany(['8888', '4123', '1111', '6543', '2222']);
    expect(crowd[1]).toEqual(alone);
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

  it('quotes a megabyte-long task name or option key short in its errors, never whole', async () => {
    const router = createRouter({ specialists, runtime: runtimeFor([]) });
    const huge = 'x'.repeat(1_000_000);
    const refusals: unknown[] = [];
    try {
      router.route({ task: huge, input: '1234' });
    } catch (error) {
      refusals.push(error);
    }
    refusals.push(await router.solve('1234', { [huge]: 1 } as never).catch((error: unknown) => error));
    expect(refusals).toHaveLength(2);
    for (const error of refusals) expect(InvalidInputError.isInstance(error)).toBe(true);
    const [task, option] = refusals as InvalidInputError[];
    expect(task!.message).toMatch(/^task: no specialist for "x{57}\.\.\."; available: up, down$/);
    expect(option!.message).toMatch(/^options: Unrecognized key: "x+\.\.\.$/);
    for (const { message, field, received } of [task!, option!]) expect(message.length + field!.length + received.length).toBeLessThan(500);
    await router.dispose();
  });
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
