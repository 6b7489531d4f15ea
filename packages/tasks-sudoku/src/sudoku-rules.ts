import { sudokuGeometry } from './sudoku-solver';

/** True when `solution` is a complete grid obeying every rule and keeping every given of `puzzle`. */
export function isValidSolution(puzzle: ArrayLike<number>, solution: ArrayLike<number>): boolean {
  if (solution.length !== 81 || puzzle.length !== 81) return false;
  const rows = new Uint16Array(9);
  const columns = new Uint16Array(9);
  const boxes = new Uint16Array(9);
  for (let cell = 0; cell < 81; cell++) {
    const digit = solution[cell];
    if (!Number.isInteger(digit) || digit < 1 || digit > 9) return false;
    if (puzzle[cell] !== 0 && puzzle[cell] !== digit) return false;
    const bit = 1 << (digit - 1);
    const { row, column, box } = sudokuGeometry;
    if (rows[row[cell]] & bit || columns[column[cell]] & bit || boxes[box[cell]] & bit) return false;
    rows[row[cell]] |= bit;
    columns[column[cell]] |= bit;
    boxes[box[cell]] |= bit;
  }
  return true;
}

/** True when no two givens clash (the puzzle may still have zero or many solutions). */
export function hasConsistentGivens(puzzle: ArrayLike<number>): boolean {
  const rows = new Uint16Array(9);
  const columns = new Uint16Array(9);
  const boxes = new Uint16Array(9);
  for (let cell = 0; cell < 81; cell++) {
    const digit = puzzle[cell];
    if (digit === 0) continue;
    const bit = 1 << (digit - 1);
    const { row, column, box } = sudokuGeometry;
    if (rows[row[cell]] & bit || columns[column[cell]] & bit || boxes[box[cell]] & bit) return false;
    rows[row[cell]] |= bit;
    columns[column[cell]] |= bit;
    boxes[box[cell]] |= bit;
  }
  return true;
}
