import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMazeGenerator, formatMaze, isValidShortestPath, maze, parseMazeString } from '@trm/tasks-maze';
import { createSudokuGenerator, formatSudoku, isValidSolution, parseSudokuString, sudoku, sudokuTokens } from '@trm/tasks-sudoku';
import { createNodeRuntime } from '@trm/runtime-node';
import { buildApp } from './app.js';
import { trickleBody } from './slow-client-for-tests.js';

describe('the default service: sudoku on the candidate model', () => {
  let app;
  beforeAll(async () => {
    app = await buildApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers right or abstains; copies and a step count, which it cannot run, are 400s naming the option', async () => {
    const generator = createSudokuGenerator({ seed: 79 });
    const puzzles = Array.from({ length: 8 }, () => formatSudoku(generator.next().puzzle));
    const entries = (await app.inject({ method: 'POST', url: '/solve', payload: puzzles })).json();
    entries.forEach((entry, index) => {
      expect(entry).toMatchObject({ status: 200, task: 'sudoku', modelId: sudoku.modelId });
      if (!entry.abstained) expect(isValidSolution(parseSudokuString(puzzles[index]), parseSudokuString(entry.answer))).toBe(true);
      else expect(entry.verified).toBe(false);
    });
    expect(entries.filter((entry) => entry.verified).length).toBeGreaterThan(0);
    for (const [options, field] of [[{ copies: 4 }, 'options.copies'], [{ fixedSteps: 2 }, 'options.fixedSteps']]) {
      const refused = await app.inject({ method: 'POST', url: '/solve', payload: { input: puzzles[0], options } });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toMatchObject({ name: 'InvalidInputError', field });
    }
  });
});

