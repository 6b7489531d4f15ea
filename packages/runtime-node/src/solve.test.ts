import { afterAll, describe, expect, it } from 'vitest';
import { parseArcGrid } from '@trm/tasks-arc';
import { disposeSolve, solve } from './solve';

describe('solve() with the shipped models', () => {
  afterAll(() => disposeSolve());

  it('detects the task: a sudoku string, and an ARC task JSON (never verified)', async () => {
    const sudoku = await solve('..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..', { maxSteps: 2 });
    expect(sudoku.task).toBe('sudoku');
    const arc = await solve({ train: [{ input: [[1, 0]], output: [[0, 1]] }], test: [{ input: [[2, 0]] }] }, { maxSteps: 2 });
    expect(arc.task).toBe('arc');
    expect(arc.verified).toBe(false);
    const grid = JSON.parse(arc.answer);
    if (grid.length > 0) expect(parseArcGrid(grid)).toEqual(grid);
  });
});
