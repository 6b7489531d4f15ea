import { InvalidInputError, type SolveOptionsV1, type SolveResultV1, type TaskSolverV1 } from '@trm/core';
import { type ArcVote, voteArcAnswers } from './arc-augmentations';
import type { ArcGrid } from './arc-task';
import { type ArcAnswer, type ArcPuzzle, parseArcPuzzle, restoreArcAnswer } from './arc-puzzle';
import { arcVariantName } from './arc-variants';

export interface ArcTestAnswer {
  readonly testIndex: number;
  /** Up to two grids, most votes first: the pass@2 attempts. */
  readonly attempts: ArcGrid[];
  readonly votes: readonly ArcVote[];
  /** Variants solved and voted (each a copy of the task under a fixed augmentation). */
  readonly copies: number;
  /** Whether the model holds this task's own embedding (it was trained or adapted on it). */
  readonly known: boolean;
  /** Supervision steps summed over the copies. */
  readonly sampleSteps: number;
}

export interface AnswerArcOptions {
  /** Variants to vote over (default: as many as the model has for this task, else 8). */
  readonly variants?: number;
  /** Halting and the rest, as for any solve (copies stay 1: the variants are the copies). */
  readonly solve?: SolveOptionsV1;
  /** Samples run together (default 64). */
  readonly batchSize?: number;
  /**
   * Called after every supervision step with each test input's answer as given (variant 0), so a
   * page can show it improving without solving that copy a second time.
   */
  readonly onStep?: (event: ArcStepEvent) => void;
}

export interface ArcStepEvent {
  readonly testIndex: number;
  readonly step: number;
  /** Variant 0's current grid (the task as given), null while it has none. */
  readonly grid: ArcGrid | null;
  readonly confidence: number;
}

/**
 * Answers every test input of an ARC task: each is solved in several fixed variants (symmetry x
 * colours, each with its own embedding when the model knows the task), the answers are mapped
 * back and voted, and the two most voted grids are the attempts (ties: mean halting confidence).
 */
export async function answerArcTask(solver: TaskSolverV1<ArcPuzzle, ArcAnswer>, raw: unknown, options: AnswerArcOptions = {}): Promise<ArcTestAnswer[]> {
  const puzzle = solver.specialist.parseInput(raw);
  if (puzzle.variant !== 0) throw new InvalidInputError({ field: 'variant', message: 'give the task as it is; answerArcTask makes the variants' });
  const names = solver.specialist.model.manifest.puzzles?.names ?? [];
  const own = puzzle.name === undefined ? 0 : names.filter((name) => name.startsWith(`${puzzle.name}@`)).length;
  const known = own > 0 || (puzzle.name !== undefined && names.includes(puzzle.name));
  const variants = options.variants ?? (own > 0 ? own : 8);
  if (!Number.isInteger(variants) || variants < 1 || variants > 64) throw new InvalidInputError({ field: 'variants', message: 'expected an integer from 1 to 64', value: variants });
  if (own > 0 && variants > own) throw new InvalidInputError({ field: 'variants', message: `the model has ${own} variants of task ${puzzle.name} (${arcVariantName(puzzle.name!, 0)}...)`, value: variants });
  const base = { task: puzzle.task, ...(puzzle.name ? { name: puzzle.name } : {}) };
  const inputs = puzzle.task.test.flatMap((_, testIndex) => Array.from({ length: variants }, (__, variant) => ({ ...base, testIndex, variant })));
  const onStep = options.onStep;
  if (onStep !== undefined && typeof onStep !== 'function') throw new InvalidInputError({ field: 'onStep', message: 'expected a function', value: onStep });
  const solve = { ...options.solve, ...(options.batchSize ? { batchSize: options.batchSize } : {}) };
  // Each test input's variant 0 (the task as given) streams its answer as it improves; the
  // copies run in the same continuous batches either way.
  const shown = new Array<number>(puzzle.task.test.length).fill(0);
  const results: SolveResultV1<ArcAnswer>[] = await solver.solveMany(inputs, {
    ...solve,
    ...(onStep && {
      onStep: ({ answers }) =>
        shown.forEach((steps, testIndex) => {
          const given = answers[testIndex * variants];
          if (!given || given.steps === steps) return;
          shown[testIndex] = given.steps;
          onStep({ testIndex, step: given.steps, grid: given.value.length === 0 ? null : restoreArcAnswer(puzzle, 0, given.value), confidence: given.confidence });
        }),
    }),
  });
  return puzzle.task.test.map((_, testIndex) => {
    const mine = results.slice(testIndex * variants, (testIndex + 1) * variants);
    const candidates = mine.map((result, variant) => {
      const grid = restoreArcAnswer(puzzle, variant, result.value);
      return { grid: grid.length === 0 ? null : grid, confidence: result.confidence };
    });
    const votes = voteArcAnswers(candidates, 2);
    return { testIndex, attempts: votes.map((vote) => vote.grid), votes, copies: variants, known, sampleSteps: mine.reduce((sum, result) => sum + result.steps, 0) };
  });
}
