import type { z } from 'zod';
import type { Architecture, Recursion } from './manifest/architecture';
import type { ModelManifest } from './manifest/model-manifest';
import type { ModelSourceV1 } from './inference-runtime';
import type { Random } from '../util/random';
import type { SolveManyOptionsV1, SolveOptionsV1, SolveResultV1 } from './solve-options';
import type { SpecialistV1 } from './specialist';
import type { TaskDomainV1 } from './domain';

export type { TaskDomainV1 } from './domain';

export interface GridShape {
  readonly height: number;
  readonly width: number;
}

/**
 * How a task's inputs and answers become tokens. A sequence task has one length; a grid task has
 * a default grid and, when its inputs come in several sizes, the range of square sides it takes
 * (a conv model then runs every one of them).
 */
export interface TaskCodecV1<Input, Answer> {
  /** Token names, id = index (e.g. `['pad', 'blank', '1', ..., '9']`). */
  readonly vocabulary: readonly string[];
  readonly sequenceLength: number;
  /** Grid tasks: the token positions as a grid, row-major (height x width = sequenceLength). */
  readonly grid?: GridShape;
  /** Grid tasks whose inputs come in several square sizes: the sides accepted. */
  readonly sides?: { readonly min: number; readonly max: number };
  /** [sequenceLength of the input's grid] token ids. */
  encode(input: Input): Int32Array;
  decode(tokens: Int32Array, input: Input): Answer;
  /**
   * The input back from its tokens. Training needs it to judge a predicted answer with the task's
   * own correctness (tasks with several valid answers); without it training judges by equality.
   */
  inputFromTokens?(tokens: Int32Array): Input;
}

/** A task-specific option of training data or data generation, declared so the CLI can offer it as a flag. */
export interface TaskOptionV1 {
  readonly type: 'string' | 'number' | 'boolean';
  readonly description: string;
  /** For `number`: accepted range and whether it must be an integer. */
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  /** For `string`: the accepted values; `list: true` takes several, comma-separated. */
  readonly choices?: readonly string[];
  readonly list?: boolean;
}

/** The options every training-data factory receives, plus the task's declared ones. */
export interface TrainingDataOptionsV1 {
  readonly seed: number;
  /** Grid tasks: the square side to make examples at (a size curriculum changes it). */
  readonly side?: number;
  readonly [option: string]: unknown;
}

/** One training example in token space (what the trainer consumes). */
export interface TaskTrainingExampleV1 {
  /** [sequenceLength] input token ids. */
  readonly tokens: Int32Array;
  /** [sequenceLength] target token ids: the answer. */
  readonly labels: Int32Array;
  readonly puzzleIdentifier?: number;
  /**
   * Optional per-step targets (Deep Improvement Supervision, arXiv 2511.16886): supervision step
   * s (from 0) trains its cross-entropy on stepLabels[s] while s < stepLabels.length, then on
   * `labels`. Halting and exact accuracy always judge against `labels`, the answer.
   */
  readonly stepLabels?: readonly Int32Array[];
}

/** A stream of training examples; `description` goes into the manifest's training record. */
export interface TaskTrainingDataV1 {
  readonly description: string;
  /**
   * Streams with one learned embedding per puzzle: the name of each puzzle identifier from 1 on
   * (0 stays the embedding of an unseen puzzle). The architecture then holds names.length + 1
   * embeddings and the manifest records the names, so inference finds each puzzle's own.
   */
  readonly puzzleNames?: readonly string[];
  next(): TaskTrainingExampleV1;
}

/** A row of an evaluation set, in the reference CSV format (question, answer, optional level and rating). */
export interface TaskDataRowV1 {
  /** Where the row comes from (the CSV's source column), e.g. `trm-<task>-test-seed1`. */
  readonly source?: string;
  readonly question: string;
  readonly answer: string;
  readonly level?: string;
  readonly rating?: number;
}

