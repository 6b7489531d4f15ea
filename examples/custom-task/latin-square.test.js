// A task nobody on the project ships goes through every tool with no SDK edit: the CLI trains it
// (a few steps), exports it, solves with it; the router routes to it beside a built-in task.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom, createSpecialist, parseModelManifest, parseTaskDefinition, tokenCorrectness } from '@trm/core';
import { createRouter } from '@trm/router';
import { createNodeRuntime } from '@trm/runtime-node';
import { sudoku } from '@trm/tasks-sudoku';
import { main } from '@trm/cli';
import { isValidCompletion, randomLatinSquare, randomPuzzle, task } from './latin-square.js';
import { rowsAndColumnsHold } from './latin-check-for-tests.js';

const taskFile = fileURLToPath(new URL('./latin-square.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'trm-latin-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cli(argv) {
  const stdout = [];
  const stderr = [];
  return main(argv, { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) }).then((code) => ({ code, stdout, stderr }));
}


describe('a custom task (6x6 Latin squares) through the SDK tools', () => {
  it('is a valid task: its generator makes Latin squares, its verifier refuses broken ones', () => {
    parseTaskDefinition(task);
    const random = createRandom(3);
    for (let index = 0; index < 20; index++) {
      const square = randomLatinSquare(random);
      const text = Array.from(square).join('');
      expect(rowsAndColumnsHold('.'.repeat(36), text)).toBe(true);
      expect(isValidCompletion(new Uint8Array(36), square)).toBe(true);
      const broken = square.slice();
      [broken[0], broken[1]] = [broken[1], broken[0]]; // swapping two cells of a row breaks two columns
      expect(isValidCompletion(new Uint8Array(36), broken)).toBe(rowsAndColumnsHold('.'.repeat(36), Array.from(broken).join('')));
    }
    // Several valid answers: a puzzle with many blanks accepts a completion other than the generator's.
    const { givens } = randomPuzzle(createRandom(5), [36, 36]);
    const judge = tokenCorrectness(task);
    const other = randomLatinSquare(createRandom(99));
    expect(judge(task.codec.encode({ givens }), task.codec.encode({ givens: other }))).toBe(true);
    expect(() => task.parseInput('11' + '.'.repeat(34))).toThrow(/row 1 holds 1 twice/);
  });

  it('trains with the CLI, exports, and solves through the CLI and the router', async () => {
    const out = join(work, 'run');
    const trained = await cli(['train', '--task', taskFile, '--steps', '6', '--batch-size', '8', '--checkpoint-every', '3', '--eval-every', '3', '--eval-count', '4', '--threads', '1', '--blanks', '4-10', '--out', out]);
    expect(trained.stderr.join('\n')).toContain('training latin-square');
    expect(trained.code).toBe(0);
    const manifestPath = join(out, 'manifest.json');
    const manifest = parseModelManifest(JSON.parse(readFileSync(manifestPath, 'utf8')));
    expect(manifest).toMatchObject({ task: 'latin-square', vocabulary: { size: 8 }, training: { steps: 6 } });
    expect(manifest.training.data).toContain('4-10 blanks');
    // Held-out evaluations were written while training.
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).toContain('"type":"eval"');

    const exported = await cli(['export', '--checkpoint', out, '--task', taskFile, '--out', join(work, 'model', 'latin.onnx')]);
    expect(exported.code).toBe(0);

    const question = '12..56' + '.'.repeat(30);
    const solved = await cli(['solve', '--task', taskFile, '--model', join(work, 'model', 'manifest.json'), question, '--json', '--max-steps', '4']);
    expect(solved.code).toBe(0);
    const line = JSON.parse(solved.stdout[0]);
    expect(line.task).toBe('latin-square');
    expect(line.answer).toHaveLength(36);
    expect(line.verified).toBe(rowsAndColumnsHold(question, line.answer));

    const specialist = await createSpecialist(task, join(work, 'model', 'manifest.json'));
    const router = createRouter({ specialists: [specialist, sudoku], runtime: createNodeRuntime({ threads: 1 }) });
    try {
      expect(router.route(question)).toMatchObject({ task: 'latin-square' });
      const [latin, other] = await router.solveMany([question, { task: 'latin-square', input: [[1, 2, 0, 0, 5, 6], ...Array.from({ length: 5 }, () => [0, 0, 0, 0, 0, 0])] }], { maxSteps: 4 });
      expect(latin.task).toBe('latin-square');
      expect(latin.verified).toBe(rowsAndColumnsHold(question, latin.answer));
      // The same puzzle as rows: the same answer, whatever shares the batch.
      expect(other.answer).toBe(latin.answer);
      await expect(router.solve('13' + '1'.repeat(34))).rejects.toMatchObject({ name: 'InvalidInputError' });
    } finally {
      await router.dispose();
    }
  });

  it('a bad task option or task module is a typed error naming it', async () => {
    const bad = await cli(['train', '--task', taskFile, '--steps', '1', '--blanks', '9-3', '--out', join(work, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.join('\n')).toMatch(/blanks/);
    const missing = await cli(['train', '--task', join(work, 'nope.js'), '--steps', '1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.join('\n')).toMatch(/no task module/);
  });
});
