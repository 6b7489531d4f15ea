import { sudokuGeometry } from './sudoku-solver';

/**
 * True when no digit repeats in a row, column or box; blanks (0) are skipped, and anything
 * other than 0-9 fails.
 */
function noRepeats(grid: ArrayLike<number>): boolean {
  const rows = new Uint16Array(9);
  const columns = new Uint16Array(9);
  const boxes = new Uint16Array(9);
  const { row, column, box } = sudokuGeometry;
  for (let cell = 0; cell < 81; cell++) {
    const digit = grid[cell]!;
    if (digit === 0) continue;
    if (!Number.isInteger(digit) || digit < 1 || digit > 9) return false;
    const bit = 1 << (digit - 1);
    if (rows[row[cell]!]! & bit || columns[column[cell]!]! & bit || boxes[box[cell]!]! & bit) return false;
    rows[row[cell]!]! |= bit;
    columns[column[cell]!]! |= bit;
    boxes[box[cell]!]! |= bit;
  }
  return true;
}

/** True when `solution` is a complete grid obeying every rule and keeping every given of `puzzle`. */
export function isValidSolution(puzzle: ArrayLike<number>, solution: ArrayLike<number>): boolean {
  if (solution.length !== 81 || puzzle.length !== 81) return false;
  for (let cell = 0; cell < 81; cell++) {
    if (solution[cell] === 0) return false;
    if (puzzle[cell] !== 0 && puzzle[cell] !== solution[cell]) return false;
  }
  return noRepeats(solution);
}

/** True when no two givens clash (the puzzle may still have zero or many solutions). */
export function hasConsistentGivens(puzzle: ArrayLike<number>): boolean {
  return noRepeats(puzzle);
}

/** Two cells holding the same digit in one row, column or box. */
export interface SudokuClash {
  cells: [number, number];
  digit: number;
  unit: 'row' | 'column' | 'box';
  /** 0-8: which row, column or box (boxes numbered left to right, top to bottom). */
  index: number;
}

/**
 * Every pair of filled cells that break a rule, each pair once per unit it shares; blanks (0)
 * are skipped. For pointing at the cells: a page highlights them, an error names them.
 */
export function sudokuClashes(grid: ArrayLike<number>): SudokuClash[] {
  const clashes: SudokuClash[] = [];
  const { row, column, box } = sudokuGeometry;
  const units = [
    ['row', row],
    ['column', column],
    ['box', box],
  ] as const;
  for (let first = 0; first < 81; first++) {
    const digit = grid[first]!;
    if (!digit) continue;
    for (let second = first + 1; second < 81; second++) {
      if (grid[second] !== digit) continue;
      for (const [unit, of] of units) if (of[first] === of[second]) clashes.push({ cells: [first, second], digit, unit, index: of[first]! });
    }
  }
  return clashes;
}

/** "5 twice in row 1 (r1c2, r1c7)": a clash in words, rows and columns counted from 1. */
export function describeSudokuClash({ cells, digit, unit, index }: SudokuClash): string {
  const name = (cell: number) => `r${Math.floor(cell / 9) + 1}c${(cell % 9) + 1}`;
  return `${digit} twice in ${unit} ${index + 1} (${name(cells[0])}, ${name(cells[1])})`;
}
