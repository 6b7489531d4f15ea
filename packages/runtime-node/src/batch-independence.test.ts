// Cross-talk can only show on a real model: a mock whose answer is a function of its own slot
// cannot leak between slots. The shipped sudoku model runs here through continuous batching
// with refills, carries (slots moved down) and a shrinking batch, noise and seeds included.
import { describe, expect, it } from 'vitest';
import { createSolver } from '@trm/core';
import { createSudokuGenerator, formatSudoku, sudokuTokens } from '@trm/tasks-sudoku';
import { createNodeRuntime } from './node-runtime';

describe('batch independence on the shipped sudoku token model (copies, noise and steps apply to it)', () => {
  it('each answer equals the same request solved alone, token for token, with noise and seeds', async () => {
    const generator = createSudokuGenerator({ seed: 4242 });
    const puzzles = Array.from({ length: 10 }, () => formatSudoku(generator.next().puzzle));
    const solver = await createSolver({ specialist: sudokuTokens, runtime: createNodeRuntime({ device: 'cpu', threads: 1 }) });
    try {
      // Mixed step budgets make requests leave at different steps, so slots are refilled and moved.
      const options = { copies: 2, noise: 0.2, seed: 7, patience: 2 };
      const together = await solver.solveMany(puzzles, { ...options, batchSize: 4 });
      const alone = [];
      for (const puzzle of puzzles) alone.push(await solver.solveMany([puzzle], { ...options, batchSize: 4 }));
      const steps = new Set(together.map((result) => result.cost.sampleSteps));
      expect(steps.size).toBeGreaterThan(1); // requests really left at different times
      for (const [index, result] of together.entries()) {
        const [own] = alone[index]!;
        expect(result.answer).toBe(own!.answer);
        expect(result.steps).toBe(own!.steps);
        expect(result.cost).toEqual(own!.cost);
      }
      // Another seed changes the noisy copies, so the seed is really in play.
      const reseeded = await solver.solveMany(puzzles, { ...options, seed: 8, batchSize: 4 });
      expect(reseeded.map((result) => result.cost.sampleSteps)).not.toEqual(together.map((result) => result.cost.sampleSteps));
    } finally {
      await solver.dispose();
    }
  });
});
