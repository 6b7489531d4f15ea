import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Architecture, InvalidInputError, ModelLoadError, type ModelSourceV1, type Recursion, type SpecialistV1, parseModelManifest } from '@trm/core';
import { type MazeBand, type MazePuzzle, createMaze, createMazeGenerator, createMazeTrainingData, formatMaze, isValidShortestPath, mazeBandOf, mazeBands, mazeSide, mazeVocabulary, parseMazeString, prettyMaze } from '@trm/tasks-maze';
import { type SudokuPuzzle, createSudoku, createSudokuTrainingData, gradeOf, prettySudoku, sudokuVocabulary } from '@trm/tasks-sudoku';

/** What the CLI needs to know about each task; the one place a new task is wired in. */
interface TaskEntry {
  readonly vocabulary: readonly string[];
  /** The specialist with the packaged model, or with the given one. */
  specialist(model?: ModelSourceV1): SpecialistV1<any, any>;
  /** Grid for people, of an answer and of a parsed input. */
  pretty(cells: ArrayLike<number>): string;
  prettyInput(input: any): string;
  /** What `verified: yes` and `no` mean, for people. */
  verifiedMeans: string;
  unverifiedMeans: string;
  /** What counts as right in `eval`, checked by the task's rules against the CSV row. */
  accuracyMetric: 'exact-accuracy' | 'valid-shortest-path';
  isCorrect(question: string, expected: string, answer: string): boolean;
  /** Bucket name of a CSV `rating` value. */
  ratingBucket(rating: number, question?: string): string;
  architecture(options: ArchitectureOptions): Architecture;
  recursion(options: { cycles?: number; latentSteps?: number }): Recursion;
  trainingData(seed: number, options: TrainingDataOptions): { description: string; next(): { tokens: Int32Array; labels: Int32Array } };
  /** The same data as a module export and its options, for the trainer's data worker. */
  trainingDataWorker(seed: number, options: TrainingDataOptions): { module: string; exportName: string; options: unknown };
  /** Held-out inputs of one grid side (grid tasks), for evaluations during training. */
  heldOut?(side: number, bands: readonly string[], count: number, seed: number): string[];
}

interface TrainingDataOptions {
  givens?: readonly [number, number];
  hardShare?: number;
  minDeadEnds?: number;
  bands?: readonly string[];
  /** Grid side (mazes). */
  side?: number;
  /** Maze training target: the canonical path (default) or the generator's, augmented. */
  target?: 'canonical' | 'augmented';
  /** Maze: per-step targets revealing the path over this many supervision steps. */
  revealSteps?: number;
}

export type Mixer = Architecture['mixer'];
export const mixers: readonly Mixer[] = ['mlp', 'attention', 'conv'];

export interface ArchitectureOptions {
  hiddenSize?: number;
  mixer?: Mixer;
  kernelSize?: number;
  dilation?: number;
  /** Grid side (mazes). */
  side?: number;
}

function trmArchitecture(base: Pick<Architecture, 'vocabularySize' | 'sequenceLength' | 'mixer'> & { side?: number }, options: ArchitectureOptions): Architecture {
  const hiddenSize = options.hiddenSize ?? 128;
  const mixer = options.mixer ?? base.mixer;
  const side = options.side ?? base.side;
  const grid = side ? { height: side, width: side } : undefined;
  return {
    family: 'trm',
    mixer,
    ...(grid ? { grid } : {}),
    ...(mixer === 'conv' ? { kernelSize: options.kernelSize ?? 3, dilation: options.dilation ?? 1 } : {}),
    hiddenSize,
    layers: 2,
    heads: Math.max(1, hiddenSize / 32),
    // SwiGLU inner size 8/3 * D rounded up to a multiple of 64, as in the reference.
    channelInnerSize: Math.ceil((hiddenSize * 8) / 3 / 64) * 64,
    sequenceInnerSize: Math.ceil(((base.sequenceLength + 1) * 8) / 3 / 32) * 32,
    rmsNormEpsilon: 1e-5,
    ropeTheta: 10000,
    vocabularySize: base.vocabularySize,
    sequenceLength: grid ? side! * side! : base.sequenceLength,
    puzzleEmbeddingLength: 1,
    puzzleIdentifiers: 1,
  };
}

