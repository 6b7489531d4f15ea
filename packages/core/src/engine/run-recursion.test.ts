import { describe, expect, it } from 'vitest';
import { createMockRuntime } from '../test';
import { iterateRecursion, runRecursion } from './run-recursion';
import { AbortedError } from '../contracts/errors/aborted-error';
import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import { testManifest } from '../testing/test-manifest';

const manifest = testManifest({ sequenceLength: 4, vocabularySize: 5 });

/** Slot i halts (q > 0) from step `haltAt[token0]` on; its answer is the step number in every position. */
function scriptedRuntime(haltAfter: (firstToken: number) => number) {
  return createMockRuntime({
    manifest,
    script: {
      answer: ({ step }) => new Array(4).fill(Math.min(step, 4)),
      qHalt: ({ step, tokens }) => (step >= haltAfter(tokens[0]) ? 3 : -3),
    },
  });
}

async function load(runtime: ReturnType<typeof createMockRuntime>) {
  return runtime.load({ manifest, weights: new Uint8Array() });
}

describe('runRecursion', () => {
  it('halts each sample at its first q_halt > 0 and freezes its answer', async () => {
    const runtime = scriptedRuntime((token) => token);
    const model = await load(runtime);
    // Sample 0 halts after 2 steps, sample 1 after 3, sample 2 never (bounded by maxSteps 4).
    const tokens = Int32Array.from([2, 0, 0, 0, 3, 0, 0, 0, 9, 0, 0, 0]);
    const samples = await runRecursion(model, { tokens, batchSize: 3, halting: { mode: 'adaptive', maxSteps: 4 } });
    expect(samples.map((sample) => sample.steps)).toEqual([2, 3, 4]);
    expect(samples.map((sample) => sample.halted)).toEqual([true, true, false]);
    expect(Array.from(samples[0].tokens)).toEqual([2, 2, 2, 2]);
    expect(Array.from(samples[1].tokens)).toEqual([3, 3, 3, 3]);
    expect(samples[0].confidence).toBeCloseTo(1 / (1 + Math.exp(-3)));
    expect(runtime.calls).toHaveLength(4);
  });

  it('stops calling the runtime once every sample has halted', async () => {
    const runtime = scriptedRuntime(() => 1);
    const samples = await runRecursion(await load(runtime), { tokens: new Int32Array(8), batchSize: 2 });
    expect(samples.every((sample) => sample.steps === 1 && sample.halted)).toBe(true);
    expect(runtime.calls).toHaveLength(1);
  });

  it('respects minSteps before honouring q_halt', async () => {
    const runtime = scriptedRuntime(() => 1);
    const samples = await runRecursion(await load(runtime), { tokens: new Int32Array(4), batchSize: 1, halting: { mode: 'adaptive', minSteps: 3, maxSteps: 8 } });
    expect(samples[0].steps).toBe(3);
  });

  it('fixed mode ignores q_halt and runs exactly N steps', async () => {
    const runtime = scriptedRuntime(() => 1);
    const samples = await runRecursion(await load(runtime), { tokens: new Int32Array(8), batchSize: 2, halting: { mode: 'fixed', steps: 5 } });
    expect(samples.map((sample) => sample.steps)).toEqual([5, 5]);
    expect(samples.every((sample) => !sample.halted)).toBe(true);
    expect(runtime.calls).toHaveLength(5);
  });

  it('carries the state between steps and disposes every replaced state', async () => {
    const runtime = scriptedRuntime(() => 99);
    await runRecursion(await load(runtime), { tokens: new Int32Array(4), batchSize: 1, halting: { mode: 'fixed', steps: 3 } });
    expect(runtime.calls[0].state).toBeNull();
    expect(runtime.calls[1].state).toBe(runtime.states[0]);
    expect(runtime.calls[2].state).toBe(runtime.states[1]);
    expect(runtime.states.every((state) => state.disposed)).toBe(true);
  });

  it('streams every step so a caller can watch the answer improve', async () => {
    const runtime = scriptedRuntime(() => 3);
    const seen: number[][] = [];
    for await (const event of iterateRecursion(await load(runtime), { tokens: new Int32Array(4), batchSize: 1 })) {
      seen.push([event.step, event.samples[0].tokens[0], event.samples[0].done ? 1 : 0]);
    }
    expect(seen).toEqual([
      [1, 1, 0],
      [2, 2, 0],
      [3, 3, 1],
    ]);
  });

  it('aborts between steps with a typed error', async () => {
    const runtime = scriptedRuntime(() => 99);
    const controller = new AbortController();
    const promise = runRecursion(await load(runtime), {
      tokens: new Int32Array(4),
      batchSize: 1,
      signal: controller.signal,
      onStep: (event) => event.step === 2 && controller.abort(),
    });
    await expect(promise).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    expect(runtime.calls).toHaveLength(2);
  });

  it('rejects mismatched token counts and bad halting settings, naming the field', async () => {
    const model = await load(scriptedRuntime(() => 1));
    await expect(runRecursion(model, { tokens: new Int32Array(5), batchSize: 1 })).rejects.toMatchObject({ name: 'InvalidInputError', field: 'tokens' });
    await expect(runRecursion(model, { tokens: new Int32Array(4), batchSize: 1, halting: { mode: 'fixed', steps: 0 } })).rejects.toSatisfy(
      (error) => InvalidInputError.isInstance(error) && error.field === 'halting.steps',
    );
  });
});

