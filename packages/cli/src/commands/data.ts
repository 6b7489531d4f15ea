import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidInputError } from '@trm/core';
import { MAZE_SIDES, MAZE_SIZE, type MazeBand, createMazeGenerator, formatMaze, mazeBandRange, mazeBands } from '@trm/tasks-maze';
import { numberOption, parseCommandArguments } from '../arguments';
import type { CliIo } from '../main';

export const dataUsage = 'trm data maze --out FILE.csv [--count 1000] [--band short|medium|long|hard] [--size 30 (side 8-64; bands scale with it)] [--split train|test] [--seed 1]';

/** Writes generated evaluation or training sets in the reference CSV format (source,question,answer,rating). */
export async function dataCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArguments(argv, {
    out: { type: 'string' },
    count: { type: 'string' },
    band: { type: 'string' },
    split: { type: 'string' },
    seed: { type: 'string' },
    size: { type: 'string' },
  });
  if (positionals[0] !== 'maze') throw new InvalidInputError({ field: 'task', message: 'data generation is available for: maze', value: positionals[0] });
  if (!values.out) throw new InvalidInputError({ field: '--out', message: 'required: the CSV to write' });
  const band = (values.band ?? 'hard') as MazeBand;
  if (!(band in mazeBands)) throw new InvalidInputError({ field: '--band', message: `expected one of ${Object.keys(mazeBands).join(', ')}`, value: band });
  const split = values.split ?? 'test';
  if (split !== 'train' && split !== 'test') throw new InvalidInputError({ field: '--split', message: 'expected train or test', value: split });
  const count = numberOption(values, 'count', 1000, { integer: true, min: 1 });
  const seed = numberOption(values, 'seed', 1, { integer: true });
  const side = numberOption(values, 'size', MAZE_SIZE, { integer: true, min: MAZE_SIDES.min, max: MAZE_SIDES.max });
  const generator = createMazeGenerator({ seed, band, split, side });
  await mkdir(dirname(values.out), { recursive: true });
  const stream = createWriteStream(values.out);
  stream.write('source,question,answer,rating\n');
  const source = `trm-maze${side === MAZE_SIZE ? '' : `${side}x${side}`}-${band}-${split}-seed${seed}`;
  for (let index = 0; index < count; index++) {
    const { maze, answer, pathLength } = generator.next();
    stream.write(`${source},${formatMaze(maze)},${formatMaze(answer)},${pathLength}\n`);
  }
  await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  const range = mazeBandRange(band, side);
  io.stderr(`wrote ${count} ${side}x${side} ${band} mazes (paths ${range.min}-${range.max >= 10_000 ? '' : range.max} moves, ${split} split, seed ${seed}) to ${values.out}`);
  return 0;
}
