import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  InvalidInputError,
  type SpecialistV1,
  type TaskOptionV1,
  type TaskV1,
  createSpecialist,
  readModelSource,
  parseTaskDefinition,
} from '@trm/core';

/**
 * The built-in tasks: names the CLI knows without `--task <module>`, and the package each comes
 * from. The one place a task is named in the CLI; any other task is a module path or package name.
 */
export const builtInTasks: Readonly<Record<string, string>> = { sudoku: '@trm/tasks-sudoku', maze: '@trm/tasks-maze', arc: '@trm/tasks-arc' };

/** The package of a built-in task, or undefined: own names only (`toString` is not a task). */
export function builtInTaskPackage(name: string): string | undefined {
  return Object.hasOwn(builtInTasks, name) ? builtInTasks[name] : undefined;
}

/** A task and where it was loaded from (so a worker thread can load it again). */
export interface LoadedTask {
  readonly task: TaskV1<any, any>;
  /** URL of the module that exports it. */
  readonly module: string;
  /** The export that holds it. */
  readonly exportName: string;
}

/** The task a command names: `--task X` anywhere, or its first argument when that is not a flag. */
export function taskArgument(argv: readonly string[]): string | undefined {
  const flag = argv.indexOf('--task');
  if (flag >= 0) return argv[flag + 1];
  const inline = argv.find((arg) => arg.startsWith('--task='));
  if (inline) return inline.slice('--task='.length);
  return argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
}

/** The arguments without the task: the `--task X` pair, or the leading task name. */
export function withoutTaskArgument(argv: readonly string[], spec: string): string[] {
  const flag = argv.indexOf('--task');
  if (flag >= 0) return [...argv.slice(0, flag), ...argv.slice(flag + 2)];
  const inline = argv.findIndex((arg) => arg.startsWith('--task='));
  if (inline >= 0) return [...argv.slice(0, inline), ...argv.slice(inline + 1)];
  return argv[0] === spec ? argv.slice(1) : [...argv];
}

const cache = new Map<string, Promise<LoadedTask>>();

/**
 * Loads a task: a built-in name, a module file (`./my-task.js`), or an installed package name,
 * resolved from the current directory. The module's default export, its `task` export, or its
 * one export shaped like a task is checked against the task contract.
 */
export function loadTask(spec: string | undefined): Promise<LoadedTask> {
  if (!spec) throw new InvalidInputError({ field: 'task', message: `give a task: ${Object.keys(builtInTasks).join(', ')}, a module file, or a package name (--task)` });
  let loading = cache.get(spec);
  if (!loading) {
    loading = importTask(spec);
    cache.set(spec, loading);
    loading.catch(() => cache.delete(spec));
  }
  return loading;
}

async function importTask(spec: string): Promise<LoadedTask> {
  const module = moduleUrl(spec);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(module)) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidInputError({ field: 'task', message: `cannot load task module ${spec}: ${String((error as Error)?.message ?? error).split('\n')[0]}${importAdvice(error, module)}`, value: spec, cause: error });
  }
  const looksLikeTask = (value: unknown) => typeof value === 'object' && value !== null && (value as { specificationVersion?: unknown }).specificationVersion === 'v1' && 'codec' in value;
  const named = ['default', 'task'].find((name) => looksLikeTask(exports[name]));
  const candidates = named ? [named] : Object.keys(exports).filter((name) => looksLikeTask(exports[name]));
  if (candidates.length !== 1) {
    throw new InvalidInputError({ field: 'task', message: candidates.length === 0 ? `${spec} exports no task (an object with specificationVersion 'v1' and a codec)` : `${spec} exports several tasks (${candidates.join(', ')}): export one as "task" or default`, value: spec });
  }
  const exportName = candidates[0]!;
  const task = parseTaskDefinition(exports[exportName], `task (${spec})`);
  const builtIn = builtInTaskPackage(task.name);
  if (builtIn !== undefined && module !== import.meta.resolve(builtIn)) {
    // Model ids start with the task's name: a user task named like a built-in would load its models.
    throw new InvalidInputError({ field: 'task.name', message: `"${task.name}" is a built-in task's name: give yours another`, value: task.name });
  }
  return { task, module, exportName };
}

/**
 * What to do about the two failures every task author meets first: a file Node reads as
 * CommonJS, and `@trm/core` or `zod` not installed where the file can resolve them.
 */
function importAdvice(error: unknown, module: string): string {
  const { message = '', code } = (error ?? {}) as { message?: string; code?: string };
  const folder = module.startsWith('file:') ? dirname(fileURLToPath(module)) : undefined;
  const esm = 'a task file is an ES module: name it .mjs, or put "type": "module" in the package.json of its folder';
  if (/Cannot use import statement outside a module|Unexpected token 'export'|(require|module|exports) is not defined in ES module scope/.test(message) || code === 'ERR_REQUIRE_ESM') return ` (${esm})`;
  const missing = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
  if (missing === undefined || missing.startsWith('.') || isAbsolute(missing) || missing.startsWith('file:')) return '';
  const where = folder ? `from the task file's folder (${folder})` : 'from the task module';
  const needed = missing === '@trm/core' || missing === 'zod' || missing.startsWith('@trm/core/') ? '@trm/core and zod' : missing;
  const install = needed === missing ? `npm install ${missing}` : 'npm install @trm/core zod';
  const cjs = code === 'MODULE_NOT_FOUND' ? `; and ${esm}` : '';
  return ` (${needed} must resolve ${where}: install ${needed === missing ? 'it' : 'them'} in a node_modules beside or above it, e.g. \`${install}\` there${cjs})`;
}

