import { InvalidInputError, createRandom } from '@trm/core';
import { applySudokuAugmentation, randomSudokuAugmentation } from './sudoku-augmentations';
import { encodeSudoku } from './sudoku-codec';
import { createSudokuGenerator } from './sudoku-generator';

export interface SudokuTrainingDataOptions {
  seed: number;
  /** Each puzzle stops removing givens at a count drawn uniformly from this range (default: minimal). */
  givens?: readonly [number, number];
  /**
   * Share of puzzles (0-1) drawn instead from minimal puzzles that cost the backtracking solver at
   * least `minDeadEnds` dead ends: random puzzles are mostly easier than the Kaggle Expert and
   * forum puzzles the model is measured on (median dead ends: generated minimal 14, Kaggle Expert
   * 64, forum hardest 524), so hard ones are mined by rejection.
   */
  hardShare?: number;
  /** Dead ends a mined hard puzzle needs at least (default 64, the Kaggle Expert median). */
  minDeadEnds?: number;
}

/**
 * An endless stream of generated unique-solution puzzles, each under a random
 * validity-preserving augmentation. With `givens: [min, max]`, each puzzle stops removing givens
 * at a count drawn uniformly from the range (easier puzzles mixed in help a young model learn
 * to halt); without it, givens are removed until the puzzle is minimal. Matches the trainer's
 * TrainingDataSource shape.
 */
export function createSudokuTrainingData(options: SudokuTrainingDataOptions) {
  const random = createRandom(options.seed ^ 0xa11ce);
  const [low, high] = options.givens ?? [17, 17];
  const hardShare = options.hardShare ?? 0;
  const minDeadEnds = options.minDeadEnds ?? 64;
  if (!(hardShare >= 0 && hardShare <= 1)) throw new InvalidInputError({ field: 'hardShare', message: 'must be a number from 0 to 1', value: hardShare });
  if (!Number.isInteger(minDeadEnds) || minDeadEnds < 0) throw new InvalidInputError({ field: 'minDeadEnds', message: 'must be a non-negative integer', value: minDeadEnds });
  const generators = new Map<number, ReturnType<typeof createSudokuGenerator>>();
  const generatorFor = (minGivens: number) => {
    let generator = generators.get(minGivens);
    if (!generator) generators.set(minGivens, (generator = createSudokuGenerator({ seed: options.seed * 101 + minGivens, minGivens })));
    return generator;
  };
  return {
    description: `generated unique-solution sudoku (seed ${options.seed}, ${
      options.givens ? `givens uniform in ${low}-${high}, or fewer where the puzzle became minimal first` : 'givens removed until minimal'
    }${hardShare > 0 ? `; ${Math.round(hardShare * 100)}% instead minimal puzzles with >= ${minDeadEnds} solver dead ends` : ''}), random digit/transpose/band/stack/row/column augmentation`,
    next() {
      const hard = hardShare > 0 && random.next() < hardShare;
      let puzzle = generatorFor(hard ? 17 : low + random.int(high - low + 1)).next();
      // Rejection sampling; the attempt cap only guards absurd thresholds.
      for (let attempt = 1; hard && puzzle.rating < minDeadEnds && attempt < 10_000; attempt++) puzzle = generatorFor(17).next();
      const augmentation = randomSudokuAugmentation(random);
      return {
        tokens: encodeSudoku(applySudokuAugmentation(augmentation, puzzle.puzzle)),
        labels: encodeSudoku(applySudokuAugmentation(augmentation, puzzle.solution)),
      };
    },
  };
}
