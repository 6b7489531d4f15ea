import { describe, expect, it } from 'vitest';
import { createRandom } from '@trm/core';
import { applySudokuAugmentation, invertSudokuAugmentation, randomSudokuAugmentation } from './sudoku-augmentations';
import { createSudokuGenerator } from './sudoku-generator';
import { isValidSolution } from './sudoku-rules';
import { solveSudoku } from './sudoku-solver';

describe('sudoku augmentations', () => {
  const generator = createSudokuGenerator({ seed: 11 });
  const puzzles = Array.from({ length: 20 }, () => generator.next());
  const random = createRandom(5);

  it('map a valid solution to a valid solution of the augmented puzzle', () => {
    for (const { puzzle, solution } of puzzles) {
      for (let trial = 0; trial < 25; trial++) {
        const augmentation = randomSudokuAugmentation(random);
        const augmentedPuzzle = applySudokuAugmentation(augmentation, puzzle);
        const augmentedSolution = applySudokuAugmentation(augmentation, solution);
        expect(isValidSolution(augmentedPuzzle, augmentedSolution)).toBe(true);
        // Uniqueness is preserved too: the augmented puzzle's only solution is the augmented one.
        if (trial === 0) {
          const solved = solveSudoku(augmentedPuzzle, { limit: 2 });
          expect(solved.solutions).toBe(1);
          expect(Array.from(solved.solution!)).toEqual(Array.from(augmentedSolution));
        }
      }
    }
  });

  it('are actually different grids (not the identity)', () => {
    const { solution } = puzzles[0];
    let changed = 0;
    for (let trial = 0; trial < 20; trial++) {
      const augmented = applySudokuAugmentation(randomSudokuAugmentation(random), solution);
      if (Array.from(augmented).some((digit, cell) => digit !== solution[cell])) changed++;
    }
    expect(changed).toBeGreaterThanOrEqual(19);
  });

  it('invert exactly', () => {
    for (const { puzzle } of puzzles) {
      const augmentation = randomSudokuAugmentation(random);
      expect(Array.from(invertSudokuAugmentation(augmentation, applySudokuAugmentation(augmentation, puzzle)))).toEqual(Array.from(puzzle));
    }
  });

  it('cover transposes and band, stack, row and column permutations', () => {
    // Over many draws one source cell lands on every cell: rows and columns move across bands and stacks.
    const rowsReached = new Set<number>();
    for (let trial = 0; trial < 3000; trial++) {
      const { cellSource } = randomSudokuAugmentation(random);
      for (let cell = 0; cell < 81; cell++) if (cellSource[cell] === 1) rowsReached.add(Math.floor(cell / 9) * 10 + (cell % 9));
    }
    expect(rowsReached.size).toBe(81);
  });
});
