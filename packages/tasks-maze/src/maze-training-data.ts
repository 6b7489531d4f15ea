import { createRandom } from '@trm/core';
import { applyMazeSymmetry, mazeSymmetries } from './maze-augmentations';
import { encodeMaze } from './maze-codec';
import { type MazeBand, createMazeGenerator } from './maze-generator';

/**
 * An endless stream of generated training-split mazes, each under a random dihedral symmetry.
 * Matches the trainer's TrainingDataSource shape.
 */
export function createMazeTrainingData(options: { seed: number; band?: MazeBand; minPathLength?: number; maxPathLength?: number }) {
  const generator = createMazeGenerator({ ...options, split: 'train' });
  const random = createRandom(options.seed ^ 0xbadc0de);
  return {
    description: `generated 30x30 mazes, reference recipe, training split by wall layout (seed ${options.seed}, band ${options.band ?? 'hard'}), random dihedral augmentation`,
    next() {
      const { maze, answer } = generator.next();
      const symmetry = mazeSymmetries[random.int(8)]!;
      return { tokens: encodeMaze(applyMazeSymmetry(symmetry, maze)), labels: encodeMaze(applyMazeSymmetry(symmetry, answer)) };
    },
  };
}
