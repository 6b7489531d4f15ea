import { describe, expect, it } from 'vitest';
import { createRandom } from '@trm/core';
import { sudokuDomain, sudokuUnits } from './sudoku-domain';
import { createSudokuGenerator } from './sudoku-generator';
import { solveSudoku } from './sudoku-solver';

const V = 11;
const digitsAt = (mask: Uint8Array, cell: number) => Array.from({ length: 9 }, (_, d) => d + 1).filter((digit) => mask[cell * V + digit + 1]);

describe('sudoku candidate sets', () => {
  const generator = createSudokuGenerator({ seed: 31 });
  const puzzles = Array.from({ length: 20 }, () => generator.next());

  it('an input’s mask: givens decided, blanks open to 1-9; the tokens read it back as the puzzle', () => {
    const { puzzle } = puzzles[0]!;
    const mask = sudokuDomain.candidates({ givens: puzzle });
    for (let cell = 0; cell < 81; cell++) expect(digitsAt(mask, cell)).toEqual(puzzle[cell] ? [puzzle[cell]] : [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(sudokuDomain.tokens({ givens: puzzle }, mask))).toEqual(Array.from(puzzle, (digit) => digit + 1));
  });

  it('narrowing only removes, never removes the solution’s digit, and after a wrong guess no solution is compatible (target null)', () => {
    const random = createRandom(5);
    for (const { puzzle, solution } of puzzles) {
      const input = { givens: puzzle };
      const mask = sudokuDomain.candidates(input);
      const before = mask.slice();
      expect(sudokuDomain.narrow(input, mask)).toBe(true);
      for (let index = 0; index < mask.length; index++) expect(mask[index]! <= before[index]!).toBe(true);
      for (let cell = 0; cell < 81; cell++) expect(digitsAt(mask, cell)).toContain(solution[cell]);
      // Decide one open cell wrongly: the state admits no solution, so its target is null.
      const open = Array.from({ length: 81 }, (_, cell) => cell).filter((cell) => digitsAt(mask, cell).length > 1);
      if (open.length === 0) continue;
      const cell = open[random.int(open.length)]!;
      const wrong = digitsAt(mask, cell).find((digit) => digit !== solution[cell])!;
      for (let digit = 1; digit <= 9; digit++) mask[cell * V + digit + 1] = digit === wrong ? 1 : 0;
      expect(sudokuDomain.target!(input, mask.slice())).toBeNull();
    }
  });

  it('the target of a state is its solution (one-hot per cell), or the union of several', () => {
    const { puzzle, solution } = puzzles[1]!;
    const target = sudokuDomain.target!({ givens: puzzle }, sudokuDomain.candidates({ givens: puzzle }))!;
    for (let cell = 0; cell < 81; cell++) expect(digitsAt(target, cell)).toEqual([solution[cell]]);
    // An empty grid has many solutions: every cell has several digits in the union.
    const empty = new Uint8Array(81);
    const union = sudokuDomain.target!({ givens: empty }, sudokuDomain.candidates({ givens: empty }))!;
    expect(digitsAt(union, 80).length).toBeGreaterThan(1);
    expect(solveSudoku(empty, { limit: 1 }).solutions).toBe(1);
  });

  it('declares its 27 units, each cell in exactly three', () => {
    expect(sudokuUnits).toHaveLength(27);
    const count = new Array(81).fill(0);
    for (const unit of sudokuUnits) for (const cell of unit) count[cell]++;
    expect(count.every((value) => value === 3)).toBe(true);
  });
});
