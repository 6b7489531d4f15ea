import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@trm/core';
import { decodeSudoku } from './sudoku-codec';
import { rateSudoku } from './sudoku-generator';
import { isValidSolution } from './sudoku-rules';
import { solveSudoku } from './sudoku-solver';
import { createSudokuTrainingData } from './sudoku-training-data';

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('createSudokuTrainingData', () => {
  it('mines hard puzzles for the hard share: far more solver dead ends, still one solution', () => {
    const sample = (hardShare: number) => {
      const data = createSudokuTrainingData({ seed: 4, givens: [22, 30], hardShare, minDeadEnds: 64 });
      return Array.from({ length: 16 }, () => {
        const { tokens, labels } = data.next();
        const puzzle = decodeSudoku(tokens);
        expect(isValidSolution(puzzle, decodeSudoku(labels))).toBe(true);
        expect(solveSudoku(puzzle, { limit: 2 }).solutions).toBe(1);
        return rateSudoku(puzzle);
      });
    };
    // Augmentation reorders the search, so ratings move; the medians still sit far apart.
    expect(median(sample(1))).toBeGreaterThan(4 * median(sample(0)));
    expect(createSudokuTrainingData({ seed: 4, hardShare: 0.5 }).description).toMatch(/50% instead minimal puzzles with >= 64 solver dead ends/);
  });

  it('rejects a share outside 0-1 with a typed error naming the field', () => {
    expect(() => createSudokuTrainingData({ seed: 1, hardShare: 2 })).toThrow(InvalidInputError);
    expect(() => createSudokuTrainingData({ seed: 1, hardShare: -1 })).toThrow(expect.objectContaining({ field: 'hardShare' }));
    expect(() => createSudokuTrainingData({ seed: 1, minDeadEnds: 1.5 })).toThrow(expect.objectContaining({ field: 'minDeadEnds' }));
  });
});
