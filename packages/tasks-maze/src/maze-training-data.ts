import { createRandom } from '@trm/core';
import { applyMazeSymmetry, mazeSymmetries } from './maze-augmentations';
import { MAZE_SIZE, MazeCell, encodeMaze } from './maze-codec';
import { type MazeBand, createMazeGenerator } from './maze-generator';
import { canonicalPathCells, solveMaze } from './maze-search';

/**
 * An endless stream of generated training-split mazes of one side, each under a random dihedral
 * symmetry. Several bands (scaled to the side) are mixed in equal parts; each accepted wall
 * layout yields `pairsPerLayout` start/goal pairs, which keeps hard mazes cheap to make. The
 * target is the canonical shortest path of the maze as augmented (see `solveMaze`), so the
 * network never sees two different paths for one maze. Matches the trainer's TrainingDataSource.
 */
export function createMazeTrainingData(options: {
  seed: number;
  bands?: readonly MazeBand[];
  pairsPerLayout?: number;
  side?: number;
  /**
   * 'canonical' (default): the canonical path of the augmented maze. 'augmented': the generator's
   * path turned with the maze, so one maze seen in two orientations can get two different paths
   * (kept to measure what the canonical target buys).
   */
  target?: 'canonical' | 'augmented';
  /**
   * Deep Improvement Supervision: for supervision steps 0..K-1, a target with only the first
   * ceil((s + 1) / (K + 1)) of the canonical path's cells from G marked; from step K the whole
   * path. 0 or absent: every step trains on the whole path.
   */
  revealSteps?: number;
}) {
  const revealSteps = options.revealSteps ?? 0;
  const target = options.target ?? 'canonical';
  const bands = options.bands ?? ['hard'];
  const side = options.side ?? MAZE_SIZE;
  const pairsPerLayout = options.pairsPerLayout ?? 4;
  const generators = bands.map((band, index) => createMazeGenerator({ seed: options.seed + 7919 * index, band, side, split: 'train', pairsPerLayout }));
  const random = createRandom(options.seed ^ 0xbadc0de);
  return {
    description:
      `generated ${side}x${side} mazes, reference recipe, training split by wall layout (seed ${options.seed}, bands ${bands.join('+')} in equal parts, ` +
      `${pairsPerLayout} start/goal pairs per layout), random dihedral augmentation, ` +
      (target === 'canonical' ? 'canonical shortest path recomputed after it' : 'target path augmented with the maze') +
      (revealSteps > 0 ? `, path revealed from G over the first ${revealSteps} supervision steps` : ''),
    next() {
      const { maze, answer } = generators[random.int(generators.length)]!.next();
      const symmetry = mazeSymmetries[random.int(8)]!;
      const augmented = applyMazeSymmetry(symmetry, maze);
      const labels = target === 'canonical' ? solveMaze(augmented)! : applyMazeSymmetry(symmetry, answer);
      if (revealSteps === 0) return { tokens: encodeMaze(augmented), labels: encodeMaze(labels) };
      const cells = canonicalPathCells(augmented)!;
      const stepLabels = Array.from({ length: revealSteps }, (_, step) => {
        const partial = encodeMaze(augmented);
        const shown = Math.ceil(((step + 1) * cells.length) / (revealSteps + 1));
        for (const cell of cells.slice(0, shown)) partial[cell] = MazeCell.path;
        return partial;
      });
      return { tokens: encodeMaze(augmented), labels: encodeMaze(labels), stepLabels };
    },
  };
}
