import { InvalidInputError } from '@trm/core';

/** Token ids of the reference encoding: pad 0, blank 1, digit d as d + 1. */
export const SUDOKU_PAD = 0;
export const SUDOKU_BLANK = 1;
export const sudokuVocabulary = ['<pad>', '.', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** Parses 81 characters: digits 1-9, and `.` or `0` for blanks. Whitespace and `|`, `-`, `+` separators are ignored. */
export function parseSudokuString(text: string, field = 'puzzle'): Uint8Array {
  const compact = text.replace(/[\s|+\-]/g, '');
  if (compact.length !== 81) {
    throw new InvalidInputError({ field, message: `expected 81 cells, got ${compact.length}`, value: text });
  }
  const grid = new Uint8Array(81);
  for (let cell = 0; cell < 81; cell++) {
    const char = compact[cell];
    if (char === '.' || char === '0') continue;
    if (char < '1' || char > '9') {
      throw new InvalidInputError({ field, message: `cell ${cell} (row ${Math.floor(cell / 9) + 1}, column ${(cell % 9) + 1}) is "${char}"; use 1-9, "." or "0"`, value: text });
    }
    grid[cell] = char.charCodeAt(0) - 48;
  }
  return grid;
}

export function formatSudoku(grid: ArrayLike<number>, blank = '.'): string {
  let out = '';
  for (let cell = 0; cell < 81; cell++) out += grid[cell] === 0 ? blank : String(grid[cell]);
  return out;
}

/** A 9-line board with box separators, for terminals. */
export function prettySudoku(grid: ArrayLike<number>): string {
  const lines: string[] = [];
  for (let row = 0; row < 9; row++) {
    if (row > 0 && row % 3 === 0) lines.push('------+-------+------');
    const cells: string[] = [];
    for (let column = 0; column < 9; column++) {
      if (column > 0 && column % 3 === 0) cells.push('|');
      const digit = grid[row * 9 + column];
      cells.push(digit === 0 ? '.' : String(digit));
    }
    lines.push(cells.join(' '));
  }
  return lines.join('\n');
}

export function encodeSudoku(grid: ArrayLike<number>): Int32Array {
  const tokens = new Int32Array(81);
  for (let cell = 0; cell < 81; cell++) tokens[cell] = grid[cell] + 1;
  return tokens;
}

/** Token ids to digits; anything that is not a digit token decodes as 0 (unknown). */
export function decodeSudoku(tokens: ArrayLike<number>): Uint8Array {
  const grid = new Uint8Array(81);
  for (let cell = 0; cell < 81; cell++) {
    const token = tokens[cell];
    grid[cell] = token >= 2 && token <= 10 ? token - 1 : 0;
  }
  return grid;
}