// The service's mechanics (steps, copies, queue bounds) on the sudoku token model, whose fixed
// steps are a controllable workload; `--model sudoku=MANIFEST` serves it from server.js.
describe('node service', () => {
  let app;
  beforeAll(async () => {
    app = await buildApp({ maxQueue: 4, specialists: [sudokuTokens, maze] });
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

  it('searchSteps crosses the service: an answer the rules accept, or an abstention with the candidates left', async () => {
    // A forum-hardest puzzle (tdoku's list) the model alone gets wrong.
    const hardest = '........1.....2.34..5.4.6....6.7.4...1.8.4...8..3....2..94......6...59..75..9....';
    const searched = await app.inject({ method: 'POST', url: '/solve', payload: { input: hardest, options: { searchSteps: 4000, maxSteps: 1 } } });
    expect(searched.statusCode).toBe(200);
    expect(searched.json()).toMatchObject({ verified: true, abstained: false, answer: '472639851698512734135748629526971483913824576847356192289467315361285947754193268' });
    expect(searched.json().cost.branches).toBeGreaterThan(0);
    const cut = await app.inject({ method: 'POST', url: '/solve', payload: { input: hardest, options: { searchSteps: 1, maxSteps: 1 } } });
    expect(cut.json()).toMatchObject({ verified: false, abstained: true });
    expect(cut.json().candidates).toHaveLength(81);
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
    // An 80-character sudoku gets the sudoku parser's own words, not "no specialist accepts".
    expect(entries[3].error).toMatchObject({ field: 'puzzle', message: expect.stringContaining('expected 81 cells, got 80') });
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
    expect(health.json()).toEqual({ ok: true, tasks: ['sudoku', 'maze'], inFlight: 0 });
    const tasks = (await app.inject({ method: 'GET', url: '/tasks' })).json();
    expect(tasks.map((task) => task.task)).toEqual(['sudoku', 'maze']);
    expect(tasks[0].inputJsonSchema.anyOf).toHaveLength(3);
  });
});

describe('node service bodies', () => {
  const puzzle = formatSudoku(createSudokuGenerator({ seed: 78 }).next().puzzle);
  let app;
  beforeAll(async () => {
    app = await buildApp({ specialists: [sudokuTokens] });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a text/plain body (a request any web page can make through a visitor) is 415, naming the content type to send', async () => {
    const response = await app.inject({ method: 'POST', url: '/solve', payload: puzzle, headers: { 'content-type': 'text/plain' } });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.message).toMatch(/content-type: application\/json/);
  });

  it('a "__proto__" key is a 400 that says why, not "not valid JSON"; renamed, it meets the router’s own check', async () => {
    const response = await app.inject({ method: 'POST', url: '/solve', payload: `{"input":${JSON.stringify(puzzle)},"__proto__":{"x":1}}`, headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ name: 'InvalidInputError', field: 'body' });
    expect(response.json().error.message).toMatch(/"__proto__".*rename them/);
    const renamed = await app.inject({ method: 'POST', url: '/solve', payload: `{"input":${JSON.stringify(puzzle)},"proto":{"x":1}}`, headers: { 'content-type': 'application/json' } });
    expect(renamed.statusCode).toBe(400); // an unknown key is the router's own typed error
    expect(renamed.json().error.message).not.toMatch(/__proto__/);
  });
});

describe('node service admission', () => {
  it('a request refused with 503 leaves none of its copies behind: only admitted requests cost steps', async () => {
    // Counts the slots every step runs.
    const base = createNodeRuntime({ device: 'cpu', threads: 1 });
    let slotSteps = 0;
    const counting = {
      ...base,
      async load(source) {
        const model = await base.load(source);
        return { ...model, doStep: (input) => ((slotSteps += input.batchSize), model.doStep(input)) };
      },
    };
    const app = await buildApp({ runtime: counting, maxQueue: 4, specialists: [sudokuTokens, maze] });
    try {
      const generator = createSudokuGenerator({ seed: 5 });
      // 64 slots + 4 waiting: eight requests of 8 copies fit (64); the ninth (72 > 68) and the rest are refused whole.
      const flood = Array.from({ length: 20 }, () => ({ input: formatSudoku(generator.next().puzzle), options: { copies: 8, fixedSteps: 1 } }));
      const statuses = (await app.inject({ method: 'POST', url: '/solve', payload: flood })).json().map((entry) => entry.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(8);
      expect(statuses.filter((status) => status === 503)).toHaveLength(12);
      // One step of the 64 admitted copies, and not one slot-step for a refused request's copies.
      expect(slotSteps).toBe(64);
      const puzzle = formatSudoku(generator.next().puzzle);
      expect((await app.inject({ method: 'POST', url: '/solve', payload: JSON.stringify(puzzle), headers: { 'content-type': 'application/json' } })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ inFlight: 0 });
    } finally {
      await app.close();
    }
  });
});

describe('node service under clients that hang up, stall or nest deeply', () => {
  // Mazes the shipped model does not solve, told to think on for up to 4096 steps: long work.
  const mazes = Array.from({ length: 16 }, (_, index) => formatMaze(createMazeGenerator({ seed: 100 + index, band: 'hard', split: 'test' }).next().maze));
  const slow = mazes.map((maze) => ({ input: maze, options: { verifySteps: 4096 } }));
  const puzzle = formatSudoku(createSudokuGenerator({ seed: 78 }).next().puzzle);

  it('a client that disconnects frees its work: in-flight drops to 0 and the next request is served', async () => {
    const app = await buildApp({ maxBatchSize: 16 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address();
    try {
      const hangUp = new AbortController();
      const abandoned = fetch(`http://127.0.0.1:${port}/solve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(slow), signal: hangUp.signal }).catch((error) => error);
      const health = async () => (await (await fetch(`http://127.0.0.1:${port}/health`)).json()).inFlight;
      for (let tries = 0; (await health()) === 0 && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await health()).toBe(16);
      hangUp.abort();
      await abandoned;
      let inFlight = 16;
      for (let tries = 0; inFlight > 0 && tries < 100; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        inFlight = await health();
      }
      expect(inFlight).toBe(0);
      const next = await fetch(`http://127.0.0.1:${port}/solve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(puzzle) });
      expect(next.status).toBe(200);
      expect((await next.json()).task).toBe('sudoku');
    } finally {
      await app.close();
    }
  });

  it('past its deadline a request is a 504 naming the deadline, and its work stops', async () => {
    const app = await buildApp({ deadlineMs: 300 });
    try {
      const response = await app.inject({ method: 'POST', url: '/solve', payload: slow[0] });
      expect(response.statusCode).toBe(504);
      expect(response.json().error).toMatchObject({ name: 'DeadlineExceeded', field: 'deadline' });
      expect((await app.inject({ method: 'GET', url: '/health' })).json().inFlight).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('deeply nested JSON is a typed 400, not a 500; the service stays up', async () => {
    const app = await buildApp();
    try {
      const nested = '['.repeat(5000) + ']'.repeat(5000);
      const response = await app.inject({ method: 'POST', url: '/solve', payload: nested, headers: { 'content-type': 'application/json' } });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ name: 'InvalidInputError', field: 'body' });
      expect((await app.inject({ method: 'POST', url: '/solve', payload: { task: { a: { b: { c: 1 } } } } })).statusCode).toBe(400);
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('an answer that takes longer than the request timeout is still delivered (that timeout is for receiving the request)', async () => {
    const app = await buildApp({ requestTimeoutMs: 300 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address();
    try {
      const started = Date.now();
      const response = await fetch(`http://127.0.0.1:${port}/solve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: mazes[0], options: { fixedSteps: 128, searchSteps: 0 } }) });
      // The property: it outlasted the 300 ms request timeout and still came back whole.
      expect(Date.now() - started).toBeGreaterThan(300);
      expect(response.status).toBe(200);
      expect((await response.json()).steps).toBe(128);
    } finally {
      await app.close();
    }
  });

  it('a body that trickles in slower than the request timeout is cut off', async () => {
    const app = await buildApp({ requestTimeoutMs: 500 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address();
    try {
      const closed = await trickleBody(port, { everyMs: 100, giveUpMs: 5_000 });
      expect(closed).not.toBe('still open');
      expect(String(closed)).toMatch(/^HTTP\/1.1 408|^$/);
    } finally {
      await app.close();
    }
  });
});
