// `node server.js --task FILE=MANIFEST`: a task of the user's own served beside sudoku and maze,
// its code bounded per call, so a hook that loops costs one request its budget, not the service.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@trm/core';
import { createSudokuGenerator, formatSudoku } from '@trm/tasks-sudoku';
import { randomPuzzle } from '../custom-task/latin-square.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const hostile = '../custom-task/hostile-task-for-tests.js=../custom-task/model/manifest.json';

describe('server.js --task (a user task, isolated)', () => {
  let server;
  let port;
  beforeAll(async () => {
    server = spawn(process.execPath, ['server.js', '--port', '0', '--quiet', '--threads', '1', '--task', hostile, '--task-budget-ms', '300'], { cwd: here, stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = await once(createInterface({ input: server.stdout }), 'line');
    port = JSON.parse(line).port;
  });
  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
  });
  const post = async (body) => {
    const response = await fetch(`http://127.0.0.1:${port}/solve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  };

  it('lists the task, routes its inputs, and a looping hook is a typed 400 while the server keeps answering', async () => {
    const tasks = await (await fetch(`http://127.0.0.1:${port}/tasks`)).json();
    expect(tasks.map((entry) => entry.task)).toEqual(['sudoku', 'maze', 'latin-square']);
    const { givens } = randomPuzzle(createRandom(9), [8, 12]);
    const latin = Array.from(givens, (digit) => (digit === 0 ? '.' : String(digit))).join('');
    const looping = [post({ hang: 'detect' }), post({ task: 'latin-square', input: { hang: 'parseInput' } })];
    const [detect, parse] = await Promise.all(looping);
    expect(detect.status).toBe(400);
    expect(detect.body.error.message).toMatch(/no specialist accepts this input/);
    expect(parse).toMatchObject({ status: 400, body: { error: { name: 'TaskTimeoutError', field: 'parseInput' } } });
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const answered = await post(latin);
    expect(answered).toMatchObject({ status: 200, body: { task: 'latin-square' } });
    expect((await post(formatSudoku(createSudokuGenerator({ seed: 4 }).next().puzzle))).body.task).toBe('sudoku');
  });

  it('a task file that does not load stops the server with its typed error, exit 2', () => {
    const run = spawnSync(process.execPath, ['server.js', '--port', '0', '--task', './no-such-task.js'], { cwd: here, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^InvalidInputError: module: cannot load task module/);
  });
});
