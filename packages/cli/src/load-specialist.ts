import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InvalidInputError, ModelLoadError, type SpecialistV1, parseModelManifest } from '@trm/core';
import { createSudoku } from '@trm/tasks-sudoku';

export const tasks = ['sudoku'] as const;
export type TaskName = (typeof tasks)[number];

export function parseTask(value: string | undefined): TaskName {
  if (!value || !(tasks as readonly string[]).includes(value)) {
    throw new InvalidInputError({ field: 'task', message: `expected one of: ${tasks.join(', ')}`, value });
  }
  return value as TaskName;
}

/** The task's specialist with the packaged model, or with the model whose manifest path is given. */
export async function loadSpecialist(task: TaskName, manifestPath?: string): Promise<SpecialistV1<any, any>> {
  if (!manifestPath) return createSudoku();
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    throw new ModelLoadError({ source: manifestPath, message: `cannot read manifest: ${(error as Error).message}`, field: '--model', cause: error });
  }
  const manifest = parseModelManifest(manifestJson);
  return createSudoku({ model: { manifest, weights: join(dirname(manifestPath), manifest.weights[0]!.path) } });
}
