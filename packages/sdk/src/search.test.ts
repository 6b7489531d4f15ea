// Search on candidate sets with the shipped sudoku models (the token model told to search, the default candidate model always): every answer it offers as right is
// right, and when its budget runs out it abstains with the candidates it had left (which still
// hold the solution: narrowing is sound).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError, type SolveStepAnswer, createSolver } from '@trm/core';
import { createRouter } from '@trm/router';
import { createNodeRuntime } from '@trm/runtime-node';
import { arc } from '@trm/tasks-arc';
import { createMazeGenerator, formatMaze, isValidShortestPath, maze, parseMazeString, shortestPathLength } from '@trm/tasks-maze';
import { createSudokuGenerator, formatSudoku, sudoku, sudokuTokens } from '@trm/tasks-sudoku';

const runtime = createNodeRuntime({ device: 'cpu', threads: 1 });
// Harder generated puzzles (the backtracking solver hits several dead ends on each), with their solutions.
const generator = createSudokuGenerator({ seed: 8 });
const hard: ReturnType<typeof generator.next>[] = [];
while (hard.length < 6) {
  const next = generator.next();
  if (next.rating >= 8) hard.push(next);
}

describe('searchSteps: solve by narrowing and branching, or abstain', () => {
  const solvers: { dispose(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const solver of solvers) await solver.dispose();
  });

  it('hard puzzles the network alone gets wrong: answers are right, branches were taken', async () => {
    const solver = await createSolver({ specialist: sudokuTokens, runtime });
    solvers.push(solver);
    const puzzles = hard.map((entry) => formatSudoku(entry.puzzle));
    const plain = await solver.solveMany(puzzles);
    const searched = await solver.solveMany(puzzles, { searchSteps: 4000, maxSteps: 2 });
    searched.forEach((result, index) => {
      expect(result.abstained).toBe(false);
      expect(result.verified).toBe(true);
      expect(result.answer).toBe(formatSudoku(hard[index].solution));
    });
    expect(plain.filter((result) => result.verified).length).toBeLessThan(puzzles.length);
    expect(searched.reduce((sum, result) => sum + (result.cost.branches ?? 0), 0)).toBeGreaterThan(0);
    expect(searched.every((result) => result.cost.sampleSteps <= 4000 + 2)).toBe(true);
  });

  it('out of budget it abstains: not verified, and every remaining candidate set holds the solution’s digit', async () => {
    const solver = await createSolver({ specialist: sudokuTokens, runtime });
    solvers.push(solver);
    const results = await solver.solveMany(hard.map((entry) => formatSudoku(entry.puzzle)), { searchSteps: 1, maxSteps: 1 });
    const abstained = results.filter((result) => result.abstained);
    expect(abstained.length).toBeGreaterThan(0);
    for (const result of abstained) {
      const { solution } = hard[results.indexOf(result)];
      expect(result.verified).toBe(false);
      expect(result.candidates).toHaveLength(81);
      result.candidates!.forEach((digits, cell) => expect(digits).toContain(String(solution[cell])));
    }
  });

  it('onStep streams the search: the pencil marks of each state narrow the input’s, and only the last event is done', async () => {
    const solver = await createSolver({ specialist: sudokuTokens, runtime });
    solvers.push(solver);
    const { puzzle, solution } = hard[1];
    const events: SolveStepAnswer<unknown>[] = [];
    const result = await solver.solve(formatSudoku(puzzle), { searchSteps: 4000, maxSteps: 1, onStep: (event) => events.push(event.answers[0]!) });
    expect(result.verified).toBe(true);
    expect(events.length).toBeGreaterThan(1);
    expect(events.slice(0, -1).every((answer) => !answer.done)).toBe(true);
    expect(events.at(-1)).toMatchObject({ done: true, answer: result.answer, branches: result.cost.branches });
    const first = events[0].candidates;
    expect(first).toHaveLength(81);
    first!.forEach((digits: string, cell: number) => {
      if (puzzle[cell]) expect(digits).toBe(String(puzzle[cell]));
      else expect(digits).toContain(String(solution[cell])); // the root state holds the solution
    });
  });

  it('refused at the door where it cannot run: copies with a search, a task without candidate sets', async () => {
    const solver = await createSolver({ specialist: sudokuTokens, runtime });
    solvers.push(solver);
    await expect(solver.solve(formatSudoku(hard[0].puzzle), { searchSteps: 100, copies: 4 })).rejects.toThrow(expect.objectContaining({ field: 'options.copies' }));
    // A token model drops nothing: a keep threshold for it is a mistake to name, not to ignore.
    await expect(solver.solve(formatSudoku(hard[0].puzzle), { searchSteps: 100, keepThreshold: 0.5 })).rejects.toThrow(expect.objectContaining({ field: 'options.keepThreshold' }));
    const arcs = await createSolver({ specialist: arc, runtime });
    solvers.push(arcs);
    const outcome = await arcs.solve({ train: [{ input: [[1, 0]], output: [[0, 1]] }], test: [{ input: [[2, 0]] }] }, { searchSteps: 100 }).catch((error) => error);
    expect(InvalidInputError.isInstance(outcome)).toBe(true);
    expect(outcome.field).toBe('options.searchSteps');
  });

  it('mazes search too: the rules narrow exactly, so every answer is a valid shortest path and no branch dead-ends', async () => {
    const solver = await createSolver({ specialist: maze, runtime });
    solvers.push(solver);
    const generator = createMazeGenerator({ seed: 12, band: 'hard', split: 'test' });
    const inputs = Array.from({ length: 4 }, () => formatMaze(generator.next().maze));
    const results = await solver.solveMany(inputs, { searchSteps: 400, maxSteps: 1 });
    results.forEach((result, index) => {
      expect(result.abstained).toBe(false);
      expect(result.verified).toBe(true);
      expect(isValidShortestPath(parseMazeString(inputs[index]), parseMazeString(result.answer, 'answer', { allowPath: true }))).toBe(true);
      expect(result.cost.deadEnds).toBe(0);
    });
  });

  it('dive: the network runs at the root and again only after a dead end, and answers stay right', async () => {
    const solver = await createSolver({ specialist: sudokuTokens, runtime });
    solvers.push(solver);
    const puzzles = hard.map((entry) => formatSudoku(entry.puzzle));
    const stepping = await solver.solveMany(puzzles, { searchSteps: 4000, maxSteps: 1 });
    const diving = await solver.solveMany(puzzles, { searchSteps: 4000, maxSteps: 1, dive: true });
    diving.forEach((result, index) => {
      expect(result.verified).toBe(true);
      expect(result.answer).toBe(formatSudoku(hard[index].solution));
      expect(result.cost.nodes).toBeLessThanOrEqual(1 + result.cost.deadEnds!);
    });
    // Without it the network scores every state: more network steps than dead ends on these.
    expect(stepping.some((result) => result.cost.nodes! > 1 + result.cost.deadEnds!)).toBe(true);
  });

  it('the shipped maze model searches by default (its manifest): one network step orders a dive, every answer a valid shortest path', async () => {
    const solver = await createSolver({ specialist: maze, runtime });
    solvers.push(solver);
    expect(maze.model.manifest.search).toMatchObject({ stepsPerState: 1, dive: true });
    const generator = createMazeGenerator({ seed: 13, band: 'hard', split: 'test' });
    const inputs = Array.from({ length: 4 }, () => formatMaze(generator.next().maze));
    const results = await solver.solveMany(inputs);
    results.forEach((result, index) => {
      expect(result).toMatchObject({ verified: true, abstained: false, cost: { deadEnds: 0 } });
      expect(result.cost.sampleSteps).toBeLessThanOrEqual(1);
      expect(result.cost.branches).toBeGreaterThan(0);
      expect(isValidShortestPath(parseMazeString(inputs[index]), parseMazeString(result.answer, 'answer', { allowPath: true }))).toBe(true);
    });
    // onStep sees the dive: one event per state, its open cells only narrowing, the last one done.
    const events: SolveStepAnswer<unknown>[] = [];
    const streamed = await solver.solve(inputs[0], { onStep: (event) => events.push(event.answers[0]!) });
    const open = events.slice(0, -1).map((event) => event.candidates!.filter((cell) => cell.length > 1).length);
    expect(open.length).toBe(Math.max(1, streamed.cost.branches!)); // the network's state, then each state the dive split
    open.slice(1).forEach((count, at) => expect(count).toBeLessThan(open[at]!));
    expect(events.at(-1)).toMatchObject({ done: true, answer: streamed.answer });
    // The call's own steps apply per state; a router's server-wide policy leaves the manifest's one step.
    const fixed = await solver.solve(inputs[1], { fixedSteps: 2 });
    expect(fixed.verified).toBe(true);
    expect(fixed.cost.sampleSteps).toBe(2 * fixed.cost.nodes!);
    const router = createRouter({ specialists: [maze], runtime, defaults: { patience: 4 } });
    const routed = await router.solve({ task: 'maze', input: inputs[1] });
    await router.dispose();
    expect(routed).toMatchObject({ verified: true, cost: { sampleSteps: fixed.cost.nodes } });
    // dive where nothing searches would change nothing: refused, naming it.
    await expect(solver.solve(inputs[0], { searchSteps: 0, dive: true })).rejects.toThrow(expect.objectContaining({ field: 'options.dive' }));
    // searchSteps 0: the network alone (no search costs); copies then allowed, refused with the default search.
    const alone = await solver.solve(inputs[0], { searchSteps: 0, fixedSteps: 2, copies: 2 });
    expect(alone.cost).toMatchObject({ copies: 2 });
    expect(alone.cost.branches).toBeUndefined();
    await expect(solver.solve(inputs[0], { copies: 2 })).rejects.toThrow(expect.objectContaining({ field: 'options.copies' }));
    // A candidate model always searches: no budget of 0 for it.
    const sudokus = await createSolver({ specialist: sudoku, runtime });
    solvers.push(sudokus);
    await expect(sudokus.solve(formatSudoku(hard[0].puzzle), { searchSteps: 0 })).rejects.toThrow(expect.objectContaining({ field: 'options.searchSteps' }));
  });

  it('mazes not from the project’s generator (any side 8-64, any wall density, S and G anywhere): a valid shortest path from one network step, or a typed error when G cannot be reached', async () => {
    const solver = await createSolver({ specialist: maze, runtime });
    solvers.push(solver);
    const mazes = fc.integer({ min: 8, max: 64 }).chain((side) =>
      fc.record({
        side: fc.constant(side),
        density: fc.double({ min: 0, max: 0.6, noNaN: true }),
        walls: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: side * side, maxLength: side * side }),
        ends: fc.uniqueArray(fc.integer({ min: 0, max: side * side - 1 }), { minLength: 2, maxLength: 2 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(mazes, async ({ side, density, walls, ends: [start, goal] }) => {
        const cells: string[] = walls.map((value) => (value < density ? '#' : ' '));
        cells[start!] = 'S';
        cells[goal!] = 'G';
        const text = cells.join('');
        if (shortestPathLength(parseMazeString(text)) < 0) {
          await expect(solver.solve(text)).rejects.toThrow(expect.objectContaining({ field: 'maze' }));
          return;
        }
        const result = await solver.solve(text);
        expect(result).toMatchObject({ verified: true, abstained: false, cost: { deadEnds: 0 } });
        expect(result.cost.sampleSteps).toBeLessThanOrEqual(1);
        expect(result.answer).toHaveLength(side * side);
        expect(isValidShortestPath(parseMazeString(text), parseMazeString(result.answer, 'answer', { allowPath: true }))).toBe(true);
      }),
      { numRuns: 25, seed: 27 },
    );
  }, 120_000);

  it('the default sudoku specialist is the shipped candidate model and searches by default: right with its manifest’s keep threshold, and a wrong-dropping threshold costs fallbacks, not answers', async () => {
    const solver = await createSolver({ specialist: sudoku, runtime });
    solvers.push(solver);
    expect(sudoku.model.manifest.architecture.input).toBe('candidates');
    expect(sudokuTokens.model.manifest.architecture.input).toBeUndefined();
    const puzzles = hard.map((entry) => formatSudoku(entry.puzzle));
    const results = await solver.solveMany(puzzles);
    results.forEach((result, index) => {
      expect(result.verified).toBe(true);
      expect(result.answer).toBe(formatSudoku(hard[index].solution));
      // It dives (its manifest): the network steps again only after a dead end.
      expect(result.cost.nodes).toBeLessThanOrEqual(1 + result.cost.deadEnds!);
    });
    // Told to drop whatever it keeps with probability under 0.9, it drops true digits: still right or abstaining.
    const reckless = await solver.solveMany(puzzles, { keepThreshold: 0.9, searchSteps: 300 });
    expect(reckless.reduce((sum, result) => sum + (result.cost.fallbacks ?? 0), 0)).toBeGreaterThan(0);
    reckless.forEach((result, index) => {
      if (!result.abstained) expect(result.answer).toBe(formatSudoku(hard[index].solution));
      else result.candidates!.forEach((digits, cell) => expect(digits).toContain(String(hard[index].solution[cell])));
    });
    await expect(solver.solve(puzzles[0], { copies: 2 })).rejects.toThrow(expect.objectContaining({ field: 'options.copies' }));
    // One network step per search state: a step count would mean nothing, so it is refused, naming it.
    await expect(solver.solve(puzzles[0], { fixedSteps: 4 })).rejects.toThrow(expect.objectContaining({ field: 'options.fixedSteps' }));
  });
});

