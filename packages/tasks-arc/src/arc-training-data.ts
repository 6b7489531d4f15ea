import { createRandom, type TaskTrainingDataV1, type TaskTrainingExampleV1 } from '@trm/core';
import { augmentArcPair, randomArcAugmentation } from './arc-augmentations';
import { encodeArcGrid } from './arc-codec';
import { type ArcTask, arcMaxSide } from './arc-task';
import { arcCanvasSide, arcVariantAugmentation, arcVariantName } from './arc-variants';

export interface ArcTrainingDataOptions {
  /** The tasks whose demonstration pairs are trained on. */
  tasks: readonly ArcTask[];
  /** Their names (file names without `.json`); default `task-1`, `task-2`, ... */
  names?: readonly string[];
  seed: number;
  /** Random translations on the canvas (the reference's training augmentation); default true. */
  translate?: boolean;
  /** Also train on test pairs that carry their output (never for tasks being evaluated); default false. */
  includeTestOutputs?: boolean;
  /**
   * Fixed augmented variants per task, each with its own embedding (`arcVariantAugmentation`):
   * identifier 1 + task * variants + variant. Without it, one embedding per task (identifier
   * task + 1) and a fresh random symmetry and colour permutation for every example.
   */
  variants?: number;
  /** Canvas side of the examples (default 30); only tasks whose canvas fits (`arcCanvasSide`) are drawn. */
  side?: number;
  /** Share of examples shown with identifier 0, the embedding of an unseen task (default 0). */
  unseenShare?: number;
}

/**
 * A stream of augmented demonstration pairs: a random task, one of its pairs, an augmentation
 * and, when `translate`, one offset for input and output alike. `puzzleNames` names every
 * identifier from 1 on, also of tasks too large for this canvas, so every size trains one table.
 */
export function createArcTrainingData(options: ArcTrainingDataOptions): TaskTrainingDataV1 {
  const { tasks, seed, translate = true, includeTestOutputs = false, variants, side = arcMaxSide, unseenShare = 0 } = options;
  if (tasks.length === 0) throw new RangeError('createArcTrainingData: no tasks');
  if (variants !== undefined && (!Number.isInteger(variants) || variants < 1)) throw new RangeError(`variants ${variants}: expected an integer >= 1`);
  if (!(unseenShare >= 0 && unseenShare < 1)) throw new RangeError(`unseenShare ${unseenShare}: expected a share from 0 to below 1`);
  const names = options.names ?? tasks.map((_, index) => `task-${index + 1}`);
  if (names.length !== tasks.length) throw new RangeError(`${names.length} names for ${tasks.length} tasks`);
  if (new Set(names).size !== names.length) throw new RangeError('createArcTrainingData: task names repeat');
  const random = createRandom(seed);
  const pairs = tasks.map((task) => [...task.train, ...(includeTestOutputs ? task.test.filter((pair) => pair.output !== undefined) : [])] as { input: number[][]; output: number[][] }[]);
  const drawn = tasks.flatMap((task, index) => (arcCanvasSide(task) <= side ? [index] : []));
  if (drawn.length === 0) throw new RangeError(`createArcTrainingData: no task fits a ${side}x${side} canvas`);
  const variantAugmentations = variants === undefined ? undefined : names.map((name) => Array.from({ length: variants }, (_, variant) => arcVariantAugmentation(name, variant)));
  const puzzleNames = variants === undefined ? [...names] : names.flatMap((name) => Array.from({ length: variants }, (_, variant) => arcVariantName(name, variant)));
  const augmentationText = variants === undefined ? 'a random symmetry and colour permutation per example' : `${variants} fixed variants per task (symmetry x colour permutation), one embedding each`;
  return {
    description:
      `ARC demonstration pairs of ${drawn.length} of ${tasks.length} tasks (those whose canvas fits ${side}x${side}), ${augmentationText}` +
      `${translate ? ', random translation' : ''}${unseenShare > 0 ? `, ${unseenShare} of examples as an unseen task (identifier 0)` : ''}, seed ${seed}`,
    puzzleNames,
    next(): TaskTrainingExampleV1 {
      const taskIndex = drawn[random.int(drawn.length)]!;
      const pair = pairs[taskIndex]![random.int(pairs[taskIndex]!.length)]!;
      let shown: { input: number[][]; output: number[][] };
      let puzzleIdentifier: number;
      if (variantAugmentations) {
        const variant = random.int(variants!);
        shown = augmentArcPair(variantAugmentations[taskIndex]![variant]!, pair);
        puzzleIdentifier = 1 + taskIndex * variants! + variant;
      } else {
        shown = augmentArcPair(randomArcAugmentation(random), pair);
        puzzleIdentifier = taskIndex + 1;
      }
      if (unseenShare > 0 && random.next() < unseenShare) puzzleIdentifier = 0;
      const height = Math.max(shown.input.length, shown.output.length);
      const width = Math.max(shown.input[0]!.length, shown.output[0]!.length);
      const offset = translate ? { row: random.int(side - height + 1), column: random.int(side - width + 1) } : { row: 0, column: 0 };
      return { tokens: encodeArcGrid(shown.input, offset, side), labels: encodeArcGrid(shown.output, offset, side), puzzleIdentifier };
    },
  };
}
