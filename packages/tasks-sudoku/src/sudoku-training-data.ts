import { createRandom } from '@trm/core';
import { applySudokuAugmentation, randomSudokuAugmentation } from './sudoku-augmentations';
import { encodeSudoku } from './sudoku-codec';
import { createSudokuGenerator } from './sudoku-generator';

/**
 * An endless stream of generated unique-solution puzzles, each under a random
 * validity-preserving augmentation. With `givens: [min, max]`, each puzzle stops removing givens
 * at a count drawn uniformly from the range (easier puzzles mixed in help a young model learn
 * to halt); without it, givens are removed until the puzzle is minimal. Matches the trainer's
 * TrainingDataSource shape.
 */
export function createSudokuTrainingData(options: { seed: number; givens?: readonly [number, number] }) {
  const random = createRandom(options.seed ^ 0xa11ce);
  const [low, high] = options.givens ?? [17, 17];
  const generators = new Map<number, ReturnType<typeof createSudokuGenerator>>();
  const generatorFor = (minGivens: number) => {
    let generator = generators.get(minGivens);
    if (!generator) generators.set(minGivens, (generator = createSudokuGenerator({ seed: options.seed * 101 + minGivens, minGivens })));
    return generator;
  };
  return {
    description: `generated unique-solution sudoku (seed ${options.seed}, ${
      options.givens ? `givens uniform in ${low}-${high}, or fewer where the puzzle became minimal first` : 'givens removed until minimal'
    }), random digit/transpose/band/stack/row/column augmentation`,
    next() {
      const puzzle = generatorFor(low + random.int(high - low + 1)).next();
      const augmentation = randomSudokuAugmentation(random);
      return {
        tokens: encodeSudoku(applySudokuAugmentation(augmentation, puzzle.puzzle)),
        labels: encodeSudoku(applySudokuAugmentation(augmentation, puzzle.solution)),
      };
    },
  };
}
