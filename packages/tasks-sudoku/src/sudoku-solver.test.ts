import { describe, expect, it } from 'vitest';
import { parseSudokuString } from './sudoku-codec';
import { isValidSolution } from './sudoku-rules';
import { solveSudoku } from './sudoku-solver';

const puzzle = '..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..';

describe('solveSudoku', () => {
  it('takes the puzzle as text as well as digits, with the same result', () => {
    const fromText = solveSudoku(puzzle);
    const fromDigits = solveSudoku(parseSudokuString(puzzle));
    expect(fromText.solutions).toBe(1);
    expect(isValidSolution(parseSudokuString(puzzle), fromText.solution!)).toBe(true);
    expect(Array.from(fromText.solution!)).toEqual(Array.from(fromDigits.solution!));
  });

  it('refuses what is not a grid, naming the field, instead of finding no solution', () => {
    expect(() => solveSudoku(puzzle.slice(1))).toThrow(expect.objectContaining({ name: 'InvalidInputError', field: 'grid' }));
    expect(() => solveSudoku([1, 2, 3])).toThrow(expect.objectContaining({ field: 'grid' }));
    expect(() => solveSudoku(Array(81).fill(10))).toThrow(expect.objectContaining({ field: 'grid' }));
    expect(() => solveSudoku(puzzle, { limit: 0 })).toThrow(expect.objectContaining({ field: 'limit' }));
    expect(() => solveSudoku(puzzle, { maxNodes: 0 })).toThrow(expect.objectContaining({ field: 'maxNodes' }));
  });

  it('stops at maxNodes and says the question is undecided rather than reporting no solution', () => {
    // Solvable, but this search needs about 23 million nodes (seconds) to find its solution.
    const slow = '.....6....59......2....8....45........3........6..3.54...325..6..................';
    const bounded = solveSudoku(slow, { limit: 1, maxNodes: 1000 });
    expect(bounded).toMatchObject({ solutions: 0, undecided: true, nodes: 1000, solution: null });
    // Within its budget the answer is decided and the count says what it cost.
    const easy = solveSudoku(puzzle, { maxNodes: 1000 });
    expect(easy.undecided).toBe(false);
    expect(easy.solutions).toBe(1);
    expect(easy.nodes).toBeGreaterThan(0);
    expect(easy.nodes).toBeLessThan(1000);
  });

  it('proves a blank cell with no candidate unsolvable within a budget of one node', () => {
    const text = '12345678.' + '........9' + '.'.repeat(63);
    expect(solveSudoku(text, { limit: 1, maxNodes: 1 })).toMatchObject({ solutions: 0, undecided: false, nodes: 1 });
  });
});

describe('unsolvable puzzles', () => {
  it('the specialist refuses a puzzle the rules prove unsolvable, though no givens clash', async () => {
    const { createSudoku } = await import('./sudoku-specialist');
    const { hasConsistentGivens } = await import('./sudoku-rules');
    // Row 1 leaves only cell 9 open; 9 is the digit it needs, but column 9 already holds a 9.
    const text = '12345678.' + '........9' + '.'.repeat(63);
    expect(hasConsistentGivens(parseSudokuString(text))).toBe(true);
    expect(solveSudoku(text).solutions).toBe(0);
    expect(() => createSudoku().parseInput(text)).toThrow(expect.objectContaining({ name: 'InvalidInputError', field: 'puzzle', message: expect.stringContaining('unsolvable') }));
    expect(createSudoku().parseInput(puzzle).givens).toHaveLength(81);
  });
});
