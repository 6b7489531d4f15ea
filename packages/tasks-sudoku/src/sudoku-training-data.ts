import { createRandom } from '@trm/core';
import { applySudokuAugmentation, randomSudokuAugmentation } from './sudoku-augmentations';
import { encodeSudoku } from './sudoku-codec';
import { createSudokuGenerator } from './sudoku-generator';

/**
 * An endless stream of generated unique-solution puzzles, each under a random
 * validity-preserving augmentation. Matches the trainer's TrainingDataSource shape.
 */
export function createSudokuTrainingData(options: { seed: number; minGivens?: number }) {
  const generator = createSudokuGenerator({ seed: options.seed, minGivens: options.minGivens });
  const random = createRandom(options.seed ^ 0xa11ce);
  return {
    description: `generated unique-solution sudoku (seed ${options.seed}, givens removed while unique${
      options.minGivens ? ` down to ${options.minGivens}` : ' to a minimal puzzle'
    }), random digit/transpose/band/stack/row/column augmentation`,
    next() {
      const puzzle = generator.next();
      const augmentation = randomSudokuAugmentation(random);
      return {
        tokens: encodeSudoku(applySudokuAugmentation(augmentation, puzzle.puzzle)),
        labels: encodeSudoku(applySudokuAugmentation(augmentation, puzzle.solution)),
      };
    },
  };
}
