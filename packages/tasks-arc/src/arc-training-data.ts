import { createRandom, type TaskTrainingDataV1, type TaskTrainingExampleV1 } from '@trm/core';
import { augmentArcPair, randomArcAugmentation } from './arc-augmentations';
import { encodeArcGrid } from './arc-codec';
import type { ArcTask } from './arc-task';

export interface ArcTrainingDataOptions {
  /** The tasks whose demonstration pairs are trained on; task i gets puzzle identifier i + 1 (0 = a task never seen). */
  tasks: readonly ArcTask[];
  seed: number;
  /** Random translations on the canvas (the reference's training augmentation); default true. */
  translate?: boolean;
  /** Also train on test pairs that carry their output (never for tasks being evaluated); default false. */
  includeTestOutputs?: boolean;
}

/**
 * A stream of augmented demonstration pairs: a random task, one of its pairs, a random symmetry
 * and colour permutation (0 kept) and, when `translate`, one offset for input and output alike.
 */
export function createArcTrainingData({ tasks, seed, translate = true, includeTestOutputs = false }: ArcTrainingDataOptions): TaskTrainingDataV1 {
  if (tasks.length === 0) throw new RangeError('createArcTrainingData: no tasks');
  const random = createRandom(seed);
  const pairs = tasks.map((task) => [...task.train, ...(includeTestOutputs ? task.test.filter((pair) => pair.output !== undefined) : [])] as { input: number[][]; output: number[][] }[]);
  return {
    description: `ARC demonstration pairs of ${tasks.length} tasks, dihedral x colour permutation${translate ? ' x translation' : ''} augmentation, seed ${seed}`,
    next(): TaskTrainingExampleV1 {
      const taskIndex = random.int(tasks.length);
      const pair = pairs[taskIndex]![random.int(pairs[taskIndex]!.length)]!;
      const height = Math.max(pair.input.length, pair.output.length);
      const width = Math.max(pair.input[0]!.length, pair.output[0]!.length);
      const augmentation = randomArcAugmentation(random, translate ? { translateFor: { height, width } } : {});
      const shown = augmentArcPair(augmentation, pair);
      return { tokens: encodeArcGrid(shown.input, augmentation.offset), labels: encodeArcGrid(shown.output, augmentation.offset), puzzleIdentifier: taskIndex + 1 };
    },
  };
}
