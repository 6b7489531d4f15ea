import { InvalidInputError } from '@trm/core';
import { z } from 'zod';
import { applyArcAugmentation, invertArcAugmentation } from './arc-augmentations';
import { type ArcGrid, type ArcTask, arcMaxSide, parseArcTask } from './arc-task';
import { arcCanvasSide, arcVariantAugmentation } from './arc-variants';

/**
 * One question of an ARC task: test input `testIndex` of `task`, with the demonstrations that
 * define it. `name` (the task's file name) finds the task's own embedding in a model trained on
 * it; `variant` is the fixed augmentation the task is shown in (0 = as given).
 */
export interface ArcPuzzle {
  readonly task: ArcTask;
  readonly testIndex: number;
  readonly name?: string;
  readonly variant: number;
  /** The canvas side this task runs on (`arcCanvasSide`). */
  readonly side: number;
}

/** An answer grid; empty ([]) when the model's canvas held no grid. */
export type ArcAnswer = ArcGrid;

const gridSchema = z.array(z.array(z.number().int().min(0).max(9)).min(1).max(arcMaxSide)).min(1).max(arcMaxSide);
const taskSchema = z.object({
  train: z.array(z.object({ input: gridSchema, output: gridSchema })).min(1),
  test: z.array(z.object({ input: gridSchema, output: gridSchema.optional() })).min(1),
});
const extras = { testIndex: z.number().int().min(0).optional(), name: z.string().min(1).max(200).optional(), variant: z.number().int().min(0).max(63).optional() };

/** An ARC task JSON (with `testIndex` and `name` optionally beside `train` and `test`), or `{ task, testIndex?, name? }`. */
export const arcInputSchema = z.union([taskSchema.extend(extras), z.object({ task: taskSchema, ...extras })]);

const namePattern = /^[A-Za-z0-9._-]+$/;

/**
 * Parses a raw ARC question; errors name the field (`task.train[1].output[2][0]`, `testIndex`).
 * `variant` (0-63) shows the whole task in that fixed augmentation (for voting: map answers back
 * with `restoreArcAnswer`); `grid`, when the model runs one size only, is the canvas to use.
 */
export function parseArcPuzzle(raw: unknown, options?: { readonly grid?: { readonly height: number; readonly width: number } }): ArcPuzzle {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (cause) {
      throw new InvalidInputError({ field: 'task', message: `not JSON: ${(cause as Error).message}`, value: raw, cause });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidInputError({ field: 'task', message: 'expected an ARC task: an object with "train" and "test" lists', value });
  const record = value as { task?: unknown; testIndex?: unknown; name?: unknown; train?: unknown };
  const nested = record.task !== undefined && record.train === undefined;
  const task = parseArcTask(nested ? record.task : value, nested ? 'task' : 'task');
  const testIndex = record.testIndex ?? 0;
  if (typeof testIndex !== 'number' || !Number.isInteger(testIndex) || testIndex < 0 || testIndex >= task.test.length) {
    throw new InvalidInputError({ field: 'testIndex', message: `expected an integer from 0 to ${task.test.length - 1} (the task has ${task.test.length} test input${task.test.length === 1 ? '' : 's'})`, value: testIndex });
  }
  if (record.name !== undefined && (typeof record.name !== 'string' || !namePattern.test(record.name) || record.name.length > 200)) {
    throw new InvalidInputError({ field: 'name', message: 'expected a task name of letters, digits, ".", "_" and "-" (its file name without .json)', value: record.name });
  }
  const variant = (record as { variant?: unknown }).variant ?? 0;
  if (typeof variant !== 'number' || !Number.isInteger(variant) || variant < 0 || variant > 63) {
    throw new InvalidInputError({ field: 'variant', message: 'expected an integer from 0 (the task as given) to 63', value: variant });
  }
  let side = arcCanvasSide(task);
  if (options?.grid) {
    // A model of one size: the task must fit its canvas (a grid as wide as the canvas has no end mark).
    const fixed = options.grid.height;
    if (side > fixed && side - 1 > fixed) throw new InvalidInputError({ field: 'task', message: `this model runs a ${fixed}x${fixed} canvas; the task has a grid of side ${side - 1}`, value: side - 1 });
    side = fixed;
  }
  const puzzle: ArcPuzzle = { task, testIndex, ...(record.name === undefined ? {} : { name: record.name as string }), variant: 0, side };
  return variant === 0 ? puzzle : arcPuzzleVariant(puzzle, variant);
}

/** The whole task shown in variant v's augmentation (test outputs too, when present). */
export function arcPuzzleVariant(puzzle: ArcPuzzle, variant: number): ArcPuzzle {
  if (puzzle.variant !== 0) throw new RangeError('arcPuzzleVariant: start from the task as given (variant 0)');
  const augmentation = arcVariantAugmentation(puzzle.name ?? '', variant);
  const show = (grid: ArcGrid) => applyArcAugmentation(augmentation, grid);
  return {
    ...puzzle,
    variant,
    task: {
      train: puzzle.task.train.map((pair) => ({ input: show(pair.input), output: show(pair.output) })),
      test: puzzle.task.test.map((pair) => ({ input: show(pair.input), ...(pair.output ? { output: show(pair.output) } : {}) })),
    },
  };
}

/** An answer to variant v of a task, mapped back to the task as given. */
export function restoreArcAnswer(puzzle: ArcPuzzle, variant: number, answer: ArcAnswer): ArcAnswer {
  if (answer.length === 0) return answer;
  return invertArcAugmentation(arcVariantAugmentation(puzzle.name ?? '', variant), answer);
}
