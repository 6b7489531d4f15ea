import { InvalidInputError, type ModelSourceV1, type SolveOptionsV1, type Solver, type TaskV1, packagedModelSource } from '@trm/core';
import { planArcAdaptation } from './arc-adaptation';
import { answerArcTask } from './arc-answer';
import defaultManifest from '../model/manifest.json';
import { z } from 'zod';
import { applyArcAugmentation, invertArcAugmentation } from './arc-augmentations';
import { arcVocabulary, decodeArcGrid, encodeArcGrid } from './arc-codec';
import { readArcTasks } from './arc-files';
import { type ArcGrid, type ArcTask, arcMaxSide, parseArcGrid, parseArcTask } from './arc-task';
import { createArcTrainingData } from './arc-training-data';
import { arcCanvasSide, arcVariantAugmentation, arcVariantName } from './arc-variants';

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

// A literal path, so bundlers that follow `new URL(..., import.meta.url)` copy the file.
export const arcModelUrl: URL = /* @__PURE__ */ new URL('../model/arc-trm-conv.onnx', import.meta.url);

/** The shipped model; `weights` where a bundle serves the file instead (see `packagedModelSource`). */
export function packagedArcModel(weights: URL | string | Uint8Array = arcModelUrl): ModelSourceV1 {
  return packagedModelSource(defaultManifest, weights);
}

const pretty = (grid: ArcGrid) => grid.map((row) => row.join('')).join('\n');

function dataPaths(value: unknown): string[] {
  if (value === undefined) throw new InvalidInputError({ field: '--data', message: 'ARC training reads task JSON files: --data <folder>[,<folder>...] (e.g. ARC-AGI-1 training,evaluation)' });
  return (Array.isArray(value) ? value : String(value).split(',')).map((path) => String(path).trim()).filter((path) => path !== '');
}

/**
 * ARC-AGI as a task. The model sees only the test input and the task's learned embedding
 * (`puzzleIdentifier`): tasks it was trained on are found by name; any other task is
 * "unseen" (identifier 0) until adapted to its demonstrations. An answer is right only when it
 * equals the hidden test output, so nothing is ever `verified`.
 */
