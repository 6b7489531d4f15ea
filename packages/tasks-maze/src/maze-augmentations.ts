import { mazeSide } from './maze-codec';

/** The 8 symmetries of the square: 4 rotations, each optionally mirrored. */
export type MazeSymmetry = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const mazeSymmetries: readonly MazeSymmetry[] = [0, 1, 2, 3, 4, 5, 6, 7];

function mapCell(symmetry: MazeSymmetry, side: number, row: number, column: number): number {
  const last = side - 1;
  let r = row;
  let c = column;
  if (symmetry >= 4) c = last - c; // mirror first
  for (let turn = 0; turn < symmetry % 4; turn++) [r, c] = [c, last - r]; // then rotate 90 degrees clockwise
  return r * side + c;
}

export function applyMazeSymmetry(symmetry: MazeSymmetry, grid: ArrayLike<number>): Uint8Array {
  const side = mazeSide(grid);
  const out = new Uint8Array(grid.length);
  for (let cell = 0; cell < grid.length; cell++) out[mapCell(symmetry, side, Math.floor(cell / side), cell % side)] = grid[cell]!;
  return out;
}

export function invertMazeSymmetry(symmetry: MazeSymmetry, grid: ArrayLike<number>): Uint8Array {
  const side = mazeSide(grid);
  const out = new Uint8Array(grid.length);
  for (let cell = 0; cell < grid.length; cell++) out[cell] = grid[mapCell(symmetry, side, Math.floor(cell / side), cell % side)]!;
  return out;
}
