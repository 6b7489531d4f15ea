import { describe, expect, it } from 'vitest';
import { InvalidInputError, type InferenceRuntimeV1, type SpecialistV1 } from '@trm/core';
import { createMockRuntime, testManifest } from '@trm/core/test';
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

describe('createSolveFunction', () => {
  it('solves with one call, makes the router once, and names bad arguments', async () => {
    const loads: string[] = [];
    let routers = 0;
    const shipped = createSolveFunction({ specialists: () => (routers++, [toy('up', 4), toy('down', 6)]), runtime: () => runtimeFor(loads) });
    expect(await shipped.solve('2345')).toMatchObject({ task: 'up', answer: '3456', verified: true });
    expect(await shipped.solve('123456', { task: 'down', maxSteps: 4 })).toMatchObject({ task: 'down', answer: '012345' });
    expect(routers).toBe(1);
    expect(loads).toEqual(['up', 'down']); // each model loaded once, when first needed
    await expect(shipped.solve(undefined)).rejects.toMatchObject({ name: 'InvalidInputError', field: 'input' });
    await expect(shipped.solve('2345', 'fast' as never)).rejects.toMatchObject({ field: 'options' });
    await expect(shipped.solve('2345', { task: 3 } as never)).rejects.toMatchObject({ field: 'options.task' });
    await expect(shipped.solve('2345', { maxSteps: -1 })).rejects.toMatchObject({ field: 'options.maxSteps' });
    await shipped.dispose();
    await shipped.solve('2345');
    expect(routers).toBe(2); // disposed: the next call makes a new one
    await shipped.dispose();
  });
});
