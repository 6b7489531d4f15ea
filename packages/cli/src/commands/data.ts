import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidInputError } from '@trm/core';
import { writeFileAtomic } from '@trm/trainer';
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
  const out = values.out;
  let written = 0;
  // Failures of the task's generator are its own; only the file's are --out's.
  let generatorFailure: unknown;
  async function* lines() {
    let withLevel = false;
    try {
      for (const row of rows) {
        if (written >= count) break;
        // The reference format (source,question,answer,rating), with a level column when the task grades its rows.
        if (written === 0) {
          withLevel = row.level !== undefined;
          yield `source,question,answer,${withLevel ? 'level,' : ''}rating\n`;
        }
        const source = row.source ?? `trm-${task.name}-${split}-seed${seed}`;
        const cells = [source, row.question, row.answer, ...(withLevel ? [row.level ?? ''] : []), row.rating === undefined ? '' : String(row.rating)];
        yield `${cells.map(csvField).join(',')}\n`;
        written++;
      }
    } catch (error) {
      generatorFailure = error;
      throw error;
    }
  }
  try {
    await mkdir(dirname(out), { recursive: true });
    // Whole or not at all: a full disk or a failing generator leaves no truncated CSV (nor an old one half replaced).
    await writeFileAtomic(out, lines());
  } catch (error) {
    if (error === generatorFailure) throw error;
    throw new InvalidInputError({ field: '--out', message: `cannot write ${out}: ${(error as Error).message}`, value: out, cause: error });
  }
  io.stderr(`wrote ${written} ${task.name} rows (${split} split, seed ${seed}${side !== undefined ? `, ${side}x${side}` : ''}) to ${out}`);
  return 0;
}
