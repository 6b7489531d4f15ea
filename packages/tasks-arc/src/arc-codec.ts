import { type ArcGrid, arcMaxSide } from './arc-task';

/** Tokens on the canvas: pad, end-of-grid, then colours 0-9 as 2-11 (the reference's layout). */
export const arcTokens = { pad: 0, eos: 1, colourOffset: 2 } as const;
export const arcVocabulary = ['<pad>', '<eos>', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
/** The reference canvas is 30x30: 900 tokens, row by row. */
export const arcSequenceLength = arcMaxSide * arcMaxSide;

/**
 * A grid on a side x side canvas (30 by default, the reference's) at `offset` (top-left unless
 * translated, in training only): colours as tokens 2-11, end-of-grid tokens on the row below and
 * the column right of the grid (where they fit), pad elsewhere.
 */
export function encodeArcGrid(grid: ArcGrid, offset: { row: number; column: number } = { row: 0, column: 0 }, side: number = arcMaxSide): Int32Array {
  if (!Number.isInteger(side) || side < 1 || side > arcMaxSide) throw new RangeError(`canvas side ${side}: expected an integer from 1 to ${arcMaxSide}`);
  const tokens = new Int32Array(side * side); // all pad (0)
  const height = grid.length;
  const width = grid[0]!.length;
  if (offset.row < 0 || offset.column < 0 || offset.row + height > side || offset.column + width > side) {
    throw new RangeError(`a ${height}x${width} grid at (${offset.row}, ${offset.column}) does not fit the ${side}x${side} canvas`);
  }
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) tokens[(offset.row + row) * side + offset.column + column] = grid[row]![column]! + arcTokens.colourOffset;
  }
  const below = offset.row + height;
  const right = offset.column + width;
  if (below < side) for (let column = offset.column; column <= Math.min(right, side - 1); column++) tokens[below * side + column] = arcTokens.eos;
  if (right < side) for (let row = offset.row; row < below; row++) tokens[row * side + right] = arcTokens.eos;
  return tokens;
}

const isColour = (token: number) => token >= arcTokens.colourOffset && token < arcTokens.colourOffset + 10;

/**
 * The grid a square canvas (side = sqrt of the token count, at most 30) holds at its top-left:
 * width = the colours before the first non-colour token of row 0, height = the rows that start
 * with a colour; every cell inside must be a colour. Null when there is no such grid (the model's
 * answer is not a grid at all) or the tokens are not a canvas.
 */
export function decodeArcGrid(tokens: ArrayLike<number>): ArcGrid | null {
  const side = Math.round(Math.sqrt(tokens.length));
  if (side * side !== tokens.length || side < 1 || side > arcMaxSide) return null;
  let width = 0;
  while (width < side && isColour(tokens[width]!)) width++;
  let height = 0;
  while (height < side && isColour(tokens[height * side]!)) height++;
  if (width === 0 || height === 0) return null;
  const grid: ArcGrid = [];
  for (let row = 0; row < height; row++) {
    const cells: number[] = [];
    for (let column = 0; column < width; column++) {
      const token = tokens[row * side + column]!;
      if (!isColour(token)) return null;
      cells.push(token - arcTokens.colourOffset);
    }
    grid.push(cells);
  }
  return grid;
}