/** The answers to one question of a question file, best first (e.g. two attempts, scored pass@2). */
export interface TaskAttemptsV1<Answer> {
  /** The question's place in its file (e.g. a test input's index). */
  readonly testIndex: number;
  readonly attempts: readonly Answer[];
  /** Copies behind each attempt (votes), and copies solved in all. */
  readonly votes: readonly number[];
  readonly copies: number;
  /** Whether the model holds this question's own embedding (trained or adapted on it). */
  readonly known: boolean;
}

/** What adapting a model to one question file needs (test-time training). */
export interface TaskAdaptationV1<Answer> {
  /** Examples made from the file's own demonstrations; `puzzleNames` names the new embeddings. */
  readonly data: TaskTrainingDataV1 & { readonly puzzleNames: readonly string[] };
  /** The grid to train at (models that run any size). */
  readonly grid?: GridShape;
  /** The name the adapted model knows the question by (pass it to `named`). */
  readonly name: string;
  /** A demonstration held out of `data`: whether the adapted model reproduces it is the self-check. */
  readonly selfCheck?: { readonly raw: unknown; readonly expected: Answer };
  /** What adapts unless the caller says: the task's measured best ('embedding' when absent). */
  readonly train?: 'embedding' | 'all';
}

/**
 * What a task's file protocol needs to solve: its specialist (the parser and the model's
 * manifest) and a function that solves many of its inputs. A solver is one; so is anything else
 * that offers these two.
 */
export interface TaskSolverV1<Input, Answer> {
  readonly specialist: SpecialistV1<Input, Answer>;
  solveMany(inputs: readonly unknown[], options?: SolveManyOptionsV1<Answer>): Promise<SolveResultV1<Answer>[]>;
}

/**
 * Tasks whose questions come as whole files answered by a protocol of their own (e.g. a task
 * JSON with demonstrations and several test inputs, each answered by voting over variants), and
 * which can adapt a model to one file's demonstrations. The CLI's `solve FILE`, `eval --data
 * FOLDER` and `--adapt` work for any task that declares this.
 */
export interface TaskFilesV1<Input, Answer> {
  /** A question file's text as a raw input; `name` is the file name without its extension. */
  parseFile(text: string, name: string): unknown;
  /** Answers every question of a raw input. */
  answer(solver: TaskSolverV1<Input, Answer>, raw: unknown, options: { readonly solve?: SolveOptionsV1; readonly variants?: number }): Promise<TaskAttemptsV1<Answer>[]>;
  /** The reference answers the file holds, one per question (undefined where it has none). */
  references(raw: unknown): (Answer | undefined)[];
  /** Partial credit of an answer against the reference (e.g. the share of cells right, 0 for a wrong shape). */
  partialCredit?(answer: Answer, expected: Answer): number;
  adaptation?(raw: unknown, options: { readonly variants?: number; readonly seed?: number }): TaskAdaptationV1<Answer>;
  /** The raw input under another name (the one an adapted model knows it by). */
  named(raw: unknown, name: string): unknown;
}

/**
 * Everything any tool needs of a task: the trainer, export, eval, data, the solver, the router,
 * the CLI and services. A specialist is a task plus a trained model (`createSpecialist`).
 * Tasks are plain objects: a user's own task is a module that exports one.
 */
