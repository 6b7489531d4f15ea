import { InvalidInputError } from '@trm/core';
import { type ArcTask, parseArcTask } from './arc-task';

export interface NamedArcTask {
  /** The file name without `.json` (ARC's task id, e.g. `007bbfb7`). */
  readonly name: string;
  readonly task: ArcTask;
}

type NodeFs = typeof import('node:fs');
type NodePath = typeof import('node:path');

/** node:fs without a static import, so the package still bundles for browsers (Node >= 20.16). */
function nodeModules(field: string): { fs: NodeFs; path: NodePath } {
  const get = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process?.getBuiltinModule;
  if (!get) throw new InvalidInputError({ field, message: 'reading ARC task files needs Node.js 20.16 or later' });
  return { fs: get('node:fs') as NodeFs, path: get('node:path') as NodePath };
}

/**
 * ARC tasks from folders of task JSON files (or single files), in sorted name order so the same
 * folders always give the same puzzle identifiers. Names must be unique across all the paths.
 */
export function readArcTasks(paths: readonly string[], field = 'data'): NamedArcTask[] {
  const { fs, path } = nodeModules(field);
  if (paths.length === 0) throw new InvalidInputError({ field, message: 'give at least one folder of ARC task JSON files' });
  const files: string[] = [];
  for (const given of paths) {
    let stats: import('node:fs').Stats;
    try {
      stats = fs.statSync(given);
    } catch (cause) {
      throw new InvalidInputError({ field, message: `cannot read ${given}`, value: given, cause });
    }
    if (stats.isDirectory()) {
      const found = fs.readdirSync(given).filter((name) => name.endsWith('.json')).sort();
      if (found.length === 0) throw new InvalidInputError({ field, message: `no .json task files in ${given}`, value: given });
      files.push(...found.map((name) => path.join(given, name)));
    } else files.push(given);
  }
  const seen = new Map<string, string>();
  return files.map((file) => {
    const name = path.basename(file).replace(/\.json$/, '');
    const earlier = seen.get(name);
    if (earlier) throw new InvalidInputError({ field, message: `two tasks named ${name}: ${earlier} and ${file}`, value: file });
    seen.set(name, file);
    return { name, task: parseArcTask(fs.readFileSync(file, 'utf8'), path.basename(file)) };
  });
}
