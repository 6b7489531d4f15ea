import { InvalidInputError, type TaskV1, createRandom, parseTaskDefinition } from '@trm/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkTask } from './check-task';
import { taskArchitecture } from './task-architecture';

type Digits = { digits: number[] };

/** A toy task: sort 4 digits 1-5. Token = digit (0 is padding). */
const sorting: TaskV1<Digits, number[]> = {
  specificationVersion: 'v1',
  name: 'sorting',
  description: 'sort four digits',
  codec: {
    vocabulary: ['pad', '1', '2', '3', '4', '5'],
    sequenceLength: 4,
    encode: (input) => Int32Array.from(input.digits),
    decode: (tokens) => Array.from(tokens),
    inputFromTokens: (tokens) => ({ digits: Array.from(tokens) }),
  },
  inputSchema: z.array(z.number()),
  parseInput: (input) => ({ digits: input as number[] }),
  detect: () => 0,
  verify: (input, answer) => answer.join() === [...input.digits].sort().join(),
  formatAnswer: (answer) => answer.join(''),
  parseAnswer: (text) => [...text].map(Number),
  formatInput: (input) => input.digits.join(''),
  training: {
    data({ seed }) {
      const random = createRandom(seed);
      return {
        description: 'random digits',
        next() {
          const digits = Array.from({ length: 4 }, () => 1 + random.int(5));
          return { tokens: Int32Array.from(digits), labels: Int32Array.from([...digits].sort()) };
        },
      };
    },
  },
  defaults: { architecture: { mixer: 'mlp', hiddenSize: 16 }, recursion: { cycles: 1, latentSteps: 1, maxSupervisionSteps: 2 } },
};

/** Checks `task` as `trm train` does: the task's own architecture, a fresh stream of its data. */
function check(task: TaskV1<any, any>) {
  parseTaskDefinition(task);
  checkTask(task, { architecture: taskArchitecture(task, {}), data: task.training!.data({ seed: 1 }) });
}

function refusal(task: TaskV1<any, any>): InvalidInputError {
  try {
    check(task);
  } catch (error) {
    if (InvalidInputError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('checkTask accepted the task');
}

describe('checkTask', () => {
  it('accepts a task whose codec, data and verify agree', () => {
    expect(() => check(sorting)).not.toThrow();
  });

  it('names codec.sequenceLength when it disagrees with encode()', () => {
    const error = refusal({ ...sorting, codec: { ...sorting.codec, sequenceLength: 5 } });
    expect(error.field).toBe('task.codec.sequenceLength');
    expect(error.message).toMatch(/task "sorting": training example 0 has 4 tokens, but the network takes 5 tokens \(codec\.sequenceLength\)/);
  });

  it('names encode() when it disagrees with the training data and the sequence length', () => {
    const error = refusal({ ...sorting, codec: { ...sorting.codec, encode: (input: Digits) => Int32Array.from([...input.digits, 0]) } });
    expect(error.field).toBe('task.codec.encode');
    expect(error.message).toContain("encode() of training example 0's input gives 5 tokens, but its tokens and the network have 4 tokens (codec.sequenceLength)");
  });

  it('for a grid task, names encode() when it disagrees with the input grid (height x width)', () => {
    const grid: TaskV1<Digits, number[]> = { ...sorting, codec: { ...sorting.codec, grid: { height: 2, width: 2 }, sides: { min: 2, max: 3 } }, grid: () => ({ height: 3, width: 3 }) };
    const error = refusal(grid);
    expect(error.field).toBe('task.codec.encode');
    expect(error.message).toContain("its grid (task.grid) is 3x3 = 9");
  });

  it('names verify() when it refuses the answer the training data gives', () => {
    const error = refusal({ ...sorting, verify: (input: Digits, answer: number[]) => answer.join() === [...input.digits].sort().reverse().join() });
    expect(error.field).toBe('task.verify');
    expect(error.message).toMatch(/verify\(\) refuses training example 0's own answer/);
  });

  it('names inputFromTokens when decoding an encoding does not round-trip', () => {
    const error = refusal({ ...sorting, codec: { ...sorting.codec, inputFromTokens: (tokens: Int32Array) => ({ digits: Array.from(tokens, (token) => Math.max(1, token - 1)) }) } });
    expect(error.field).toBe('task.codec.inputFromTokens');
    expect(error.message).toMatch(/round-trip/);
  });

  it('names parseAnswer when a printed answer does not read back', () => {
    const error = refusal({ ...sorting, parseAnswer: (text: string) => [...text].map(Number).reverse() });
    expect(error.field).toBe('task.parseAnswer');
  });

  it('names the part of the task that throws, keeping the cause', () => {
    const broken = new Error('no such digit');
    const error = refusal({ ...sorting, codec: { ...sorting.codec, decode: () => { throw broken; } } });
    expect(error.field).toBe('task.codec.decode');
    expect(error.message).toContain('no such digit');
    expect(error.cause).toBe(broken);
  });

  it('checks token lengths only for a task that cannot rebuild an input from tokens', () => {
    const { inputFromTokens: _, ...codec } = sorting.codec;
    // verify would refuse everything: unchecked without inputFromTokens.
    expect(() => check({ ...sorting, codec, verify: () => false })).not.toThrow();
    expect(refusal({ ...sorting, codec: { ...codec, sequenceLength: 3 } }).field).toBe('task.codec.sequenceLength');
  });
});
