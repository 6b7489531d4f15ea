import { describe, expect, it, vi } from 'vitest';
import { parseSudokuInput, SOLVABILITY_NODE_BUDGET } from './sudoku-input';
import { solveSudoku, type SolveStatistics } from './sudoku-solver';

// Records what every solver call cost, so the bound is asserted on nodes rather than on time.
const searches: SolveStatistics[] = [];
vi.mock('./sudoku-solver', async (importOriginal) => {
  const original = await importOriginal<typeof import('./sudoku-solver')>();
  return {
    ...original,
    solveSudoku: (...args: Parameters<typeof original.solveSudoku>) => {
      const result = original.solveSudoku(...args);
      searches.push(result);
      return result;
    },
  };
});

describe('parseSudokuInput unsolvability check', () => {
  it('accepts a puzzle its bounded search cannot decide instead of searching for seconds', () => {
    // Unbounded, the check took this puzzle about 23 million nodes (2.5-7 s on the event loop).
    const slow = '.....6....59......2....8....45........3........6..3.54...325..6..................';
    searches.length = 0;
    expect(parseSudokuInput(slow).givens).toHaveLength(81);
    expect(searches).toHaveLength(1);
    expect(searches[0]).toMatchObject({ undecided: true, nodes: SOLVABILITY_NODE_BUDGET, solutions: 0 });
    expect(SOLVABILITY_NODE_BUDGET).toBeLessThanOrEqual(100_000);
  });

  it('still refuses unsolvable puzzles the budget decides: a dead cell, and one needing a search', () => {
    // Row 1 leaves only r1c9 open; it needs a 9, and column 9 already holds one.
    const deadCell = '12345678.' + '........9' + '.'.repeat(63);
    // No givens clash and no cell is dead, but every branch fails (about 1,100 nodes).
    const deep = '......92.9...1..4.....7..5..2.78......5.64........28..8....7.3....1.5.8...93..265';
    for (const text of [deadCell, deep]) {
      expect(() => parseSudokuInput(text)).toThrow(expect.objectContaining({ name: 'InvalidInputError', field: 'puzzle', message: expect.stringContaining('unsolvable') }));
    }
    expect(solveSudoku(deep, { limit: 1, maxNodes: 1 }).undecided).toBe(true);
  });
});
