import { InvalidInputError } from '@trm/core';

/** The largest side of an ARC grid (and of the canvas it is encoded on). */
export const arcMaxSide = 30;

/** A grid of colours 0-9, row by row; every row the same width, 1-30 rows of 1-30 cells. */
export type ArcGrid = number[][];

export interface ArcPair {
  input: ArcGrid;
  output: ArcGrid;
}

/** An ARC task: demonstration pairs, and test inputs (with their outputs when known). */
export interface ArcTask {
  train: ArcPair[];
  test: { input: ArcGrid; output?: ArcGrid }[];
}

/**
 * Checks one grid; the error names the exact place (`train[2].input[3][7]`) and what is wrong.
 * Returns a copy, so later changes to the caller's arrays do not reach it.
 */
export function parseArcGrid(raw: unknown, field = 'grid'): ArcGrid {
  if (!Array.isArray(raw)) throw new InvalidInputError({ field, message: 'expected a grid: a list of rows of colours 0-9', value: raw });
  if (raw.length === 0) throw new InvalidInputError({ field, message: 'a grid has at least one row', value: raw });
  if (raw.length > arcMaxSide) throw new InvalidInputError({ field, message: `at most ${arcMaxSide} rows, got ${raw.length}`, value: raw.length });
  let width: number | undefined;
  return raw.map((row: unknown, rowIndex) => {
    const rowField = `${field}[${rowIndex}]`;
    if (!Array.isArray(row)) throw new InvalidInputError({ field: rowField, message: 'expected a row: a list of colours 0-9', value: row });
    if (row.length === 0) throw new InvalidInputError({ field: rowField, message: 'a row has at least one cell', value: row });
    if (row.length > arcMaxSide) throw new InvalidInputError({ field: rowField, message: `at most ${arcMaxSide} cells, got ${row.length}`, value: row.length });
    width ??= row.length;
    if (row.length !== width) throw new InvalidInputError({ field: rowField, message: `ragged grid: this row has ${row.length} cells, row 0 has ${width}`, value: row.length });
    return row.map((cell: unknown, column) => {
      if (typeof cell !== 'number' || !Number.isInteger(cell) || cell < 0 || cell > 9) {
        throw new InvalidInputError({ field: `${rowField}[${column}]`, message: 'expected a colour: an integer 0-9', value: cell });
      }
      return cell;
    });
  });
}

/**
 * Parses an ARC task (the JSON of ARC-AGI-1/2 and ConceptARC: `{ train: [{ input, output }], test:
 * [{ input, output? }] }`). A string is read as JSON. Typed errors name the field.
 */
export function parseArcTask(raw: unknown, field = 'task'): ArcTask {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (cause) {
      throw new InvalidInputError({ field, message: `not JSON: ${(cause as Error).message}`, value: raw, cause });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidInputError({ field, message: 'expected an object with "train" and "test" lists', value });
  const { train, test } = value as { train?: unknown; test?: unknown };
  if (!Array.isArray(train) || train.length === 0) throw new InvalidInputError({ field: `${field}.train`, message: 'expected a non-empty list of {input, output} demonstration pairs', value: train });
  if (!Array.isArray(test) || test.length === 0) throw new InvalidInputError({ field: `${field}.test`, message: 'expected a non-empty list of {input} test pairs', value: test });
  const pair = (entry: unknown, at: string, needsOutput: boolean) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new InvalidInputError({ field: at, message: 'expected an object {input, output}', value: entry });
    const { input, output } = entry as { input?: unknown; output?: unknown };
    if (input === undefined) throw new InvalidInputError({ field: `${at}.input`, message: 'missing', value: entry });
    if (output === undefined && needsOutput) throw new InvalidInputError({ field: `${at}.output`, message: 'missing: a demonstration pair needs its output', value: entry });
    return { input: parseArcGrid(input, `${at}.input`), ...(output === undefined ? {} : { output: parseArcGrid(output, `${at}.output`) }) };
  };
  return {
    train: train.map((entry, index) => pair(entry, `${field}.train[${index}]`, true) as ArcPair),
    test: test.map((entry, index) => pair(entry, `${field}.test[${index}]`, false)),
  };
}

/** True when two grids have the same shape and colours. */
export function sameArcGrid(a: ArcGrid, b: ArcGrid): boolean {
  return a.length === b.length && a.every((row, index) => row.length === b[index]!.length && row.every((cell, column) => cell === b[index]![column]));
}
