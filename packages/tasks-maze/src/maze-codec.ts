import { InvalidInputError } from '@trm/core';

/** The reference's side (Maze-Hard is 30x30); the default of the generator and the data command. */
export const MAZE_SIZE = 30;
export const MAZE_CELLS = MAZE_SIZE * MAZE_SIZE;
/** The square sides the codec, the specialist and the router accept. */
export const MAZE_SIDES = { min: 8, max: 64 } as const;

/** Cell codes, equal to the reference token ids: pad 0, wall 1, free 2, start 3, goal 4, path 5. */
export const MazeCell = { wall: 1, free: 2, start: 3, goal: 4, path: 5 } as const;
export const mazeVocabulary = ['<pad>', '#', ' ', 'S', 'G', 'o'] as const;
const charToCell: Record<string, number> = { '#': 1, ' ': 2, S: 3, G: 4, o: 5 };

/** A square maze grid of side s: s*s cell codes, row-major. */
export type MazeGrid = Uint8Array;

/** The side of a square grid of `cells` cells, or -1 when `cells` is not a square. */
export function squareSide(cells: number): number {
  const side = Math.round(Math.sqrt(cells));
  return side * side === cells ? side : -1;
}

/** The side of a maze grid (its length must be a square; every maze function assumes it). */
export function mazeSide(grid: ArrayLike<number>): number {
  const side = squareSide(grid.length);
  if (side < 0) throw new InvalidInputError({ field: 'maze', message: `${grid.length} cells is not a square grid`, value: grid.length });
  return side;
}

/**
 * Parses the reference text form of a square maze with a side from 8 to 64: s lines of s
 * characters, or s*s characters on one line. `#` wall, space free, `S` start, `G` goal, and in
 * answers `o` on the path. Spaces are cells: lines are never trimmed.
 */
export function parseMazeString(text: string, field = 'maze', options: { allowPath?: boolean; side?: number } = {}): MazeGrid {
  let compact = text;
  if (text.includes('\n')) {
    const lines = text.replace(/\r/g, '').split('\n');
    // Only empty lines at the end (a final newline) are dropped; a row of spaces is a row.
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    const ragged = lines.findIndex((line) => line.length !== lines.length);
    if (ragged >= 0) {
      throw new InvalidInputError({ field, message: `line ${ragged + 1} has ${lines[ragged]!.length} cells; a maze of ${lines.length} lines needs ${lines.length} on each`, value: text });
    }
    compact = lines.join('');
  }
  const side = squareSide(compact.length);
  const expected = options.side;
  if (side < MAZE_SIDES.min || side > MAZE_SIDES.max || (expected !== undefined && side !== expected)) {
    const wanted = expected !== undefined ? `${expected * expected} cells (${expected}x${expected})` : `a square of ${MAZE_SIDES.min}x${MAZE_SIDES.min} to ${MAZE_SIDES.max}x${MAZE_SIDES.max} cells`;
    throw new InvalidInputError({ field, message: `expected ${wanted}, got ${compact.length} cells`, value: text });
  }
  const grid = new Uint8Array(compact.length);
  for (let cell = 0; cell < compact.length; cell++) {
    const code = charToCell[compact[cell]!];
    if (code === undefined || (code === MazeCell.path && !options.allowPath)) {
      throw new InvalidInputError({
        field,
        message: `cell ${cell} (row ${Math.floor(cell / side) + 1}, column ${(cell % side) + 1}) is ${JSON.stringify(compact[cell])}; use "#", " ", "S", "G"${options.allowPath ? ' or "o"' : ''}`,
        value: text,
      });
    }
    grid[cell] = code;
  }
  return grid;
}

export function formatMaze(grid: ArrayLike<number>): string {
  let out = '';
  for (let cell = 0; cell < grid.length; cell++) out += mazeVocabulary[grid[cell]!] ?? '?';
  return out;
}

/** One line per row, for terminals. */
export function prettyMaze(grid: ArrayLike<number>): string {
  const side = mazeSide(grid);
  const text = formatMaze(grid);
  const lines: string[] = [];
  for (let row = 0; row < side; row++) lines.push(text.slice(row * side, (row + 1) * side));
  return lines.join('\n');
}

/** Cell codes are the token ids. */
export function encodeMaze(grid: ArrayLike<number>): Int32Array {
  return Int32Array.from(grid as ArrayLike<number>);
}

/** Token ids to cells; pad decodes as free. */
export function decodeMaze(tokens: ArrayLike<number>): MazeGrid {
  return Uint8Array.from({ length: tokens.length }, (_, cell) => {
    const token = tokens[cell]!;
    return token >= 1 && token <= 5 ? token : MazeCell.free;
  });
}
