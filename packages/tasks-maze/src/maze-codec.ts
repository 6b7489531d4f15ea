import { InvalidInputError } from '@trm/core';

export const MAZE_SIZE = 30;
export const MAZE_CELLS = MAZE_SIZE * MAZE_SIZE;

/** Cell codes, equal to the reference token ids: pad 0, wall 1, free 2, start 3, goal 4, path 5. */
export const MazeCell = { wall: 1, free: 2, start: 3, goal: 4, path: 5 } as const;
export const mazeVocabulary = ['<pad>', '#', ' ', 'S', 'G', 'o'] as const;
const charToCell: Record<string, number> = { '#': 1, ' ': 2, S: 3, G: 4, o: 5 };

/** A maze grid: 900 cell codes, row-major. */
export type MazeGrid = Uint8Array;

/**
 * Parses the reference text form: 900 characters (or 30 lines of 30), `#` wall, space free,
 * `S` start, `G` goal, and in answers `o` on the path.
 */
export function parseMazeString(text: string, field = 'maze', options: { allowPath?: boolean } = {}): MazeGrid {
  const compact = text.includes('\n') ? text.replace(/\r/g, '').split('\n').filter((line) => line.length > 0).join('') : text;
  if (compact.length !== MAZE_CELLS) {
    throw new InvalidInputError({ field, message: `expected ${MAZE_CELLS} cells (30x30), got ${compact.length}`, value: text });
  }
  const grid = new Uint8Array(MAZE_CELLS);
  for (let cell = 0; cell < MAZE_CELLS; cell++) {
    const code = charToCell[compact[cell]!];
    if (code === undefined || (code === MazeCell.path && !options.allowPath)) {
      throw new InvalidInputError({
        field,
        message: `cell ${cell} (row ${Math.floor(cell / MAZE_SIZE) + 1}, column ${(cell % MAZE_SIZE) + 1}) is ${JSON.stringify(compact[cell])}; use "#", " ", "S", "G"${options.allowPath ? ' or "o"' : ''}`,
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

/** 30 lines for terminals. */
export function prettyMaze(grid: ArrayLike<number>): string {
  const text = formatMaze(grid);
  const lines: string[] = [];
  for (let row = 0; row < MAZE_SIZE; row++) lines.push(text.slice(row * MAZE_SIZE, (row + 1) * MAZE_SIZE));
  return lines.join('\n');
}

/** Cell codes are the token ids. */
export function encodeMaze(grid: ArrayLike<number>): Int32Array {
  return Int32Array.from(grid as ArrayLike<number>);
}

/** Token ids to cells; pad decodes as free. */
export function decodeMaze(tokens: ArrayLike<number>): MazeGrid {
  return Uint8Array.from({ length: MAZE_CELLS }, (_, cell) => {
    const token = tokens[cell]!;
    return token >= 1 && token <= 5 ? token : MazeCell.free;
  });
}
