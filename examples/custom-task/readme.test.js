// The README's "Load the model you trained" section, run as written in a user's folder: the task
// file and what it imports, nothing else. Its commands run with the CLI's bin for `pnpm trm`, and
// train 4 steps instead of 600 to stay fast; its code runs unchanged.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { rowsAndColumnsHold } from './latin-check-for-tests.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
const readme = readFileSync(join(here, 'README.md'), 'utf8');
const start = readme.indexOf('## Load the model you trained');
const section = readme.slice(start, readme.indexOf('\n## ', start + 3));
const commands = /```sh\n([\s\S]*?)```/.exec(section)[1].trim().split('\n');
const code = /```js\n([\s\S]*?)```/.exec(section)[1];

const work = mkdtempSync(join(tmpdir(), 'trm-custom-readme-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
symlinkSync(join(here, 'latin-square.js'), join(work, 'latin-square.js'));
symlinkSync(join(here, 'node_modules'), join(work, 'node_modules'), 'dir');
writeFileSync(join(work, 'package.json'), '{ "type": "module" }');
// As in a user's shell: without the NODE_PATH that pnpm's shims set for the test runner.
const { NODE_PATH: _, ...environment } = process.env;
const node = (args) => execFileSync(process.execPath, args, { cwd: work, env: environment, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });

/** A README command line's arguments after `pnpm trm` (double quotes group). */
function trmArguments(line) {
  const words = line.match(/"[^"]*"|\S+/g).map((word) => word.replace(/^"(.*)"$/, '$1'));
  expect(words.slice(0, 2)).toEqual(['pnpm', 'trm']);
  return words.slice(2);
}


describe('custom-task README: loading a model made by trm train', () => {
  const question = /"([0-6.]{36})"/.exec(commands[1])[1];
  let cliAnswer;

  it('trains into ./my-model and solves with --model ./my-model/manifest.json from the CLI', () => {
    expect(commands).toHaveLength(2);
    const train = trmArguments(commands[0]);
    expect(train.slice(0, 1)).toEqual(['train']);
    const steps = train.indexOf('--steps');
    train.splice(steps, 2, '--steps', '4');
    node([bin, ...train]);
    expect(existsSync(join(work, 'my-model', 'manifest.json'))).toBe(true);

    const solve = trmArguments(commands[1]);
    expect(solve).toEqual(expect.arrayContaining(['solve', '--model', './my-model/manifest.json']));
    const printed = node([bin, ...solve]);
    expect(printed).toMatch(/model: latin-square:trm-mlp-h64/);
    const grid = printed.split('answer:\n')[1].split('\n').slice(0, 6);
    // The drawing shows an empty cell as "."; the printed form (formatAnswer) as "0".
    cliAnswer = grid.join('').replace(/ /g, '').replace(/\./g, '0');
    expect(cliAnswer).toMatch(/^[0-6]{36}$/);
    expect(printed).toContain(rowsAndColumnsHold(question, cliAnswer) ? 'verified: yes' : 'verified: no');
  });

  it("loads the same model from code with createSpecialist(task, './my-model/manifest.json')", () => {
    expect(code).toContain("createSpecialist(task, './my-model/manifest.json')");
    writeFileSync(join(work, 'readme-snippet.mjs'), code);
    const [answer, verified] = node(['readme-snippet.mjs']).trim().split(' ');
    expect(verified).toBe(String(rowsAndColumnsHold(question, answer)));
    // The model the CLI trained and used, with the same default settings: the same answer.
    if (cliAnswer) expect(answer).toBe(cliAnswer);
  });
});
