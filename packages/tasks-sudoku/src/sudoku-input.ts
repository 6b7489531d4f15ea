import { z } from 'zod';
import { InvalidInputError } from '@trm/core';
import { formatSudoku, parseSudokuString } from './sudoku-codec';
import { describeSudokuClash, hasConsistentGivens, sudokuClashes } from './sudoku-rules';
import { solveSudoku } from './sudoku-solver';

/** A parsed puzzle: 81 digits, 0 for blank. */
export interface SudokuPuzzle {
  readonly givens: Uint8Array;
}

/** 81 digits; 0 where the model produced no digit. */
export type SudokuAnswer = Uint8Array;

const sudokuText = z.string().describe('81 cells, row by row: digits 1-9, "." or "0" for blanks (spaces, newlines and |+- separators ignored)');
const sudokuGrid = z.array(z.array(z.number().int().min(0).max(9)).length(9)).length(9).describe('9 rows of 9 integers, 0 for blank');

/** The raw sudoku inputs `parseSudokuInput` takes, as a schema (published by routers and services). */
export const sudokuInputSchema = z.union([sudokuText, sudokuGrid, z.object({ puzzle: z.union([sudokuText, sudokuGrid]) })]);

/**
 * Search nodes the unsolvability check may visit: about 7 ms on the 2-core dev machine (0.15 us
 * a node). Of random unsolvable puzzles sampled, it decides all with 30 givens (worst 5k nodes),
 * 199 of 200 with 25 (worst 64k) and about three in four with 20; fewer givens search deeper.
 */
export const SOLVABILITY_NODE_BUDGET = 50_000;

/**
 * Accepts an 81-character string (digits, `.` or `0` for blanks), a 9x9 grid of numbers (0 for
 * blank), or `{ puzzle: <either> }`.
 */
export function parseSudokuInput(input: unknown, field = 'puzzle'): SudokuPuzzle {
  let givens: Uint8Array;
  if (typeof input === 'string') {
    givens = parseSudokuString(input, field);
  } else if (Array.isArray(input)) {
    if (input.length !== 9) throw new InvalidInputError({ field, message: `expected 9 rows, got ${input.length}`, value: input });
    givens = new Uint8Array(81);
    input.forEach((row: unknown, rowIndex) => {
      if (!Array.isArray(row) || row.length !== 9) {
        throw new InvalidInputError({ field: `${field}[${rowIndex}]`, message: 'expected a row of 9 numbers', value: row });
      }
      row.forEach((cell: unknown, column) => {
        if (typeof cell !== 'number' || !Number.isInteger(cell) || cell < 0 || cell > 9) {
          throw new InvalidInputError({ field: `${field}[${rowIndex}][${column}]`, message: 'expected an integer 0-9 (0 for blank)', value: cell });
        }
        givens[rowIndex * 9 + column] = cell;
      });
    });
  } else if (typeof input === 'object' && input !== null && 'puzzle' in input) {
    return parseSudokuInput((input as { puzzle: unknown }).puzzle, field);
  } else {
    throw new InvalidInputError({ field, message: 'expected an 81-character string or a 9x9 grid of numbers', value: input });
  }
  if (!hasConsistentGivens(givens)) {
    const clashes = sudokuClashes(givens);
    const named = clashes.slice(0, 3).map(describeSudokuClash).join('; ');
    throw new InvalidInputError({ field, message: `two givens clash: ${named}${clashes.length > 3 ? `; and ${clashes.length - 3} more` : ''}`, value: formatSudoku(givens) });
  }
  // No model answer (which would have to change a given) is returned for a puzzle proved to have
  // none. The search is bounded because parsing runs on the caller's thread (a server's event
  // loop): a few givens can take it millions of nodes (seconds). A puzzle left undecided is
  // accepted; the verifier still marks no wrong answer verified.
  const check = solveSudoku(givens, { limit: 1, maxNodes: SOLVABILITY_NODE_BUDGET });
  if (check.solutions === 0 && !check.undecided) {
    throw new InvalidInputError({ field, message: 'unsolvable: no grid completes these givens (proved by the rules)', value: formatSudoku(givens) });
  }
  return { givens };
}

/** How much a raw input looks like a sudoku: 1 for 81 cells of digits and blanks, or a 9x9 grid of numbers. */
export function looksLikeSudoku(input: unknown): number {
  const candidate = typeof input === 'object' && input !== null && !Array.isArray(input) && 'puzzle' in input ? (input as { puzzle: unknown }).puzzle : input;
  if (typeof candidate === 'string') {
    const cells = candidate.replace(/[\s|+\-]/g, '');
    if (!/^[0-9.]+$/.test(cells)) return 0;
    // A near miss (a cell too many or too few) is still most likely a sudoku: routed here, its
    // parser then names the problem ("expected 81 cells, got 80").
    return cells.length === 81 ? 1 : cells.length >= 64 && cells.length <= 100 ? 0.25 : 0;
  }
  if (Array.isArray(candidate) && candidate.length === 9) {
    return candidate.every((row) => Array.isArray(row) && row.length === 9 && row.every((cell) => typeof cell === 'number')) ? 1 : 0;
  }
  return 0;
}
