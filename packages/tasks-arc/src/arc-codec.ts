import { type ArcGrid, arcMaxSide } from './arc-task';

/** Tokens on the canvas: pad, end-of-grid, then colours 0-9 as 2-11 (the reference's layout). */
export const arcTokens = { pad: 0, eos: 1, colourOffset: 2 } as const;
export const arcVocabulary = ['<pad>', '<eos>', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
/** The canvas is 30x30: 900 tokens, row by row. */
export const arcSequenceLength = arcMaxSide * arcMaxSide;

/**
 * A grid on the 30x30 canvas at `offset` (top-left by default; translations only in training):
 * colours as tokens 2-11, end-of-grid tokens on the row below and the column right of the grid
 * (where they fit), pad elsewhere.
 */
export function encodeArcGrid(grid: ArcGrid, offset: { row: number; column: number } = { row: 0, column: 0 }): Int32Array {
  const tokens = new Int32Array(arcSequenceLength); // all pad (0)
  const height = grid.length;
  const width = grid[0]!.length;
  if (offset.row < 0 || offset.column < 0 || offset.row + height > arcMaxSide || offset.column + width > arcMaxSide) {
    throw new RangeError(`a ${height}x${width} grid at (${offset.row}, ${offset.column}) does not fit the ${arcMaxSide}x${arcMaxSide} canvas`);
  }
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) tokens[(offset.row + row) * arcMaxSide + offset.column + column] = grid[row]![column]! + arcTokens.colourOffset;
  }
  const below = offset.row + height;
  const right = offset.column + width;
  if (below < arcMaxSide) for (let column = offset.column; column <= Math.min(right, arcMaxSide - 1); column++) tokens[below * arcMaxSide + column] = arcTokens.eos;
  if (right < arcMaxSide) for (let row = offset.row; row < below; row++) tokens[row * arcMaxSide + right] = arcTokens.eos;
  return tokens;
}

const isColour = (token: number) => token >= arcTokens.colourOffset && token < arcTokens.colourOffset + 10;

/**
 * The grid a canvas holds at its top-left: width = the colours before the first non-colour token
 * of row 0, height = the rows that start with a colour; every cell inside must be a colour.
 * Null when there is no such grid (the model's answer is not a grid at all).
 */
export function decodeArcGrid(tokens: ArrayLike<number>): ArcGrid | null {
  if (tokens.length !== arcSequenceLength) return null;
  let width = 0;
  while (width < arcMaxSide && isColour(tokens[width]!)) width++;
  let height = 0;
  while (height < arcMaxSide && isColour(tokens[height * arcMaxSide]!)) height++;
  if (width === 0 || height === 0) return null;
  const grid: ArcGrid = [];
  for (let row = 0; row < height; row++) {
    const cells: number[] = [];
    for (let column = 0; column < width; column++) {
      const token = tokens[row * arcMaxSide + column]!;
      if (!isColour(token)) return null;
      cells.push(token - arcTokens.colourOffset);
    }
    grid.push(cells);
  }
  return grid;
}
