import type { z } from 'zod';
import type { ModelSourceV1 } from './inference-runtime';
import type { Random } from '../util/random';
import type { TaskDomainV1 } from './domain';

/**
 * A task specialist: how to turn a task's input into tokens and tokens back into an answer, how
 * to check an answer, and which trained model to run. Task packages implement it; the solver,
 * the router and the runtimes consume it.
 */
export interface SpecialistV1<Input = unknown, Answer = unknown> {
  readonly specificationVersion: 'v1';
  /** Task name (the task's `name`). */
  readonly task: string;
  readonly modelId: string;
  readonly model: ModelSourceV1;
  /**
   * The raw inputs this task accepts, declared as a zod schema (the router and services publish
   * it, e.g. as JSON Schema). `parseInput` accepts exactly what this schema accepts, plus the
   * task's own rules (e.g. no clashing givens), and names the failing field precisely.
   */
  readonly inputSchema?: z.ZodType;
  /** Validates and normalises a raw input; throws InvalidInputError naming the field. */
  parseInput(input: unknown): Input;
  /** How strongly this raw input looks like this task (0 = not at all, 1 = certainly). */
  detect(input: unknown): number;
  /**
   * Optional: the grid this input needs, for tasks whose inputs come in several sizes (a grid of
   * any side). The solver and router then run it on the model viewed at that size
   * (`LoadedModelV1.withGrid`); without it every input has the manifest's sequence length.
   */
  grid?(input: Input): { height: number; width: number };
  /** [sequenceLength] token ids (the sequence length of the input's grid, when `grid` is given). */
  encode(input: Input): Int32Array;
  /** Optional: the model's puzzle identifier for this input (per-puzzle embeddings); 0 when absent. */
  puzzleIdentifier?(input: Input): number;
  decode(tokens: Int32Array, input: Input): Answer;
  /** True only when the answer is a correct solution of the input (never trusts the model). */
  verify(input: Input, answer: Answer): boolean;
  /** A printable form of the answer (one line, as in the data files). */
  formatAnswer(answer: Answer): string;
  /**
   * Optional: a random transformation that keeps the task's meaning, and the map of an answer
   * back to the original input. Enables test-time augmentation.
   */
  augment?(input: Input, random: Random): { input: Input; restore: (answer: Answer) => Answer };
  /** Optional: the task's candidate sets, on which `search` solves by narrowing and branching, and abstains. */
  readonly domain?: TaskDomainV1<Input>;
  /** Optional: token names (the codec's vocabulary), to print the candidates of an abstention. */
  readonly vocabulary?: readonly string[];
}

export type SpecialistInput<S> = S extends SpecialistV1<infer Input, unknown> ? Input : never;
export type SpecialistAnswer<S> = S extends SpecialistV1<unknown, infer Answer> ? Answer : never;
