import { describe, expect, it } from 'vitest';
import { parseSudokuInput } from './sudoku-input';
import { describeSudokuClash, sudokuClashes } from './sudoku-rules';

const empty = () => new Array<number>(81).fill(0);

describe('sudokuClashes', () => {
  it('finds nothing in an empty grid or a grid without repeats', () => {
    expect(sudokuClashes(empty())).toEqual([]);
    const grid = empty();
    grid[0] = 5;
    grid[10] = 6; // same box, other digit
    grid[80] = 5; // other row, column and box
    expect(sudokuClashes(grid)).toEqual([]);
  });

  it('names the cells, the digit and the unit of each clash, once per shared unit', () => {
    const grid = empty();
    grid[1] = 5; // r1c2
    grid[6] = 5; // r1c7: same row
    grid[10] = 5; // r2c2: same column and box as r1c2
    expect(sudokuClashes(grid)).toEqual([
      { cells: [1, 6], digit: 5, unit: 'row', index: 0 },
      { cells: [1, 10], digit: 5, unit: 'column', index: 1 },
      { cells: [1, 10], digit: 5, unit: 'box', index: 0 },
    ]);
    expect(describeSudokuClash({ cells: [1, 6], digit: 5, unit: 'row', index: 0 })).toBe('5 twice in row 1 (r1c2, r1c7)');
  });

  it('the parser names the clashing cells in its error', () => {
    const text = `5....5${'.'.repeat(75)}`;
    expect(() => parseSudokuInput(text)).toThrow(/two givens clash: 5 twice in row 1 \(r1c1, r1c6\)/);
  });
});
