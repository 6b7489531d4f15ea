import { z } from 'zod';
import { InvalidInputError } from '@trm/core';
import { MAZE_SIDES, formatMaze, parseMazeString, squareSide } from './maze-codec';
import { mazeProblem } from './maze-rules';

export interface MazePuzzle {
  readonly maze: Uint8Array;
}
export type MazeAnswer = Uint8Array;
const sides = `${MAZE_SIDES.min} to ${MAZE_SIDES.max}`;
const mazeText = z
  .string()
  .describe(`a square maze with a side from ${sides}: s lines of s characters, or s*s characters on one line; "#" wall, " " free, one "S" start, one "G" goal`);
const mazeGrid = z
  .array(z.union([z.string(), z.array(z.string().length(1))]))
  .min(MAZE_SIDES.min)
  .max(MAZE_SIDES.max)
  .refine((rows) => rows.every((row) => row.length === rows.length), 'every row has as many cells as there are rows')
  .describe(`s rows (s from ${sides}), each an s-character string or s one-character strings`);

/** The raw maze inputs `parseMazeInput` takes, as a schema (published by routers and services). */
export const mazeInputSchema = z.union([mazeText, mazeGrid, z.object({ maze: z.union([mazeText, mazeGrid]) })]);

/**
 * Accepts a square maze of side 8 to 64 as text (s lines, or s*s characters), as s rows of
 * strings or of one-character strings, or as `{ maze }`. `side` demands one size.
 */
export function parseMazeInput(input: unknown, field = 'maze', side?: number): MazePuzzle {
  let maze: Uint8Array;
  if (typeof input === 'string') maze = parseMazeString(input, field, { side });
  else if (Array.isArray(input)) {
    const rows = input.length;
    const bad = input.findIndex((row) => !((typeof row === 'string' || Array.isArray(row)) && row.length === rows));
    if (bad >= 0) throw new InvalidInputError({ field: `${field}[${bad}]`, message: `expected ${rows} cells in every one of the ${rows} rows`, value: input[bad] });
    maze = parseMazeString(input.map((row) => (Array.isArray(row) ? row.join('') : row)).join('\n'), field, { side });
  } else if (typeof input === 'object' && input !== null && 'maze' in input) {
    return parseMazeInput((input as { maze: unknown }).maze, field, side);
  } else {
    throw new InvalidInputError({ field, message: `expected a square maze (${sides} cells a side) as text or rows`, value: input });
  }
  const problem = mazeProblem(maze);
  if (problem) throw new InvalidInputError({ field, message: problem, value: formatMaze(maze) });
  return { maze };
}

/** The side of the maze this raw input looks like, or 0 when it does not look like a maze. */
export function mazeLikeSide(input: unknown): number {
  const candidate = typeof input === 'object' && input !== null && !Array.isArray(input) && 'maze' in input ? (input as { maze: unknown }).maze : input;
  let text = '';
  if (typeof candidate === 'string') {
    const lines = candidate.replace(/\r/g, '').split('\n');
    while (lines.length > 1 && lines.at(-1) === '') lines.pop();
    if (lines.length > 1 && lines.some((line) => line.length !== lines.length)) return 0;
    text = lines.join('');
  } else if (Array.isArray(candidate)) text = candidate.map((row) => (Array.isArray(row) ? row.join('') : String(row))).join('');
  const side = squareSide(text.length);
  return side >= MAZE_SIDES.min && side <= MAZE_SIDES.max && /^[# SGo]+$/.test(text) && text.includes('S') && text.includes('G') ? side : 0;
}