export const taskRegistry = {
  sudoku: {
    vocabulary: sudokuVocabulary,
    specialist: (model?: ModelSourceV1) => createSudoku(model ? { model } : {}),
    pretty: prettySudoku,
    prettyInput: (input: SudokuPuzzle) => prettySudoku(input.givens),
    ratingBucket: gradeOf,
    verifiedMeans: 'the answer obeys every rule and keeps every given',
    unverifiedMeans: 'the answer breaks a rule or changes a given',
    // Evaluation puzzles have one solution, so right means equal to the reference.
    accuracyMetric: 'exact-accuracy',
    isCorrect: (_question: string, expected: string, answer: string) => answer === expected,
    // A small MLP-mixer with shallow recursion: what trains well on two CPU cores.
    architecture: (options) => trmArchitecture({ vocabularySize: 11, sequenceLength: 81, mixer: 'mlp' }, options),
    recursion: (options) => ({ latentSteps: options.latentSteps ?? 2, cycles: options.cycles ?? 2, maxSupervisionSteps: 16 }),
    trainingData: (seed, options) => createSudokuTrainingData({ seed, givens: options.givens, hardShare: options.hardShare, minDeadEnds: options.minDeadEnds }),
    trainingDataWorker: (seed, options) => ({ module: import.meta.resolve('@trm/tasks-sudoku'), exportName: 'createSudokuTrainingData', options: { seed, givens: options.givens, hardShare: options.hardShare, minDeadEnds: options.minDeadEnds } }),
  },
  maze: {
    vocabulary: mazeVocabulary,
    specialist: (model?: ModelSourceV1) => createMaze(model ? { model } : {}),
    pretty: prettyMaze,
    prettyInput: (input: MazePuzzle) => prettyMaze(input.maze),
    verifiedMeans: 'the marked path is a shortest path from S to G through free cells',
    unverifiedMeans: 'the marked cells are not a shortest path from S to G, or the maze was changed',
    // Random mazes often have several shortest paths: any of them is right.
    accuracyMetric: 'valid-shortest-path',
    isCorrect: (question: string, _expected: string, answer: string) => {
      try {
        return isValidShortestPath(parseMazeString(question), parseMazeString(answer, 'answer', { allowPath: true }));
      } catch {
        return false;
      }
    },
    ratingBucket: (pathLength: number, question?: string) => mazeBandOf(pathLength, question ? mazeSide(parseMazeString(question)) : undefined) ?? 'other',
    // Conv: a maze is local, and its weights run at any size (the paper's MLP mixer scored 0%).
    architecture: (options) => trmArchitecture({ vocabularySize: 6, sequenceLength: 900, mixer: 'conv', side: 30 }, { hiddenSize: 64, ...options }),
    recursion: (options) => ({ latentSteps: options.latentSteps ?? 2, cycles: options.cycles ?? 2, maxSupervisionSteps: 16 }),
    trainingData: (seed, options) => createMazeTrainingData({ seed, side: options.side, target: options.target, revealSteps: options.revealSteps, bands: parseBands(options.bands ?? defaultMazeBands) }),
    trainingDataWorker: (seed, options) => ({
      module: import.meta.resolve('@trm/tasks-maze'),
      exportName: 'createMazeTrainingData',
      options: { seed, side: options.side, target: options.target, revealSteps: options.revealSteps, bands: parseBands(options.bands ?? defaultMazeBands) },
    }),
    /** Held-out mazes (test split by wall layout) of one side, for curricula gated on accuracy. */
    heldOut: (side: number, bands: readonly string[], count: number, seed: number) => {
      const generators = parseBands(bands).map((band, index) => createMazeGenerator({ seed: seed + 104_729 * index, band, side, split: 'test' }));
      return Array.from({ length: count }, (_, index) => formatMaze(generators[index % generators.length]!.next().maze));
    },
  },
} satisfies Record<string, TaskEntry>;

const defaultMazeBands = ['medium', 'long', 'hard'];

function parseBands(bands: readonly string[]): MazeBand[] {
  for (const band of bands) {
    if (!(band in mazeBands)) throw new InvalidInputError({ field: '--bands', message: `expected bands among ${Object.keys(mazeBands).join(', ')}`, value: band });
  }
  return bands as MazeBand[];
}

export type TaskName = keyof typeof taskRegistry;
export const tasks = Object.keys(taskRegistry) as TaskName[];

export function parseTask(value: string | undefined): TaskName {
  if (!value || !(tasks as string[]).includes(value)) {
    throw new InvalidInputError({ field: 'task', message: `expected one of: ${tasks.join(', ')}`, value });
  }
  return value as TaskName;
}

/** The task's specialist with the packaged model, or with the model whose manifest path is given. */
export async function loadSpecialist(task: TaskName, manifestPath?: string): Promise<SpecialistV1<any, any>> {
  if (!manifestPath) return taskRegistry[task].specialist();
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    throw new ModelLoadError({ source: manifestPath, message: `cannot read manifest: ${(error as Error).message}`, field: '--model', cause: error });
  }
  const manifest = parseModelManifest(manifestJson);
  return taskRegistry[task].specialist({ manifest, weights: join(dirname(manifestPath), manifest.weights[0]!.path) });
}
