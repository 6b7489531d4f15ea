import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import { testManifest } from '../testing/test-manifest';
import { createSpecialist } from './create-specialist';
import type { TaskV1 } from '../contracts/task';
import { isCorrectAnswer, parseTaskDefinition, tokenCorrectness } from '../contracts/task-schema';

/** Grids of side 2-4 whose answer is each cell + 1; any answer with every cell > its input is "valid". */
const grids: TaskV1<{ cells: number[]; side: number }, number[]> = {
  specificationVersion: 'v1',
  name: 'grids',
  description: 'toy grid task',
  codec: {
    vocabulary: ['pad', '1', '2', '3', '4', '5', '6'],
    sequenceLength: 9,
    grid: { height: 3, width: 3 },
    sides: { min: 2, max: 4 },
    encode: (input) => Int32Array.from(input.cells),
    decode: (tokens) => Array.from(tokens),
    inputFromTokens: (tokens) => ({ cells: Array.from(tokens), side: Math.sqrt(tokens.length) }),
  },
  inputSchema: z.array(z.number()),
  parseInput(input, options) {
    if (!Array.isArray(input)) throw new InvalidInputError({ field: 'grid', message: 'expected cells', value: input });
    const side = Math.sqrt(input.length);
    if (options?.grid && options.grid.height !== side) throw new InvalidInputError({ field: 'grid', message: `expected side ${options.grid.height}`, value: input });
    return { cells: input as number[], side };
  },
  detect: (input) => (Array.isArray(input) ? 1 : 0),
  grid: (input) => ({ height: input.side, width: input.side }),
  verify: (input, answer) => answer.every((cell, index) => cell > input.cells[index]!),
  formatAnswer: (answer) => answer.join(''),
  formatInput: (input) => input.cells.join(''),
  defaults: { architecture: { mixer: 'conv' }, recursion: { latentSteps: 1, cycles: 1, maxSupervisionSteps: 4 } },
};

const model = (architecture: Parameters<typeof testManifest>[0], task = 'grids') => ({ manifest: { ...testManifest({ vocabularySize: 7, ...architecture }), id: `${task}:toy`, task }, weights: new Uint8Array() });

describe('tasks and specialists', () => {
  it('a task plus a size-free model runs every side; a fixed-size model only its own', () => {
    const anySize = createSpecialist(grids, model({ mixer: 'conv', grid: { height: 3, width: 3 }, sequenceLength: 9 }));
    expect(anySize.grid?.(anySize.parseInput([1, 1, 1, 1]))).toEqual({ height: 2, width: 2 });
    expect(anySize.detect(Array(16).fill(1))).toBe(1);
    const fixed = createSpecialist(grids, model({ mixer: 'mlp', grid: { height: 3, width: 3 }, sequenceLength: 9 }));
    expect(fixed.grid).toBeUndefined();
    expect(fixed.detect(Array(9).fill(1))).toBe(1);
    expect(fixed.detect(Array(16).fill(1))).toBe(0); // parses only at its own size
    expect(() => fixed.parseInput(Array(4).fill(1))).toThrow(/expected side 3/);
  });

  it('refuses a model of another task or vocabulary, naming the manifest field', () => {
    expect(() => createSpecialist(grids, model({ sequenceLength: 9 }, 'other'))).toThrow(expect.objectContaining({ name: 'ManifestError', field: 'task' }));
    expect(() => createSpecialist(grids, model({ sequenceLength: 9, vocabularySize: 11 }))).toThrow(expect.objectContaining({ field: 'architecture.vocabularySize' }));
    expect(() => createSpecialist(grids)).toThrow(expect.objectContaining({ field: 'model' })); // ships none
  });

  it('checks a task definition field by field', () => {
    expect(parseTaskDefinition(grids)).toBe(grids);
    expect(() => parseTaskDefinition({ ...grids, verify: 'yes' })).toThrow(expect.objectContaining({ field: 'task.verify' }));
    expect(() => parseTaskDefinition({ ...grids, name: 'Grids!' })).toThrow(expect.objectContaining({ field: 'task.name' }));
    expect(() => parseTaskDefinition({ ...grids, codec: { ...grids.codec, grid: { height: 2, width: 2 } } })).toThrow(expect.objectContaining({ field: 'task.codec.grid' }));
    const { grid: _grid, ...withoutGrid } = grids;
    expect(() => parseTaskDefinition(withoutGrid)).toThrow(expect.objectContaining({ field: 'task.grid' }));
    // A default search needs candidate sets to search on, and names only what it takes.
    const searching = { ...grids, defaults: { ...grids.defaults, search: { steps: 100, dive: true } } };
    expect(() => parseTaskDefinition(searching)).toThrow(expect.objectContaining({ field: 'task.defaults.search' }));
    const withDomain = { ...searching, domain: { candidates: () => new Uint8Array(0), narrow: () => true, tokens: () => new Int32Array(0), target: () => null } };
    expect(parseTaskDefinition(withDomain)).toBe(withDomain);
    expect(() => parseTaskDefinition({ ...withDomain, defaults: { ...grids.defaults, search: { steps: 100, keepThreshold: 0.1 } } })).toThrow(expect.objectContaining({ field: 'task.defaults.search' }));
  });

  it("judges answers by the task's correctness: its rules by default, the reference when exact", () => {
    const input = { cells: [1, 2, 3, 4], side: 2 };
    expect(isCorrectAnswer(grids, input, [2, 3, 4, 6])).toBe(true); // valid, not the reference
    expect(isCorrectAnswer({ ...grids, correctness: 'exact' }, input, [2, 3, 4, 6], '2345')).toBe(false);
    expect(isCorrectAnswer({ ...grids, correctness: 'exact' }, input, [2, 3, 4, 5], '2345')).toBe(true);
    const judge = tokenCorrectness(grids)!;
    expect(judge(Int32Array.of(1, 2, 3, 4), Int32Array.of(6, 6, 6, 6))).toBe(true);
    expect(judge(Int32Array.of(1, 2, 3, 4), Int32Array.of(6, 6, 6, 1))).toBe(false);
    expect(tokenCorrectness({ ...grids, correctness: 'exact' })).toBeUndefined();
  });
});
