import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@trm/core';
import { builtInTaskPackage, builtInTasks, loadTask } from './tasks';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

describe('core, trainer and cli know no task by name', () => {
  it('only the built-in list in cli/src/tasks.ts names a built-in task', () => {
    const names = Object.keys(builtInTasks);
    expect(names.length).toBeGreaterThan(0);
    const pattern = new RegExp(`\\b(${names.join('|')})(s|es)?\\b`, 'i');
    const files = ['packages/core/src', 'packages/trainer/src', 'packages/cli/src'].flatMap((folder) => sources(join(root, folder)));
    expect(files.length).toBeGreaterThan(20);
    const hits = files
      .filter((file) => relative(root, file) !== join('packages', 'cli', 'src', 'tasks.ts'))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, index) => ({ line, where: `${relative(root, file)}:${index + 1}` }))
          .filter(({ line }) => pattern.test(line))
          .map(({ line, where }) => `${where}: ${line.trim()}`),
      );
    expect(hits).toEqual([]);
    // The list itself names each built-in once, with its package.
    const list = readFileSync(join(root, 'packages/cli/src/tasks.ts'), 'utf8').split('\n').filter((line) => pattern.test(line));
    expect(list.length).toBe(1);
  });
});

describe('a task name that is an Object.prototype property', () => {
  it('is no built-in task: `toString`, `constructor` and `__proto__` are unknown tasks naming the field', async () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(builtInTaskPackage(name)).toBeUndefined();
      const error = await loadTask(name).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).field).toBe('task');
      expect((error as Error).message).toContain(`unknown task "${name}"`);
    }
    expect(builtInTaskPackage('sudoku')).toBe('@trm/tasks-sudoku');
  });
});
