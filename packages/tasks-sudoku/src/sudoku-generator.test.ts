import { describe, expect, it } from 'vitest';
import { createSudokuGenerator, gradeOf, rateSudoku } from './sudoku-generator';
import { isValidSolution } from './sudoku-rules';
import { solveSudoku } from './sudoku-solver';
import { parseSudokuString } from './sudoku-codec';

describe('sudoku generator', () => {
  it('produces puzzles with exactly one solution, which it returns', () => {
    const generator = createSudokuGenerator({ seed: 3 });
    for (let index = 0; index < 30; index++) {
      const generated = generator.next();
      expect(isValidSolution(generated.puzzle, generated.solution)).toBe(true);
      expect(solveSudoku(generated.puzzle, { limit: 2 }).solutions).toBe(1);
      expect(generated.givens).toBe(Array.from(generated.puzzle).filter((digit) => digit !== 0).length);
      expect(generated.grade).toBe(gradeOf(generated.rating));
    }
  });

  it('removes givens down to a minimal puzzle (about 20-28 givens) by default', () => {
    const generator = createSudokuGenerator({ seed: 4 });
    const givens = Array.from({ length: 20 }, () => generator.next().givens);
    expect(Math.max(...givens)).toBeLessThanOrEqual(30);
    expect(Math.min(...givens)).toBeGreaterThanOrEqual(17);
  });

  it('stops at minGivens for easier puzzles', () => {
    const generator = createSudokuGenerator({ seed: 5, minGivens: 40 });
    expect(generator.next().givens).toBe(40);
  });

  it('is reproducible from its seed', () => {
    const a = createSudokuGenerator({ seed: 9 }).next();
    const b = createSudokuGenerator({ seed: 9 }).next();
    expect(Array.from(a.puzzle)).toEqual(Array.from(b.puzzle));
  });

  it('rates a known hard puzzle above an easy one', () => {
    const easy = parseSudokuString('..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..');
    const hard = parseSudokuString('8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4..');
    expect(rateSudoku(easy)).toBe(0);
    expect(rateSudoku(hard)).toBeGreaterThan(rateSudoku(easy));
  });
});
