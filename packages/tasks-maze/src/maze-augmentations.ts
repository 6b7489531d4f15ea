import { MAZE_CELLS, MAZE_SIZE } from './maze-codec';

/** The 8 symmetries of the square: 4 rotations, each optionally mirrored. */
export type MazeSymmetry = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const mazeSymmetries: readonly MazeSymmetry[] = [0, 1, 2, 3, 4, 5, 6, 7];

function mapCell(symmetry: MazeSymmetry, row: number, column: number): number {
  const last = MAZE_SIZE - 1;
  let r = row;
  let c = column;
  if (symmetry >= 4) c = last - c; // mirror first
  for (let turn = 0; turn < symmetry % 4; turn++) [r, c] = [c, last - r]; // then rotate 90 degrees clockwise
  return r * MAZE_SIZE + c;
}

export function applyMazeSymmetry(symmetry: MazeSymmetry, grid: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(MAZE_CELLS);
  for (let cell = 0; cell < MAZE_CELLS; cell++) out[mapCell(symmetry, Math.floor(cell / MAZE_SIZE), cell % MAZE_SIZE)] = grid[cell]!;
  return out;
}

export function invertMazeSymmetry(symmetry: MazeSymmetry, grid: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(MAZE_CELLS);
  for (let cell = 0; cell < MAZE_CELLS; cell++) out[cell] = grid[mapCell(symmetry, Math.floor(cell / MAZE_SIZE), cell % MAZE_SIZE)]!;
  return out;
}
