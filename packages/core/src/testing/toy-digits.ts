/**
 * Two toy tasks for routing tests, with no model: "up" answers each digit + 1, "down" each digit
 * - 1; inputs are strings of `length` digits 1-8.
 */
import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import type { InferenceRuntimeV1 } from '../contracts/inference-runtime';
import type { SpecialistV1 } from '../contracts/specialist';
import { createMockRuntime } from './mock-runtime';
import { testManifest } from './test-manifest';

export function toyDigitSpecialist(task: 'up' | 'down', length: number): SpecialistV1<number[], number[]> {
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

/** The toys' runtime: each task's model gets the answer right after as many steps as the first digit; `loads` records each load. */
export function toyDigitRuntime(loads: string[] = []): InferenceRuntimeV1 {
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
