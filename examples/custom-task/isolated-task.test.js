// A user's task whose own code loops: loaded with loadIsolatedTask, its hooks run in a worker
// thread with a time budget, so one task's loop costs a request at most that budget and never
// freezes routing or the other tasks. Against real models (the Latin-square model, sudoku).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, TaskTimeoutError, createSpecialist } from '@trm/core';
import { loadIsolatedTask } from '@trm/core/node';
import { createRouter } from '@trm/router';
import { createNodeRuntime } from '@trm/runtime-node';
import { createSudokuGenerator, formatSudoku, sudoku } from '@trm/tasks-sudoku';
import { randomPuzzle } from './latin-square.js';
import { createRandom } from '@trm/core';

const hostileFile = fileURLToPath(new URL('./hostile-task-for-tests.js', import.meta.url));
const manifest = fileURLToPath(new URL('./model/manifest.json', import.meta.url));
const budgetMs = 300;

describe('a task whose hooks loop, isolated in a worker with a time budget', () => {
  let task;
  let router;
  beforeAll(async () => {
    task = await loadIsolatedTask(hostileFile, { budgetMs });
    router = createRouter({ specialists: [await createSpecialist(task, manifest), sudoku], runtime: createNodeRuntime({ threads: 1 }) });
  });
  afterAll(async () => {
    await router?.dispose();
    await task?.close();
  });
  const sudokuPuzzle = formatSudoku(createSudokuGenerator({ seed: 12 }).next().puzzle);
  const latinPuzzle = () => {
    const { givens } = randomPuzzle(createRandom(5), [8, 12]);
    return Array.from(givens, (digit) => (digit === 0 ? '.' : String(digit))).join('');
  };

  it('a detect that loops declines within its budget: the request gets the typed no-taker error, other tasks route as before', async () => {
    const started = Date.now();
    const outcome = await router.solve({ hang: 'detect' }).then(() => undefined, (error) => error);
    expect(InvalidInputError.isInstance(outcome)).toBe(true);
    expect(outcome.message).toMatch(/no specialist accepts this input \(scores: latin-square 0\.00, sudoku 0\.00\)/);
    // Bounded by the budget (plus a fresh worker's start), not by the loop.
    expect(Date.now() - started).toBeLessThan(20 * budgetMs);
    // The thread was replaced: the same task still detects and solves its own inputs.
    const latin = await router.solve(latinPuzzle());
    expect(latin.task).toBe('latin-square');
    expect((await router.solve(sudokuPuzzle)).task).toBe('sudoku');
  });

  it('a parseInput that loops is a TaskTimeoutError naming the hook; the next request is served', async () => {
    const outcome = await router.solve({ task: 'latin-square', input: { hang: 'parseInput' } }).then(() => undefined, (error) => error);
    expect(TaskTimeoutError.isInstance(outcome)).toBe(true);
    expect(outcome).toMatchObject({ field: 'parseInput', budgetMs });
    expect(outcome.message).toMatch(/task "latin-square": parseInput\(\) did not return within 300 ms/);
    const latin = await router.solve(latinPuzzle());
    expect(latin.task).toBe('latin-square');
  });

  it('an invalid input keeps its typed error across the thread, field and message as in process', async () => {
    const outcome = await router.solve({ task: 'latin-square', input: '12' }).then(() => undefined, (error) => error);
    expect(InvalidInputError.isInstance(outcome)).toBe(true);
    let direct;
    try {
      (await import('./latin-square.js')).task.parseInput('12');
    } catch (error) {
      direct = error;
    }
    expect(outcome.field).toBe(direct.field);
    expect(outcome.message).toBe(direct.message);
  });

  it('options are checked at the door', async () => {
    await expect(loadIsolatedTask(hostileFile, { budgetMs: 0 })).rejects.toThrow(/budgetMs/);
    await expect(loadIsolatedTask(hostileFile, { hooks: ['encode'] })).rejects.toThrow(/hooks\[0\]/);
    await expect(loadIsolatedTask('./no-such-task.js')).rejects.toThrow(InvalidInputError);
  });
});
