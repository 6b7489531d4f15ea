import { describe, expect, it } from 'vitest';
import { createMockRuntime } from '../test';
import { testManifest } from '../testing/test-manifest';
import { QueueFullError } from '../contracts/errors/queue-full-error';
import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import { AbortedError } from '../contracts/errors/aborted-error';
import { runRecursion } from './run-recursion';
import { ContinuousBatcher } from './continuous-batcher';

const manifest = testManifest({ sequenceLength: 3, vocabularySize: 40 });
/** A slot halts after as many steps as its first token says; its answer is "token + step". */
const runtime = () =>
  createMockRuntime({
    manifest,
    script: {
      answer: ({ step, tokens }) => Array.from(tokens, (token) => Math.min(39, token + step)),
      qHalt: ({ step, tokens }) => (step >= tokens[0]! ? 1 : -1),
    },
  });
const request = (haltAfter: number) => ({ tokens: Int32Array.of(haltAfter, 1, 2) });

describe('ContinuousBatcher', () => {
  it('answers every request exactly as a batch of its own would', async () => {
    const mock = runtime();
    const model = await mock.load({ manifest, weights: new Uint8Array() });
    const batcher = new ContinuousBatcher(model, { maxBatchSize: 4 });
    const lengths = [1, 5, 2, 8, 3, 3, 1, 7, 2];
    const answers = await Promise.all(lengths.map((length) => batcher.submit(request(length))));
    for (const [index, length] of lengths.entries()) {
      const [alone] = await runRecursion(model, { tokens: request(length).tokens, batchSize: 1 });
      expect(answers[index]!.steps).toBe(length);
      expect(Array.from(answers[index]!.tokens)).toEqual(Array.from(alone!.tokens));
    }
    expect(Math.max(...mock.calls.map((call) => call.batchSize))).toBeLessThanOrEqual(4);
  });

  it('refills freed slots, so mixed lengths cost far fewer steps than static batches', async () => {
    const mock = runtime();
    const batcher = new ContinuousBatcher(await mock.load({ manifest, weights: new Uint8Array() }), { maxBatchSize: 2 });
    // Static batches of 2: [16, 1], [16, 1] -> 32 steps. Continuous: the long ones run side by side.
    await Promise.all([16, 1, 16, 1].map((length) => batcher.submit(request(length))));
    expect(batcher.statistics.steps).toBeLessThanOrEqual(18);
    // A refilled slot is told to reset.
    expect(mock.calls.some((call, index) => index > 0 && call.reset?.some((flag) => flag === 1))).toBe(true);
  });

  it('moves running samples into freed slots once the queue is empty, so the batch shrinks', async () => {
    const mock = runtime();
    const model = await mock.load({ manifest, weights: new Uint8Array() });
    const batcher = new ContinuousBatcher(model, { maxBatchSize: 4 });
    // The long request sits in the last slot; the three short ones free the slots below it.
    const answers = await Promise.all([1, 1, 1, 9].map((length) => batcher.submit(request(length))));
    const [alone] = await runRecursion(model, { tokens: request(9).tokens, batchSize: 1 });
    expect(answers[3]!.steps).toBe(9);
    expect(Array.from(answers[3]!.tokens)).toEqual(Array.from(alone!.tokens));
    const batchCalls = mock.calls.slice(0, 9);
    expect(batchCalls.map((call) => call.batchSize)).toEqual([4, 1, 1, 1, 1, 1, 1, 1, 1]);
    // The move is a carry from slot 3 to slot 0, not a restart.
    expect(Array.from(batchCalls[1]!.carry ?? [])).toEqual([3]);
    expect(Array.from(batchCalls[1]!.reset ?? [])).toEqual([0]);
    expect(batcher.statistics.slotSteps).toBe(4 + 8);
  });

  it('bounds the queue with a typed error instead of growing without limit', async () => {
    const batcher = new ContinuousBatcher(await runtime().load({ manifest, weights: new Uint8Array() }), { maxBatchSize: 1, maxQueue: 2 });
    // One for the free slot, two for the queue.
    const accepted = [batcher.submit(request(3)), batcher.submit(request(3)), batcher.submit(request(3))];
    await expect(batcher.submit(request(3))).rejects.toSatisfy((error) => QueueFullError.isInstance(error));
    await Promise.all(accepted);
  });

  it('a group (a request and its copies) enters together, or is refused whole leaving nothing queued', async () => {
    const mock = runtime();
    const batcher = new ContinuousBatcher(await mock.load({ manifest, weights: new Uint8Array() }), { maxBatchSize: 3, maxQueue: 2 });
    const first = batcher.submitGroup([request(4), request(4)]);
    // Two slots busy, one free: a group of two waits for room to enter whole instead of splitting.
    const second = batcher.submitGroup([request(2), request(2)]);
    expect(batcher.queued).toBe(4);
    // 4 waiting + 2 more > 2 queued + 3 slots: refused at once, as a whole.
    expect(() => batcher.submitGroup([request(1), request(1)])).toThrow(expect.objectContaining({ name: 'QueueFullError' }));
    expect(batcher.queued).toBe(4);
    await Promise.all([...first, ...second]);
    // Steps 1-4 run the first group (2 slots); the second enters together at step 5.
    expect(mock.calls.map((call) => call.batchSize)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(Array.from(mock.calls[4]!.reset!)).toEqual([1, 1]);
    // A group larger than the whole batch enters in parts rather than never.
    const big = new ContinuousBatcher(await runtime().load({ manifest, weights: new Uint8Array() }), { maxBatchSize: 2 });
    expect((await Promise.all(big.submitGroup([request(1), request(1), request(1)]))).map((state) => state.steps)).toEqual([1, 1, 1]);
  });

  it('streams every step of a request to its onStep, the last one done', async () => {
    const batcher = new ContinuousBatcher(await runtime().load({ manifest, weights: new Uint8Array() }), { maxBatchSize: 2 });
    const seen: { steps: number; done: boolean }[] = [];
    const final = await batcher.submit({ ...request(3), onStep: (state) => seen.push({ steps: state.steps, done: state.done }) });
    expect(seen).toEqual([{ steps: 1, done: false }, { steps: 2, done: false }, { steps: 3, done: true }]);
    expect(final.steps).toBe(3);
  });

  it('cancels with an AbortSignal, queued or running, without disturbing the others', async () => {
    const running = new AbortController();
    const queued = new AbortController();
    // The script aborts the running request from inside its third step.
    const mock = createMockRuntime({
      manifest,
      script: {
        answer: ({ step, tokens }) => {
          if (tokens[0] === 16 && step === 3) running.abort();
          return Array.from(tokens);
        },
        qHalt: ({ step, tokens }) => (step >= tokens[0]! ? 1 : -1),
      },
    });
    const batcher = new ContinuousBatcher(await mock.load({ manifest, weights: new Uint8Array() }), { maxBatchSize: 1 });
    const first = batcher.submit({ ...request(16), signal: running.signal });
    const second = batcher.submit({ ...request(15), signal: queued.signal });
    const third = batcher.submit(request(2));
    queued.abort();
    // The queued one settles at once; both are checked together.
    await Promise.all([expect(first).rejects.toSatisfy((error) => AbortedError.isInstance(error)), expect(second).rejects.toSatisfy((error) => AbortedError.isInstance(error))]);
    expect((await third).steps).toBe(2);
    expect(mock.calls).toHaveLength(3 + 2);
  });

  it('a queued request that is aborted settles at once, while the batch runs on', async () => {
    const controller = new AbortController();
    // The long request aborts the queued one from inside its third step.
    const mock = createMockRuntime({
      manifest,
      script: {
        answer: ({ step, tokens }) => {
          if (tokens[0] === 12 && step === 3) controller.abort();
          return Array.from(tokens);
        },
        qHalt: ({ step, tokens }) => (step >= tokens[0]! ? 1 : -1),
      },
    });
    const batcher = new ContinuousBatcher(await mock.load({ manifest, weights: new Uint8Array() }), { maxBatchSize: 1 });
    const long = batcher.submit(request(12));
    let stepsWhenSettled = -1;
    const waiting = batcher.submit({ ...request(2), signal: controller.signal }).catch((error) => {
      stepsWhenSettled = batcher.statistics.steps;
      return error;
    });
    expect(AbortedError.isInstance(await waiting)).toBe(true);
    // Settled during step 3 of 12, not when a slot came free.
    expect(stepsWhenSettled).toBeLessThanOrEqual(3);
    expect(batcher.queued).toBe(0);
    expect((await long).steps).toBe(12);
  });

  it("a task check that throws fails only its own request; the batch and the others go on", async () => {
    const mock = runtime();
    const batcher = new ContinuousBatcher(await mock.load({ manifest, weights: new Uint8Array() }), { maxBatchSize: 4 });
    const broken = { accept: () => { throw new Error('decode blew up'); }, maxSteps: 8 };
    const results = await Promise.allSettled([batcher.submit(request(3)), batcher.submit({ ...request(3), verification: broken }), batcher.submit(request(4))]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ name: 'RuntimeError', field: 'verification' });
    expect((results[2] as PromiseFulfilledResult<{ steps: number }>).value.steps).toBe(4);
    // The batcher still serves new requests afterwards.
    expect((await batcher.submit(request(2))).steps).toBe(2);
  });

  it("passes per-request noise to the runtime, never on a slot's first step", async () => {
    const mock = runtime();
    const batcher = new ContinuousBatcher(await mock.load({ manifest, weights: new Uint8Array() }));
    await Promise.all([batcher.submit({ ...request(3), noise: 0.25 }), batcher.submit(request(3))]);
    expect(mock.calls[0]!.stateNoise).toBeUndefined();
    expect(Array.from(mock.calls[1]!.stateNoise!.std)).toEqual([0.25, 0]);
  });

  it('keeps thinking past the halting head until the verifier accepts', async () => {
    const batcher = new ContinuousBatcher(await runtime().load({ manifest, weights: new Uint8Array() }));
    const result = await batcher.submit({ ...request(1), verification: { accept: (tokens) => tokens[1]! >= 5, maxSteps: 20 } });
    expect(result).toMatchObject({ steps: 4, accepted: true });
  });

  it('with patience, a frozen unverified answer leaves early, exactly as it would alone', async () => {
    // Answers climb to the largest token and stay there; the halting head never fires.
    const freezing = createMockRuntime({
      manifest,
      script: { answer: ({ step, tokens }) => Array.from(tokens, (token) => Math.min(token, step)), qHalt: () => -1 },
    });
    const model = await freezing.load({ manifest, weights: new Uint8Array() });
    const batcher = new ContinuousBatcher(model, { maxBatchSize: 4 });
    const never = { accept: () => false, maxSteps: 20 };
    const [patient, impatient] = await Promise.all([
      batcher.submit({ tokens: Int32Array.of(5, 1, 2), verification: never }),
      batcher.submit({ tokens: Int32Array.of(5, 1, 2), verification: never, patience: 2 }),
    ]);
    // Frozen from step 5; two unchanged steps later it stops.
    expect(impatient).toMatchObject({ steps: 7, converged: true, accepted: false });
    expect(patient).toMatchObject({ steps: 20, converged: false });
    const [alone] = await runRecursion(model, { tokens: Int32Array.of(5, 1, 2), batchSize: 1, halting: { mode: 'adaptive', patience: 2 }, verification: { accept: () => false, maxSteps: 20 } });
    expect(alone).toMatchObject({ steps: 7, converged: true });
    expect(Array.from(impatient.tokens)).toEqual(Array.from(alone!.tokens));
  });

  it('a candidate model gets each request’s own mask, which moves with the request when the batch packs', async () => {
    const candidateManifest = testManifest({ sequenceLength: 3, vocabularySize: 40, input: 'candidates' });
    const mock = createMockRuntime({ manifest: candidateManifest, script: { answer: ({ tokens }) => Array.from(tokens), qHalt: ({ step, tokens }) => (step >= tokens[0]! ? 1 : -1) } });
    const batcher = new ContinuousBatcher(await mock.load({ manifest: candidateManifest, weights: new Uint8Array() }), { maxBatchSize: 4 });
    // Each request's mask marks its own number: request k allows token k + 10 everywhere.
    const masked = (haltAfter: number, mark: number) => ({ ...request(haltAfter), candidates: Uint8Array.from({ length: 3 * 40 }, (_, index) => (index % 40 === mark ? 1 : 0)) });
    await Promise.all([1, 1, 1, 5].map((length, index) => batcher.submit(masked(length, 10 + index))));
    // From the second step on only the long request runs, moved from slot 3 to slot 0, with its mask.
    for (const call of mock.calls.slice(1, 5)) {
      expect(call.batchSize).toBe(1);
      expect([...call.candidates!].map((value, index) => (value ? index % 40 : -1)).filter((token) => token >= 0)).toEqual([13, 13, 13]);
    }
    await expect(batcher.submit(request(1))).rejects.toSatisfy((error) => InvalidInputError.isInstance(error) && error.field === 'candidates');
  });
});
