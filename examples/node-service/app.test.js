import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMazeGenerator, formatMaze, isValidShortestPath, parseMazeString } from '@trm/tasks-maze';
import { createSudokuGenerator, formatSudoku, isValidSolution, parseSudokuString } from '@trm/tasks-sudoku';
import { buildApp } from './app.js';

describe('node service', () => {
  let app;
  beforeAll(async () => {
    app = await buildApp({ maxQueue: 4 });
  });
  afterAll(async () => {
    await app.close();
  });

  const generator = createSudokuGenerator({ seed: 77 });
  const puzzle = formatSudoku(generator.next().puzzle);

  it('POST /solve answers one request, verified against its own input', async () => {
    const response = await app.inject({ method: 'POST', url: '/solve', payload: JSON.stringify(puzzle), headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.task).toBe('sudoku');
    expect(body.verified).toBe(isValidSolution(parseSudokuString(puzzle), parseSudokuString(body.answer)));
  });

  it('takes per-request solve options under the shared names, and refuses unknown ones as a 400 naming them', async () => {
    const fixed = (await app.inject({ method: 'POST', url: '/solve', payload: { input: puzzle, options: { fixedSteps: 2 } } })).json();
    expect(fixed.steps).toBe(2);
    expect(fixed.value).toHaveLength(81);
    expect(fixed.value.map(String).join('')).toBe(fixed.answer);
    const misspelt = await app.inject({ method: 'POST', url: '/solve', payload: { input: puzzle, options: { maxStep: 4 } } });
    expect(misspelt.statusCode).toBe(400);
    expect(misspelt.json().error).toMatchObject({ name: 'InvalidInputError', field: 'options' });
    expect(misspelt.json().error.message).toContain('maxStep');
  });

  it('routes a maze to the maze specialist; verified means a valid shortest path of that maze', async () => {
    const maze = formatMaze(createMazeGenerator({ seed: 5, band: 'medium', split: 'test' }).next().maze);
    const response = await app.inject({ method: 'POST', url: '/solve', payload: [maze, puzzle] });
    const [mazeEntry, sudokuEntry] = response.json();
    expect(mazeEntry.status).toBe(200);
    expect(mazeEntry.task).toBe('maze');
    expect(mazeEntry.answer).toHaveLength(900);
    expect(mazeEntry.verified).toBe(isValidShortestPath(parseMazeString(maze), parseMazeString(mazeEntry.answer, 'answer', { allowPath: true })));
    expect(sudokuEntry.task).toBe('sudoku');
  });

  it('a mixed array gets one entry per request, malformed ones as typed 4xx', async () => {
    const payload = [{ task: 'sudoku', input: puzzle }, 'not a puzzle', { task: 'chess', input: 'e4' }, puzzle.slice(1)];
    const response = await app.inject({ method: 'POST', url: '/solve', payload });
    expect(response.statusCode).toBe(200);
    const entries = response.json();
    expect(entries.map((entry) => entry.status)).toEqual([200, 400, 400, 400]);
    expect(entries[1].error.name).toBe('InvalidInputError');
    expect(entries[2].error.field).toBe('task');
  });

  it('malformed JSON is a 400, a full queue a 503, and the process stays up', async () => {
    const broken = await app.inject({ method: 'POST', url: '/solve', payload: '{"task":', headers: { 'content-type': 'application/json' } });
    expect(broken.statusCode).toBe(400);
    const many = Array.from({ length: 40 }, () => formatSudoku(generator.next().puzzle));
    const entries = (await app.inject({ method: 'POST', url: '/solve', payload: many })).json();
    // 64 slots + 4 queued: 40 fit; none may be lost.
    expect(entries.every((entry) => entry.status === 200)).toBe(true);
    const flood = Array.from({ length: 100 }, () => formatSudoku(generator.next().puzzle));
    const statuses = (await app.inject({ method: 'POST', url: '/solve', payload: flood })).json().map((entry) => entry.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(68);
    expect(statuses.filter((status) => status === 503)).toHaveLength(32);
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.json()).toEqual({ ok: true, tasks: ['sudoku', 'maze'] });
    const tasks = (await app.inject({ method: 'GET', url: '/tasks' })).json();
    expect(tasks.map((task) => task.task)).toEqual(['sudoku', 'maze']);
    expect(tasks[0].inputJsonSchema.anyOf).toHaveLength(3);
  });
});
