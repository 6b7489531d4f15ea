import { createRandom } from '@trm/core';
import { applyMazeSymmetry, mazeSymmetries } from './maze-augmentations';
import { encodeMaze } from './maze-codec';
import { type MazeBand, createMazeGenerator } from './maze-generator';

/**
 * An endless stream of generated training-split mazes, each under a random dihedral symmetry.
 * Several bands are mixed in equal parts (easier ones give the curriculum); each accepted wall
 * layout yields `pairsPerLayout` start/goal pairs, which keeps hard mazes cheap to make.
 * Matches the trainer's TrainingDataSource shape.
 */
export function createMazeTrainingData(options: { seed: number; bands?: readonly MazeBand[]; pairsPerLayout?: number }) {
  const bands = options.bands ?? ['hard'];
  const pairsPerLayout = options.pairsPerLayout ?? 4;
  const generators = bands.map((band, index) => createMazeGenerator({ seed: options.seed + 7919 * index, band, split: 'train', pairsPerLayout }));
  const random = createRandom(options.seed ^ 0xbadc0de);
  return {
    description:
      `generated 30x30 mazes, reference recipe, training split by wall layout (seed ${options.seed}, bands ${bands.join('+')} in equal parts, ` +
      `${pairsPerLayout} start/goal pairs per layout), random dihedral augmentation`,
    next() {
      const { maze, answer } = generators[random.int(generators.length)]!.next();
      const symmetry = mazeSymmetries[random.int(8)]!;
      return { tokens: encodeMaze(applyMazeSymmetry(symmetry, maze)), labels: encodeMaze(applyMazeSymmetry(symmetry, answer)) };
    },
  };
}
