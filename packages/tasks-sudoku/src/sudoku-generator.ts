import { createRandom, type Random } from '@trm/core';
import { solveSudoku } from './sudoku-solver';

export type SudokuGrade = 'easy' | 'medium' | 'hard' | 'expert' | 'extreme';

export interface GeneratedSudoku {
  /** 81 numbers, 0 for blank. */
  puzzle: Uint8Array;
  solution: Uint8Array;
  givens: number;
  /** Dead ends of a most-constrained-first backtracking solver before its first solution. */
  rating: number;
  grade: SudokuGrade;
}

/** Grades by the same kind of measure as the evaluation sets' `rating` column. */
export function gradeOf(rating: number): SudokuGrade {
  if (rating === 0) return 'easy';
  if (rating <= 2) return 'medium';
  if (rating <= 9) return 'hard';
  if (rating <= 49) return 'expert';
  return 'extreme';
}

export function rateSudoku(puzzle: ArrayLike<number>): number {
  return solveSudoku(puzzle, { limit: 1 }).deadEnds;
}

/** A uniformly shuffled complete grid. */
export function randomSolvedGrid(random: Random): Uint8Array {
  const digits = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const result = solveSudoku(new Uint8Array(81), { limit: 1, digitOrder: () => random.shuffle(digits.slice()) });
  if (!result.solution) throw new Error('unreachable: the empty grid has solutions');
  return result.solution;
}

export interface SudokuGeneratorOptions {
  seed?: number;
  /** Stop removing givens at this count (more givens = easier). Default 17: remove until minimal. */
  minGivens?: number;
}

/**
 * Generates puzzles with exactly one solution: remove givens of a random full grid in random
 * order, keeping each removal only if the solution stays unique.
 */
export function createSudokuGenerator(options: SudokuGeneratorOptions = {}) {
  const random = createRandom(options.seed ?? 1);
  const minGivens = options.minGivens ?? 17;
  return {
    random,
    next(): GeneratedSudoku {
      const solution = randomSolvedGrid(random);
      const puzzle = solution.slice();
      let givens = 81;
      const order = random.shuffle(Array.from({ length: 81 }, (_, index) => index));
      for (const cell of order) {
        if (givens <= minGivens) break;
        const digit = puzzle[cell];
        puzzle[cell] = 0;
        if (solveSudoku(puzzle, { limit: 2 }).solutions !== 1) puzzle[cell] = digit;
        else givens--;
      }
      const rating = rateSudoku(puzzle);
      return { puzzle, solution, givens, rating, grade: gradeOf(rating) };
    },
  };
}