function moduleUrl(spec: string): string {
  const builtIn = builtInTaskPackage(spec);
  if (builtIn) return import.meta.resolve(builtIn);
  if (spec.startsWith('.') || isAbsolute(spec) || /\.(m?js|cjs)$/.test(spec)) {
    const path = resolve(spec);
    if (!existsSync(path)) throw new InvalidInputError({ field: 'task', message: `no task module at ${path}`, value: spec });
    return pathToFileURL(path).href;
  }
  // A package name, as the user's project (the current directory) resolves it.
  try {
    return pathToFileURL(createRequire(join(process.cwd(), 'package.json')).resolve(spec)).href;
  } catch (error) {
    throw new InvalidInputError({ field: 'task', message: `unknown task "${spec}": not built in (${Object.keys(builtInTasks).join(', ')}), not a file, and no package of that name is installed here`, value: spec, cause: error });
  }
}

/** The task's specialist with its packaged model, or with the model whose manifest path is given (by `flag`). */
export async function loadSpecialist(task: TaskV1<any, any>, manifestPath?: string, flag = '--model'): Promise<SpecialistV1<any, any>> {
  if (!manifestPath) {
    // Core's message names the library call; a CLI user needs the flag.
    if (!task.packagedModel) {
      throw new InvalidInputError({ field: flag, message: `task "${task.name}" ships no model: pass ${flag} path/to/manifest.json (a model made by \`trm train\`, e.g. ${flag} runs/${task.name}/manifest.json)` });
    }
    return createSpecialist(task);
  }
  // Core reads it (weights beside the manifest and inside its folder, extra files hashed), naming the flag.
  return createSpecialist(task, await readModelSource(manifestPath, { field: flag }));
}


/** The built-in tasks that ship a model, as specialists (what routed solving uses). */
export async function builtInSpecialists(): Promise<SpecialistV1<any, any>[]> {
  const specialists: SpecialistV1<any, any>[] = [];
  for (const name of Object.keys(builtInTasks)) {
    const { task } = await loadTask(name);
    if (task.packagedModel) specialists.push(createSpecialist(task));
  }
  return specialists;
}

/** parseArgs declarations of a task's own options (each a string flag, checked by `taskOptionValues`). */
export function taskFlags(options: Readonly<Record<string, TaskOptionV1>> | undefined): Record<string, { type: 'string' } | { type: 'boolean' }> {
  return Object.fromEntries(Object.entries(options ?? {}).map(([name, option]) => [name, option.type === 'boolean' ? { type: 'boolean' as const } : { type: 'string' as const }]));
}

/** The given values of a task's options, typed and checked as the task declares them. */
export function taskOptionValues(options: Readonly<Record<string, TaskOptionV1>> | undefined, values: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(options ?? {})) {
    const raw = values[name];
    if (raw === undefined) continue;
    if (option.type === 'boolean') result[name] = raw === true;
    else if (option.type === 'number') {
      const value = Number(raw);
      const bad = typeof raw !== 'string' || raw.trim() === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw.trim()) || !Number.isFinite(value) || (option.integer && !Number.isInteger(value)) || (option.min !== undefined && value < option.min) || (option.max !== undefined && value > option.max);
      if (bad) throw new InvalidInputError({ field: `--${name}`, message: `expected ${option.integer ? 'an integer' : 'a number'}${option.min !== undefined ? ` >= ${option.min}` : ''}${option.max !== undefined ? ` <= ${option.max}` : ''}: ${option.description}`, value: raw });
      result[name] = value;
    } else {
      const text = String(raw);
      const items = option.list ? text.split(',').map((item) => item.trim()) : [text];
      const wrong = option.choices ? items.find((item) => !option.choices!.includes(item)) : undefined;
      if (wrong !== undefined || items.some((item) => item === '')) throw new InvalidInputError({ field: `--${name}`, message: option.choices ? `expected ${option.list ? 'some of' : 'one of'} ${option.choices.join(', ')}` : `expected a value: ${option.description}`, value: raw });
      result[name] = option.list ? items : text;
    }
  }
  return result;
}

/** Usage lines of a task's options. */
export function describeTaskOptions(options: Readonly<Record<string, TaskOptionV1>> | undefined): string {
  return Object.entries(options ?? {})
    .map(([name, option]) => `[--${name}${option.type === 'boolean' ? '' : ` ${option.choices ? option.choices.join('|') : option.type === 'number' ? 'N' : 'VALUE'}`}] ${option.description}`)
    .join('\n    ');
}