export interface TaskV1<Input = unknown, Answer = unknown> {
  readonly specificationVersion: 'v1';
  /** Lower-case name; model ids start with it (`<name>:trm-...`). */
  readonly name: string;
  readonly description: string;
  readonly codec: TaskCodecV1<Input, Answer>;
  /** The raw inputs `parseInput` accepts, as a schema (routers and services publish it). */
  readonly inputSchema: z.ZodType;
  /**
   * Validates and normalises a raw input; throws InvalidInputError naming the field. `grid`, when
   * given, is the only size the model runs (a fixed-size model).
   */
  parseInput(input: unknown, options?: { readonly grid?: GridShape }): Input;
  /** How strongly this raw input looks like this task (0 = not at all, 1 = certainly). */
  detect(input: unknown): number;
  /** Grid tasks with several sizes: the grid this input needs. */
  grid?(input: Input): GridShape;
  /**
   * Tasks with per-puzzle embeddings: the identifier of this input's puzzle among the model's
   * `puzzleNames` (the manifest's `puzzles.names`; identifier = index + 1), 0 when it is not one.
   */
  puzzleIdentifier?(input: Input, puzzleNames: readonly string[]): number;
  /** True only when the answer is a correct solution of the input, by the task's rules. */
  verify(input: Input, answer: Answer): boolean;
  /**
   * What counts as right in evaluation and training: `verify` (the default; any valid answer,
   * for tasks with several) or `exact` (equal to the reference answer).
   */
  readonly correctness?: 'verify' | 'exact';
  /** Name of the accuracy metric recorded in manifests (default `exact-accuracy` or `verified-accuracy`). */
  readonly accuracyMetric?: string;
  /** The printable form of an answer: one line, the format of the data files' answer column. */
  formatAnswer(answer: Answer): string;
  /** Reads a printed answer back (the data files' answer column), so evaluation can judge what users see. */
  parseAnswer?(text: string, input: Input): Answer;
  /** The printable form of an input, one line (the data files' question column). */
  formatInput(input: Input): string;
  /** For people: a multi-line drawing of an answer (default: `formatAnswer`). */
  prettyAnswer?(answer: Answer, input: Input): string;
  prettyInput?(input: Input): string;
  /** What `verified: yes` and `no` mean, for people. */
  readonly verifiedMeans?: string;
  readonly unverifiedMeans?: string;
  /** Candidate sets of the task's answers (tasks with rules): what search and abstention run on. */
  readonly domain?: TaskDomainV1<Input>;
  /** A random transformation that keeps the task's meaning, and the map of an answer back. */
  augment?(input: Input, random: Random): { input: Input; restore: (answer: Answer) => Answer };
  /** Evaluation buckets: the name of the bucket of a data row's `rating` (e.g. a path-length band). */
  ratingBucket?(rating: number, input: Input): string;
  /** Training data (generated or read from files), with the task's own options. */
  readonly training?: {
    readonly options?: Readonly<Record<string, TaskOptionV1>>;
    /** Called on a worker thread when the task comes from a module (options are structured-cloned). */
    data(options: TrainingDataOptionsV1): TaskTrainingDataV1;
    /** Held-out raw inputs (never in `data`'s stream) for evaluation during training. */
    heldOut?(options: { readonly count: number; readonly seed: number; readonly side?: number; readonly [option: string]: unknown }): unknown[];
  };
  /** Evaluation sets the task can make itself (`trm data`). */
  readonly dataset?: {
    readonly options?: Readonly<Record<string, TaskOptionV1>>;
    generate(options: { readonly count: number; readonly seed: number; readonly split: 'train' | 'test'; readonly side?: number; readonly [option: string]: unknown }): Iterable<TaskDataRowV1>;
  };
  /** What training starts from unless told otherwise. */
  readonly defaults: {
    readonly architecture: Partial<Pick<Architecture, 'mixer' | 'hiddenSize' | 'kernelSize' | 'dilation' | 'prefixToCells'>>;
    readonly recursion: Recursion;
    /**
     * How a model trained on the task searches by default (tasks with a domain): written into the
     * manifest's `search` when the model is exported (a candidate model leaves `stepsPerState` out).
     */
    readonly search?: Readonly<Omit<NonNullable<ModelManifest['search']>, 'keepThreshold'>>;
  };
  /** Tasks whose questions are whole files with a protocol of their own (see TaskFilesV1). */
  readonly files?: TaskFilesV1<Input, Answer>;
  /** The model this task's package ships, if any. */
  packagedModel?(): ModelSourceV1;
}

export type TaskInput<T> = T extends TaskV1<infer Input, unknown> ? Input : never;
export type TaskAnswer<T> = T extends TaskV1<unknown, infer Answer> ? Answer : never;