export const arcTask: TaskV1<ArcPuzzle, ArcAnswer> = {
  specificationVersion: 'v1',
  name: 'arc',
  description: 'ARC-AGI tasks (JSON with train and test pairs): answer a test input with the grid its demonstrations imply',
  codec: {
    vocabulary: arcVocabulary,
    sequenceLength: arcMaxSide * arcMaxSide,
    grid: { height: arcMaxSide, width: arcMaxSide },
    sides: { min: 2, max: arcMaxSide },
    encode: (input) => encodeArcGrid(input.task.test[input.testIndex]!.input, { row: 0, column: 0 }, input.side),
    decode: (tokens) => decodeArcGrid(tokens) ?? [],
  },
  inputSchema: arcInputSchema,
  parseInput: (input, options) => parseArcPuzzle(input, options),
  detect(input) {
    try {
      parseArcPuzzle(input);
      return 1;
    } catch {
      const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : undefined;
      return value && (Array.isArray(value.train) || typeof value.task === 'object') ? 0.5 : 0;
    }
  },
  grid: (input) => ({ height: input.side, width: input.side }),
  puzzleIdentifier(input, names) {
    if (input.name === undefined) return 0;
    const byVariant = names.indexOf(arcVariantName(input.name, input.variant));
    if (byVariant >= 0) return byVariant + 1;
    // A model with one embedding per task learned it over all augmentations.
    const byName = names.indexOf(input.name);
    return byName >= 0 ? byName + 1 : 0;
  },
  verify: () => false,
  correctness: 'exact',
  accuracyMetric: 'exact-accuracy',
  formatAnswer: (answer) => JSON.stringify(answer),
  parseAnswer: (text) => parseArcGrid(JSON.parse(text), 'answer'),
  formatInput: (input) => JSON.stringify({ ...(input.name ? { name: input.name } : {}), testIndex: input.testIndex, train: input.task.train, test: input.task.test.map((pair) => ({ input: pair.input })) }),
  prettyAnswer: (answer) => (answer.length === 0 ? '(no grid)' : pretty(answer)),
  prettyInput: (input) => pretty(input.task.test[input.testIndex]!.input),
  verifiedMeans: 'never shown: an ARC answer can only be checked against the hidden test output',
  unverifiedMeans: 'not checked: ARC has no rules to check an answer by; score it against the test output',
  augment(input, random) {
    const variant = 1 + random.int(7);
    return { input: arcPuzzleVariant(input, variant), restore: (answer) => restoreArcAnswer(input, variant, answer) };
  },
  training: {
    options: {
      data: { type: 'string', list: true, description: 'folders (or files) of ARC task JSON whose demonstration pairs are trained on, e.g. arc-agi-1/data/training,arc-agi-1/data/evaluation' },
      variants: { type: 'number', integer: true, min: 1, max: 64, description: 'fixed augmented variants per task, one embedding each (default 8)' },
      'unseen-share': { type: 'number', min: 0, max: 0.5, description: 'share of examples shown as an unseen task, identifier 0 (default 0.05)' },
      'no-translate': { type: 'boolean', description: 'keep every grid at the top-left of the canvas (default: random translations)' },
    },
    data(options) {
      const named = readArcTasks(dataPaths(options.data), '--data');
      return createArcTrainingData({
        tasks: named.map((entry) => entry.task),
        names: named.map((entry) => entry.name),
        seed: options.seed,
        side: options.side ?? arcMaxSide,
        variants: (options.variants as number | undefined) ?? 8,
        unseenShare: (options['unseen-share'] as number | undefined) ?? 0.05,
        translate: options['no-translate'] !== true,
      });
    },
  },
  defaults: {
    // Conv with the prefix read by every cell: ARC grids are local pictures, and each task's embedding must reach every cell.
    architecture: { mixer: 'conv', hiddenSize: 64, kernelSize: 3, dilation: 1, prefixToCells: true },
    recursion: { latentSteps: 2, cycles: 2, maxSupervisionSteps: 16 },
  },
  files: {
    parseFile: (text, name) => ({ task: parseArcTask(text, `${name}.json`), ...(/^[A-Za-z0-9._-]+$/.test(name) && name.length <= 200 ? { name } : {}) }),
    answer: (solver, raw, options) => answerArcFile(solver, raw, options),
    references: (raw) => parseArcPuzzle(raw).task.test.map((pair) => pair.output),
    partialCredit(answer, expected) {
      if (answer.length !== expected.length || answer[0]?.length !== expected[0]!.length) return 0;
      let same = 0;
      answer.forEach((row, r) => row.forEach((cell, c) => (same += cell === expected[r]![c] ? 1 : 0)));
      return same / (expected.length * expected[0]!.length);
    },
    adaptation(raw, options) {
      const puzzle = parseArcPuzzle(raw);
      const plan = planArcAdaptation(puzzle.task, { name: puzzle.name ?? 'task', ...options });
      const shown = { train: plan.heldOut ? puzzle.task.train.slice(0, -1) : puzzle.task.train, test: puzzle.task.test };
      return {
        data: plan.data,
        grid: { height: plan.side, width: plan.side },
        name: plan.name,
        train: plan.train,
        ...(plan.heldOut ? { selfCheck: { raw: { task: { train: shown.train, test: [{ input: plan.heldOut.input }] }, name: plan.name }, expected: plan.heldOut.output } } : {}),
      };
    },
    named: (raw, name) => {
      const puzzle = parseArcPuzzle(raw);
      return { task: puzzle.task, testIndex: puzzle.testIndex, name };
    },
  },
  packagedModel: () => packagedArcModel(),
};

// arc-answer imports this module's parser: a cycle of functions called later, never at load.
async function answerArcFile(solver: Solver<ArcPuzzle, ArcAnswer>, raw: unknown, options: { solve?: SolveOptionsV1; variants?: number }) {
  return (await answerArcTask(solver, raw, options)).map(({ testIndex, attempts, votes, copies, known }) => ({ testIndex, attempts, votes: votes.map((vote) => vote.votes), copies, known }));
}
