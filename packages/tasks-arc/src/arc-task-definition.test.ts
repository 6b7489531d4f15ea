import { InvalidInputError } from '@trm/core';
import { describe, expect, it } from 'vitest';
import { decodeArcGrid } from './arc-codec';
import { arcPuzzleVariant, parseArcPuzzle, restoreArcAnswer } from './arc-puzzle';
import { arcTask } from './arc-task-definition';

const task = {
  train: [
    { input: [[1, 2], [3, 4]], output: [[2, 1], [4, 3]] },
    { input: [[5, 0, 6]], output: [[6, 0, 5]] },
  ],
  test: [{ input: [[7, 8, 9]] }, { input: [[1], [2]], output: [[1], [2]] }],
};

function fieldOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (InvalidInputError.isInstance(error)) return error.field;
    throw error;
  }
  return undefined;
}

describe('the ARC task', () => {
  it('reads a task JSON (plain, nested or as text) with a test index and name', () => {
    const plain = parseArcPuzzle({ ...task, testIndex: 1, name: '007bbfb7' });
    expect(plain.testIndex).toBe(1);
    expect(plain.name).toBe('007bbfb7');
    expect(plain.side).toBe(4); // largest grid side 3, plus the end marks
    expect(parseArcPuzzle({ task, testIndex: 1 }).task).toEqual(plain.task);
    expect(parseArcPuzzle(JSON.stringify(task)).testIndex).toBe(0);
  });

  it('names the field of bad input', () => {
    expect(fieldOf(() => parseArcPuzzle({ ...task, testIndex: 2 }))).toBe('testIndex');
    expect(fieldOf(() => parseArcPuzzle({ ...task, name: '../etc' }))).toBe('name');
    expect(fieldOf(() => parseArcPuzzle({ ...task, variant: 64 }))).toBe('variant');
    expect(fieldOf(() => parseArcPuzzle({ ...task, train: [{ input: [[1]], output: [[1, 12]] }] }))).toBe('task.train[0].output[0][1]');
    expect(fieldOf(() => parseArcPuzzle('{'))).toBe('task');
    expect(fieldOf(() => parseArcPuzzle([1, 2]))).toBe('task');
    // A one-size model refuses a task larger than its canvas.
    const large = { train: [{ input: Array.from({ length: 20 }, () => Array(20).fill(1)), output: [[1]] }], test: [{ input: [[1]] }] };
    expect(fieldOf(() => arcTask.parseInput(large, { grid: { height: 16, width: 16 } }))).toBe('task');
    expect(arcTask.parseInput(task, { grid: { height: 16, width: 16 } }).side).toBe(16);
  });

  it('encodes the test input on the task canvas; a decoded canvas is the answer', () => {
    const puzzle = parseArcPuzzle({ ...task, testIndex: 0 });
    const tokens = arcTask.codec.encode(puzzle);
    expect(tokens.length).toBe(16);
    expect(decodeArcGrid(tokens)).toEqual([[7, 8, 9]]);
    expect(arcTask.codec.decode(new Int32Array(16), puzzle)).toEqual([]); // all pad: no grid
  });

  it('detects ARC task JSON, and nothing else', () => {
    expect(arcTask.detect(task)).toBe(1);
    expect(arcTask.detect({ train: [], test: [] })).toBe(0.5);
    expect(arcTask.detect('53..7....')).toBe(0);
    expect(arcTask.detect([[1, 2]])).toBe(0);
  });

  it('a variant shows the whole task under one augmentation, and answers map back', () => {
    const puzzle = parseArcPuzzle({ ...task, name: 'abc' });
    for (let variant = 1; variant < 8; variant++) {
      const shown = arcPuzzleVariant(puzzle, variant);
      expect(shown.variant).toBe(variant);
      expect(parseArcPuzzle({ ...task, name: 'abc', variant }).task).toEqual(shown.task);
      // The variant's own test output, mapped back, is the original one.
      expect(restoreArcAnswer(puzzle, variant, shown.task.test[1]!.output!)).toEqual(task.test[1]!.output);
    }
  });

  it("finds the task's own embedding by name and variant; an unknown task is 0", () => {
    const names = ['aaa@0', 'aaa@1', 'abc@0', 'abc@1'];
    expect(arcTask.puzzleIdentifier!(parseArcPuzzle({ ...task, name: 'abc' }), names)).toBe(3);
    expect(arcTask.puzzleIdentifier!(parseArcPuzzle({ ...task, name: 'abc', variant: 1 }), names)).toBe(4);
    expect(arcTask.puzzleIdentifier!(parseArcPuzzle({ ...task, name: 'abc', variant: 2 }), names)).toBe(0);
    expect(arcTask.puzzleIdentifier!(parseArcPuzzle({ ...task, name: 'zzz' }), names)).toBe(0);
    expect(arcTask.puzzleIdentifier!(parseArcPuzzle(task), names)).toBe(0);
    // A model with one embedding per task.
    expect(arcTask.puzzleIdentifier!(parseArcPuzzle({ ...task, name: 'abc', variant: 3 }), ['aaa', 'abc'])).toBe(2);
  });

  it('never calls an answer verified, and prints answers as JSON that reads back', () => {
    const puzzle = parseArcPuzzle(task);
    expect(arcTask.verify(puzzle, [[7, 8, 9]])).toBe(false);
    expect(arcTask.parseAnswer!(arcTask.formatAnswer([[1, 2]]), puzzle)).toEqual([[1, 2]]);
  });
});