describe('runRecursion with verification', () => {
  // Answers are the step number; an answer is "right" from step 5 on. q_halt says stop at step 2.
  const runtime = () => scriptedRuntime(() => 2);
  const accept = (_sample: number, tokens: Int32Array) => tokens[0] >= 4;

  it('thinks longer than the halting head when the answer does not verify', async () => {
    const samples = await runRecursion(await load(runtime()), {
      tokens: new Int32Array(4),
      batchSize: 1,
      halting: { mode: 'adaptive', maxSteps: 3 },
      verification: { accept, maxSteps: 10 },
    });
    expect(samples[0]).toMatchObject({ steps: 4, accepted: true });
  });

  it('stops at the extended budget when the answer never verifies', async () => {
    const samples = await runRecursion(await load(runtime()), {
      tokens: new Int32Array(4),
      batchSize: 1,
      halting: { mode: 'adaptive', maxSteps: 2 },
      verification: { accept: () => false, maxSteps: 6 },
    });
    expect(samples[0]).toMatchObject({ steps: 6, accepted: false });
  });

  it('stops as soon as an answer verifies, before the halting head says so', async () => {
    const never = scriptedRuntime(() => 99);
    const samples = await runRecursion(await load(never), {
      tokens: new Int32Array(4),
      batchSize: 1,
      verification: { accept, maxSteps: 16 },
    });
    expect(samples[0]).toMatchObject({ steps: 4, accepted: true, halted: false });
  });

  it('leaves fixed step counts exact', async () => {
    const samples = await runRecursion(await load(runtime()), {
      tokens: new Int32Array(4),
      batchSize: 1,
      halting: { mode: 'fixed', steps: 3 },
      verification: { accept, maxSteps: 10 },
    });
    expect(samples[0].steps).toBe(3);
  });

  it('with patience, stops an unverified answer that has stopped changing', async () => {
    // The answer freezes at step 4; three unchanged steps later (step 7) it stops, converged.
    const never = scriptedRuntime(() => 99);
    const [frozen] = await runRecursion(await load(never), {
      tokens: new Int32Array(4),
      batchSize: 1,
      halting: { mode: 'adaptive', maxSteps: 16, patience: 3 },
      verification: { accept: () => false, maxSteps: 32 },
    });
    expect(frozen).toMatchObject({ steps: 7, done: true, converged: true, halted: false, accepted: false });
    // Without patience the same run goes to the verification budget.
    const [patient] = await runRecursion(await load(scriptedRuntime(() => 99)), {
      tokens: new Int32Array(4),
      batchSize: 1,
      verification: { accept: () => false, maxSteps: 32 },
    });
    expect(patient).toMatchObject({ steps: 32, converged: false });
  });

  it('patience never cuts off an answer that verifies, and needs adaptive halting', async () => {
    const [verified] = await runRecursion(await load(scriptedRuntime(() => 99)), {
      tokens: new Int32Array(4),
      batchSize: 1,
      halting: { mode: 'adaptive', patience: 1 },
      verification: { accept, maxSteps: 32 },
    });
    expect(verified).toMatchObject({ steps: 4, accepted: true, converged: false });
    const model = await load(runtime());
    await expect(runRecursion(model, { tokens: new Int32Array(4), batchSize: 1, halting: { mode: 'adaptive', patience: 0 } })).rejects.toSatisfy(
      (error) => InvalidInputError.isInstance(error) && error.field === 'halting.patience',
    );
  });
});
