import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@trm/core';
import { parseArcGrid, parseArcTask, sameArcGrid } from './arc-task';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(InvalidInputError.isInstance(error)).toBe(true);
    return (error as InvalidInputError).field;
  }
  throw new Error('expected a typed error');
};

describe('parseArcTask', () => {
  const task = { train: [{ input: [[0, 1], [2, 3]], output: [[3, 2], [1, 0]] }], test: [{ input: [[5]] }] };

  it('reads the ARC JSON, as an object or as text, and copies the grids', () => {
    const parsed = parseArcTask(JSON.stringify(task));
    expect(parsed).toEqual(task);
    const grid = [[1, 2]];
    const copy = parseArcGrid(grid);
    grid[0]![0] = 9;
    expect(copy).toEqual([[1, 2]]);
  });

  it('names the field of every malformed part', () => {
    expect(fieldOf(() => parseArcTask('{"train": ['))).toBe('task');
    expect(fieldOf(() => parseArcTask({ test: task.test }))).toBe('task.train');
    expect(fieldOf(() => parseArcTask({ train: task.train, test: [] }))).toBe('task.test');
    expect(fieldOf(() => parseArcTask({ train: [{ input: [[1]] }], test: task.test }))).toBe('task.train[0].output');
    expect(fieldOf(() => parseArcTask({ train: task.train, test: [{ output: [[1]] }] }))).toBe('task.test[0].input');
    expect(fieldOf(() => parseArcTask({ train: [{ input: [[1, 2], [3]], output: [[1]] }], test: task.test }))).toBe('task.train[0].input[1]');
    expect(fieldOf(() => parseArcTask({ train: [{ input: [[1, 10]], output: [[1]] }], test: task.test }))).toBe('task.train[0].input[0][1]');
    expect(fieldOf(() => parseArcTask({ train: [{ input: [[1.5]], output: [[1]] }], test: task.test }))).toBe('task.train[0].input[0][0]');
    expect(fieldOf(() => parseArcTask({ train: task.train, test: [{ input: Array.from({ length: 31 }, () => [0]) }] }))).toBe('task.test[0].input');
    expect(fieldOf(() => parseArcTask({ train: task.train, test: [{ input: [new Array(31).fill(0)] }] }))).toBe('task.test[0].input[0]');
    expect(fieldOf(() => parseArcTask({ train: task.train, test: [{ input: [] }] }))).toBe('task.test[0].input');
    expect(() => parseArcTask({ train: [{ input: [[1, 2], [3]], output: [[1]] }], test: task.test })).toThrow(/ragged grid: this row has 1 cells, row 0 has 2/);
  });

  it('sameArcGrid compares shape and colours', () => {
    expect(sameArcGrid([[1, 2]], [[1, 2]])).toBe(true);
    expect(sameArcGrid([[1, 2]], [[1], [2]])).toBe(false);
    expect(sameArcGrid([[1, 2]], [[1, 3]])).toBe(false);
  });
});
