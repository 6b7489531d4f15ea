import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidInputError } from '@trm/core';
import { numberOption, parseCommandArguments } from '../arguments';
import { loadTask, taskArgument, taskFlags, taskOptionValues, withoutTaskArgument } from '../tasks';
import type { CliIo } from '../cli-io';

export const dataUsage = "trm data <task> --out FILE.csv [--count 1000] [--split train|test] [--seed 1] [--size S (grid tasks with several sizes)] plus the task's own options (`trm data <task> --help` lists them)";

/** A CSV field, quoted when it holds a comma, quote or line break. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes an evaluation or training set the task generates, in the reference CSV format (source,question,answer,rating; plus level when the task grades rows). */
export async function dataCommand(argv: string[], io: CliIo): Promise<number> {
  const spec = taskArgument(argv);
  const { task } = await loadTask(spec);
  if (!task.dataset) throw new InvalidInputError({ field: 'task', message: `task "${task.name}" cannot generate data sets (task.dataset)`, value: spec });
  const { values } = parseCommandArguments(withoutTaskArgument(argv, spec!), {
    out: { type: 'string' },
    count: { type: 'string' },
    split: { type: 'string' },
    seed: { type: 'string' },
    size: { type: 'string' },
    ...taskFlags(task.dataset.options),
  });
  if (!values.out) throw new InvalidInputError({ field: '--out', message: 'required: the CSV to write' });
  const split = values.split ?? 'test';
  if (split !== 'train' && split !== 'test') throw new InvalidInputError({ field: '--split', message: 'expected train or test', value: split });
  const count = numberOption(values, 'count', 1000, { integer: true, min: 1, max: 10_000_000 });
  const seed = numberOption(values, 'seed', 1, { integer: true });
  const sides = task.codec.sides;
  if (values.size !== undefined && !sides) throw new InvalidInputError({ field: '--size', message: `task ${task.name} has one size`, value: values.size });
  const side = sides && values.size !== undefined ? numberOption(values, 'size', 0, { integer: true, min: sides.min, max: sides.max }) : undefined;
  const rows = task.dataset.generate({ count, seed, split, ...(side !== undefined ? { side } : {}), ...taskOptionValues(task.dataset.options, values) });
  await mkdir(dirname(values.out), { recursive: true });
  const stream = createWriteStream(values.out);
  let written = 0;
  let withLevel = false;
  for (const row of rows) {
    if (written >= count) break;
    // The reference format (source,question,answer,rating), with a level column when the task grades its rows.
    if (written === 0) {
      withLevel = row.level !== undefined;
      stream.write(`source,question,answer,${withLevel ? 'level,' : ''}rating\n`);
    }
    const source = row.source ?? `trm-${task.name}-${split}-seed${seed}`;
    const cells = [source, row.question, row.answer, ...(withLevel ? [row.level ?? ''] : []), row.rating === undefined ? '' : String(row.rating)];
    // Waits when the file is slower than the generator, so memory stays flat on big sets.
    if (!stream.write(`${cells.map(csvField).join(',')}\n`)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
    written++;
  }
  await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  io.stderr(`wrote ${written} ${task.name} rows (${split} split, seed ${seed}${side !== undefined ? `, ${side}x${side}` : ''}) to ${values.out}`);
  return 0;
}
