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
