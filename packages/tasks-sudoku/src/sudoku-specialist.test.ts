import { describe, expect, it } from 'vitest';
import { InvalidInputError, createRandom } from '@trm/core';
import { solveSudoku } from './sudoku-solver';
import { createSudoku } from './sudoku-specialist';
import { parseSudokuInput, sudokuInputSchema } from './sudoku-input';
import { formatSudoku, parseSudokuString } from './sudoku-codec';

const puzzle = '..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..';
const solution = '483921657967345821251876493548132976729564138136798245372689514814253769695417382';

describe('sudoku specialist', () => {
  const specialist = createSudoku();

  it('encodes with the reference tokens and decodes back', () => {
    const parsed = specialist.parseInput(puzzle);
    const tokens = specialist.encode(parsed);
    expect(tokens[0]).toBe(1); // blank
    expect(tokens[2]).toBe(4); // digit 3
    expect(formatSudoku(specialist.decode(specialist.encode({ givens: parseSudokuString(solution) }), parsed), '0')).toBe(solution);
  });

  it('verifies only correct answers that keep the givens', () => {
    const parsed = specialist.parseInput(puzzle);
    expect(specialist.verify(parsed, parseSudokuString(solution))).toBe(true);
    const swapped = solution.split('');
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]]; // still a permutation per row, breaks columns
    expect(specialist.verify(parsed, parseSudokuString(swapped.join('')))).toBe(false);
    // A valid grid that changes a given is refused too.
    const relabelled = solution.replace(/[12]/g, (digit) => (digit === '1' ? '2' : '1'));
    expect(specialist.verify(parsed, parseSudokuString(relabelled))).toBe(false);
    const incomplete = specialist.decode(new Int32Array(81).fill(0), parsed);
    expect(specialist.verify(parsed, incomplete)).toBe(false);
  });

  it('augments for test-time augmentation: the augmented solution maps back to the original one', () => {
    const parsed = specialist.parseInput(puzzle);
    const random = createRandom(1);
    for (let trial = 0; trial < 10; trial++) {
      const { input, restore } = specialist.augment!(parsed, random);
      expect(formatSudoku(input.givens)).not.toBe(puzzle);
      const solved = solveSudoku(input.givens, { limit: 1 }).solution!;
      const back = restore(specialist.decode(specialist.encode({ givens: solved }), input));
      expect(formatSudoku(back, '0')).toBe(solution);
      expect(specialist.verify(parsed, back)).toBe(true);
    }
  });

  it('accepts a 9x9 grid and { puzzle }', () => {
    const grid = Array.from({ length: 9 }, (_, row) => Array.from(parseSudokuString(puzzle).slice(row * 9, row * 9 + 9)));
    expect(formatSudoku(parseSudokuInput(grid).givens)).toBe(puzzle);
    expect(formatSudoku(parseSudokuInput({ puzzle }).givens)).toBe(puzzle);
    expect(specialist.detect(grid)).toBe(1);
    expect(specialist.detect(puzzle)).toBe(1);
    expect(specialist.detect('hello')).toBe(0);
    // A cell too few is a near miss: a low score, so routing sends it here and the parser names the problem.
    expect(specialist.detect(puzzle.slice(1))).toBeGreaterThan(0);
    expect(specialist.detect(puzzle.slice(1))).toBeLessThan(1);
    expect(() => specialist.parseInput(puzzle.slice(1))).toThrow(/expected 81 cells, got 80/);
  });

  it('refuses bad input with a typed error naming the field', () => {
    const cases: [unknown, string][] = [
      [puzzle.slice(1), 'puzzle'],
      [puzzle.replace('.', 'x'), 'puzzle'],
      [[[1, 2, 3]], 'puzzle'],
      [Array.from({ length: 9 }, (_, row) => Array(9).fill(row === 4 ? 10 : 0)), 'puzzle[4][0]'],
      ['11' + '.'.repeat(79), 'puzzle'],
      [42, 'puzzle'],
    ];
    for (const [input, field] of cases) {
      try {
        specialist.parseInput(input);
        expect.unreachable(`accepted ${JSON.stringify(input)}`);
      } catch (error) {
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).field).toBe(field);
      }
    }
  });

  it('refuses a model of another task', () => {
    const manifest = { ...specialist.model.manifest, task: 'maze', id: 'maze:x' };
    expect(() => createSudoku({ model: { manifest, weights: new Uint8Array() } })).toThrow(/not sudoku/);
  });

  it('declares its inputs as a schema that agrees with the parser', () => {
    const grid = Array.from({ length: 9 }, (_, row) => Array.from(parseSudokuString(puzzle).slice(row * 9, row * 9 + 9)));
    const accepted = [puzzle, grid, { puzzle }, { puzzle: grid }];
    const refused = [42, null, [[1, 2, 3]], grid.map((row) => row.map((cell) => cell + 0.5)), { grid }, [...grid.slice(0, 8)]];
    for (const input of accepted) {
      expect(sudokuInputSchema.safeParse(input).success).toBe(true);
      expect(() => parseSudokuInput(input)).not.toThrow();
    }
    for (const input of refused) {
      expect(sudokuInputSchema.safeParse(input).success, JSON.stringify(input)).toBe(false);
      expect(() => parseSudokuInput(input)).toThrow(InvalidInputError);
    }
  });
});
