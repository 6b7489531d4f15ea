import { InvalidInputError } from '@trm/core';
import { parseSudokuString } from './sudoku-codec';

/**
 * Bitmask backtracking with constraint propagation. Grids are 81 numbers, 0 for blank, 1-9 for
 * digits, row-major.
 */
const ALL = 0x1ff;
const ROW = new Uint8Array(81);
const COLUMN = new Uint8Array(81);
const BOX = new Uint8Array(81);
for (let cell = 0; cell < 81; cell++) {
  ROW[cell] = Math.floor(cell / 9);
  COLUMN[cell] = cell % 9;
  BOX[cell] = Math.floor(ROW[cell] / 3) * 3 + Math.floor(COLUMN[cell] / 3);
}
/** Digits in a 9-bit candidate set (also the candidate-set domain's). */
export const BIT_COUNT = new Uint8Array(512);
for (let mask = 1; mask < 512; mask++) BIT_COUNT[mask] = BIT_COUNT[mask >> 1] + (mask & 1);

export interface SolveStatistics {
  /** Solutions found, up to the limit asked for. */
  solutions: number;
  /** Dead ends hit before the first solution (the difficulty rating). */
  deadEnds: number;
  /** The first solution found, if any. */
  solution: Uint8Array | null;
  /** Search nodes visited (one per partial grid examined), the unit `maxNodes` counts. */
  nodes: number;
  /**
   * True when the search stopped at `maxNodes` before it could decide: `solutions` is then a
   * lower bound, and 0 proves nothing.
   */
  undecided: boolean;
}

/**
 * Counts solutions up to `limit`, choosing the most constrained cell first. `order` shuffles the
 * digit order (for random full grids). `maxNodes` bounds the work: some givens with no solution
 * take this search millions of nodes (seconds) to exhaust, so a caller that must answer fast
 * gets `undecided` instead. The first node always runs, so a cell with no candidate is still
 * proved within any budget.
 */
export function solveSudoku(
  input: ArrayLike<number> | string,
  options: { limit?: number; digitOrder?: () => number[]; maxNodes?: number } = {},
): SolveStatistics {
  // Text is parsed (81 cells, '.' or '0' blank); numbers must be 81 integers 0-9. A string read as
  // an array of characters would silently find no solution.
  const grid = typeof input === 'string' ? parseSudokuString(input, 'grid') : input;
  let wellFormed = !!grid && typeof grid === 'object' && grid.length === 81;
  // A plain loop: the generator calls this for every given it tries to remove.
  for (let cell = 0; wellFormed && cell < 81; cell++) wellFormed = Number.isInteger(grid[cell]) && grid[cell]! >= 0 && grid[cell]! <= 9;
  if (!wellFormed) {
    throw new InvalidInputError({ field: 'grid', message: 'expected 81 cells: a string, or integers 0-9 (0 blank)', value: input });
  }
  const limit = options.limit ?? 2;
  if (!Number.isInteger(limit) || limit < 1) throw new InvalidInputError({ field: 'limit', message: 'must be a positive integer', value: limit });
  const maxNodes = options.maxNodes ?? Infinity;
  if (maxNodes !== Infinity && (!Number.isInteger(maxNodes) || maxNodes < 1)) {
    throw new InvalidInputError({ field: 'maxNodes', message: 'must be a positive integer', value: maxNodes });
  }
  const cells = new Uint8Array(81);
  const rows = new Uint16Array(9);
  const columns = new Uint16Array(9);
  const boxes = new Uint16Array(9);
  const result: SolveStatistics = { solutions: 0, deadEnds: 0, solution: null, nodes: 0, undecided: false };
  for (let cell = 0; cell < 81; cell++) {
    const digit = grid[cell];
    if (digit === 0) continue;
    const bit = 1 << (digit - 1);
    if (rows[ROW[cell]] & bit || columns[COLUMN[cell]] & bit || boxes[BOX[cell]] & bit) return result;
    cells[cell] = digit;
    rows[ROW[cell]] |= bit;
    columns[COLUMN[cell]] |= bit;
    boxes[BOX[cell]] |= bit;
  }

  const search = (): boolean => {
    if (result.nodes >= maxNodes) {
      result.undecided = true;
      return true;
    }
    result.nodes++;
    let bestCell = -1;
    let bestCount = 10;
    let bestCandidates = 0;
    for (let cell = 0; cell < 81; cell++) {
      if (cells[cell] !== 0) continue;
      const candidates = ALL & ~(rows[ROW[cell]] | columns[COLUMN[cell]] | boxes[BOX[cell]]);
      const count = BIT_COUNT[candidates];
      if (count < bestCount) {
        bestCount = count;
        bestCell = cell;
        bestCandidates = candidates;
        if (count <= 1) break;
      }
    }
    if (bestCell < 0) {
      result.solutions++;
      if (!result.solution) result.solution = cells.slice();
      return result.solutions >= limit;
    }
    if (bestCount === 0) {
      if (result.solutions === 0) result.deadEnds++;
      return false;
    }
    const digits = options.digitOrder ? options.digitOrder() : DIGITS;
    for (const digit of digits) {
      const bit = 1 << (digit - 1);
      if (!(bestCandidates & bit)) continue;
      cells[bestCell] = digit;
      rows[ROW[bestCell]] |= bit;
      columns[COLUMN[bestCell]] |= bit;
      boxes[BOX[bestCell]] |= bit;
      const stop = search();
      cells[bestCell] = 0;
      rows[ROW[bestCell]] &= ~bit;
      columns[COLUMN[bestCell]] &= ~bit;
      boxes[BOX[bestCell]] &= ~bit;
      if (stop) return true;
    }
    return false;
  };
  search();
  return result;
}

const DIGITS = [1, 2, 3, 4, 5, 6, 7, 8, 9];

export const sudokuGeometry = { row: ROW, column: COLUMN, box: BOX };
