import { InvalidInputError, type ModelSourceV1, type SolveOptionsV1, type TaskSolverV1, type TaskV1, packagedModelSource } from '@trm/core';
import { planArcAdaptation } from './arc-adaptation';
import { answerArcTask } from './arc-answer';
import defaultManifest from '../model/manifest.json';
import { arcVocabulary, decodeArcGrid, encodeArcGrid } from './arc-codec';
import { readArcTasks } from './arc-files';
import { type ArcAnswer, type ArcPuzzle, arcInputSchema, arcPuzzleVariant, parseArcPuzzle, restoreArcAnswer } from './arc-puzzle';
import { type ArcGrid, arcMaxSide, parseArcGrid, parseArcTask } from './arc-task';
import { createArcTrainingData } from './arc-training-data';
import { arcVariantName } from './arc-variants';

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
async function answerArcFile(solver: TaskSolverV1<ArcPuzzle, ArcAnswer>, raw: unknown, options: { solve?: SolveOptionsV1; variants?: number }) {
  return (await answerArcTask(solver, raw, options)).map(({ testIndex, attempts, votes, copies, known }) => ({ testIndex, attempts, votes: votes.map((vote) => vote.votes), copies, known }));
}
