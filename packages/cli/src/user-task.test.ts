import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSpecialist } from '@trm/core';
import { mazeTask } from '@trm/tasks-maze';
import { sudokuTask } from '@trm/tasks-sudoku';
import { checkTask, taskArchitecture } from '@trm/trainer';
import { main } from './main';

// What a user bringing a task meets first: loading the file, the check before training, a task without a model.
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const latinSquare = fileURLToPath(new URL('../../../examples/custom-task/latin-square.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'trm-user-task-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

/**
 * The built command in its own process: module loading as Node does it for a user, not as the
 * test runner does; without the NODE_PATH that pnpm's shims set (it would let require() find
 * packages a user's folder does not have).
 */
const { NODE_PATH: _, ...userEnvironment } = process.env;
const trm = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000, env: userEnvironment });

/** A folder of its own with the given files (and nothing installed unless asked). */
function folder(name: string, files: Record<string, string>): string {
  const directory = join(work, name);
  mkdirSync(directory, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(directory, file), text);
  return directory;
}

/** The latin-square example task, renamed, with some of its parts replaced. */
const latinVariant = (name: string, changes: string) =>
  `import { task as latin } from ${JSON.stringify(latinSquare)};\nexport const task = { ...latin, name: ${JSON.stringify(name)}, ${changes} };\n`;

describe('trm train checks a task before training', () => {
  it('the built-in sudoku and maze tasks pass the check (maze also at another size, as a curriculum trains it)', () => {
    for (const task of [sudokuTask, mazeTask]) {
      expect(() => checkTask(task, { architecture: taskArchitecture(task, {}), data: task.training!.data({ seed: 1 }) })).not.toThrow();
    }
    expect(() => checkTask(mazeTask, { architecture: taskArchitecture(mazeTask, { side: 10 }), data: mazeTask.training!.data({ seed: 2, side: 10 }) })).not.toThrow();
  });

  it('a sequenceLength that disagrees with encode() is refused before any step, naming it', async () => {
    const directory = folder('short', { 'task.mjs': latinVariant('latin-short', 'codec: { ...latin.codec, grid: undefined, sequenceLength: 35 }') });
    const out = join(directory, 'run');
    const { code, stderr } = await run(['train', '--task', join(directory, 'task.mjs'), '--steps', '1', '--out', out]);
    expect(code).toBe(2);
    expect(stderr).toContain('InvalidInputError: task.codec.sequenceLength: task "latin-short": training example 0 has 36 tokens, but the network takes 35 tokens (codec.sequenceLength)');
    expect(stderr).not.toContain('training latin-short');
    expect(existsSync(out)).toBe(false);
  });

  it('a verify that refuses the known answer is refused, naming verify', async () => {
    const directory = folder('refuses', { 'task.mjs': latinVariant('latin-refuses', 'verify: () => false') });
    const { code, stderr } = await run(['train', '--task', join(directory, 'task.mjs'), '--steps', '1', '--out', join(directory, 'run')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/task\.verify: task "latin-refuses": verify\(\) refuses training example 0's own answer/);
  });
});

describe('a task without a model', () => {
  const directory = folder('no-model', { 'task.mjs': latinVariant('latin-no-model', 'packagedModel: undefined') });

  it('the CLI says to pass --model', async () => {
    const { code, stderr } = await run(['solve', '--task', join(directory, 'task.mjs'), '.35..2....2365.1.43.4..5523.6...1356']);
    expect(code).toBe(2);
    expect(stderr).toContain('task "latin-no-model" ships no model: pass --model path/to/manifest.json');
  });

  it('createSpecialist says how to pass one', async () => {
    const { task } = (await import(join(directory, 'task.mjs'))) as { task: Parameters<typeof createSpecialist>[0] };
    expect(() => createSpecialist(task)).toThrow(`task "latin-no-model" ships no model: pass a model: createSpecialist(task, './my-model/manifest.json') or { manifest, weights }`);
  });
});

describe('loading a task file says what to do when Node cannot load it', () => {
  const source = "import { InvalidInputError } from '@trm/core';\nimport { z } from 'zod';\nexport { task } from " + JSON.stringify(latinSquare) + ';\n';

  it('CommonJS: a task file must be an ES module', () => {
    const directory = folder('commonjs', { 'package.json': '{ "type": "commonjs" }', 'task.js': source });
    const result = trm(['train', '--task', join(directory, 'task.js'), '--help']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('cannot load task module');
    expect(result.stderr).toContain('a task file is an ES module: name it .mjs, or put "type": "module" in the package.json of its folder');
  });

  it('require() of a package that is not installed: the packages to install, and ES modules', () => {
    const directory = folder('require', { 'task.cjs': "const { z } = require('zod');\nmodule.exports = {};\n" });
    const result = trm(['train', '--task', join(directory, 'task.cjs'), '--help']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`@trm/core and zod must resolve from the task file's folder (${realpathSync(directory)})`);
    expect(result.stderr).toContain('a task file is an ES module');
  });

  it('@trm/core or zod not installed beside the file: where they must resolve and how to install them', () => {
    const directory = folder('uninstalled', { 'task.mjs': source });
    const result = trm(['train', '--task', join(directory, 'task.mjs'), '--help']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Cannot find package '@trm/core'");
    expect(result.stderr).toContain(`@trm/core and zod must resolve from the task file's folder (${realpathSync(directory)}): install them in a node_modules beside or above it, e.g. \`npm install @trm/core zod\` there`);

    // The same file loads once both resolve from a node_modules above it.
    const project = folder('installed', { 'package.json': '{ "type": "module" }' });
    const modules = join(project, 'node_modules');
    mkdirSync(join(modules, '@trm'), { recursive: true });
    const core = dirname(createRequire(import.meta.url).resolve('@trm/core/package.json'));
    symlinkSync(core, join(modules, '@trm', 'core'), 'dir');
    symlinkSync(dirname(createRequire(join(core, 'package.json')).resolve('zod/package.json')), join(modules, 'zod'), 'dir');
    const nested = join(project, 'tasks');
    mkdirSync(nested);
    writeFileSync(join(nested, 'task.js'), source);
    const loaded = trm(['train', '--task', join(nested, 'task.js'), '--help']);
    expect(loaded.stderr).toBe('');
    expect(loaded.stdout).toContain('options of latin-square');
  });
});

describe('a user task whose own code loops', () => {
  const hostile = fileURLToPath(new URL('../../../examples/custom-task/hostile-task-for-tests.js', import.meta.url));

  it('trm solve: the line whose parseInput loops is a TaskTimeoutError within the budget, the other lines are answered', () => {
    const puzzle = '12345.23456.34561.45612.56123.61234.';
    const result = trm(['solve', hostile, 'hang:parseInput', puzzle, '--task-budget-ms', '300', '--threads', '1', '--json']);
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/"error":\{"name":"TaskTimeoutError","field":"parseInput","message":"task \\"latin-square\\": parseInput\(\) did not return within 300 ms/);
    const answered = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line)).find((line) => line.input === puzzle);
    expect(answered).toMatchObject({ task: 'latin-square', verified: true });
  });
});
