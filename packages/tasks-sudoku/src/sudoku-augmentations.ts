import type { Random } from '@trm/core';

/**
 * A validity-preserving transformation of a sudoku: digits relabelled, optionally transposed,
 * bands and stacks permuted, rows within bands and columns within stacks permuted.
 * `cellSource[i]` is the cell of the original grid that lands on cell i.
 */
export interface SudokuAugmentation {
  readonly digitMap: Uint8Array; // index: original digit 0..9 (0 stays 0)
  readonly cellSource: Uint8Array;
}

export function randomSudokuAugmentation(random: Random): SudokuAugmentation {
  const digits = random.shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const digitMap = new Uint8Array(10);
  digits.forEach((digit, index) => (digitMap[index + 1] = digit));
  const lines = () => random.shuffle([0, 1, 2]).flatMap((band) => random.shuffle([0, 1, 2]).map((line) => band * 3 + line));
  const rows = lines();
  const columns = lines();
  const transpose = random.next() < 0.5;
  const cellSource = new Uint8Array(81);
  for (let row = 0; row < 9; row++) {
    for (let column = 0; column < 9; column++) {
      const sourceRow = rows[row];
      const sourceColumn = columns[column];
      cellSource[row * 9 + column] = transpose ? sourceColumn * 9 + sourceRow : sourceRow * 9 + sourceColumn;
    }
  }
  return { digitMap, cellSource };
}

export function applySudokuAugmentation(augmentation: SudokuAugmentation, grid: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(81);
  for (let cell = 0; cell < 81; cell++) out[cell] = augmentation.digitMap[grid[augmentation.cellSource[cell]]];
  return out;
}

/** Maps an answer on the augmented grid back to the original grid. */
export function invertSudokuAugmentation(augmentation: SudokuAugmentation, grid: ArrayLike<number>): Uint8Array {
  const inverseDigit = new Uint8Array(10);
  for (let digit = 0; digit < 10; digit++) inverseDigit[augmentation.digitMap[digit]] = digit;
  const out = new Uint8Array(81);
  for (let cell = 0; cell < 81; cell++) out[augmentation.cellSource[cell]] = inverseDigit[grid[cell]];
  return out;
}
