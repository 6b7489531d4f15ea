import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSudokuGenerator, formatSudoku, isValidSolution, parseSudokuString } from '@trm/tasks-sudoku';
import { createMazeGenerator, formatMaze, isValidShortestPath, parseMazeString, shortestPathLength } from '@trm/tasks-maze';
import { main } from './main';

async function run(argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) });
  return { code, stdout, stderr };
}

// The earlier sudoku token model, still shipped (the default is the candidate model).
const tokenModel = fileURLToPath(new URL('../../tasks-sudoku/model/manifest.json', import.meta.url));
const puzzle = '..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..';

describe('trm CLI', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'trm-cli-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('solve sudoku <puzzle> --json prints the documented object, with an honest verified flag (the token model)', async () => {
    const { code, stdout } = await run(['solve', 'sudoku', puzzle, '--json', '--max-steps', '4', '--model', tokenModel]);
    expect(code).toBe(0);
    expect(stdout).toHaveLength(1);
    const result = JSON.parse(stdout[0]!);
    expect(result).toMatchObject({ task: 'sudoku', input: puzzle });
    expect(result.answer).toMatch(/^[0-9]{81}$/);
    expect(result.steps).toBeGreaterThanOrEqual(1);
    expect(result.steps).toBeLessThanOrEqual(4);
    expect(typeof result.converged).toBe('boolean');
    expect(result.verified).toBe(isValidSolution(parseSudokuString(puzzle), parseSudokuString(result.answer)));
  });

  it('solve prints the grid, steps and verification for people', async () => {
    const { code, stdout } = await run(['solve', 'sudoku', puzzle, '--fixed-steps', '2', '--model', tokenModel]);
    expect(code).toBe(0);
    const text = stdout.join('\n');
    expect(text).toContain('answer:');
    expect(text).toMatch(/steps: 2/);
    expect(text).toMatch(/verified: (yes|no)/);
    // The default model searches: its search replaces the step count, and its answer is right or it says it abstained.
    const searched = await run(['solve', 'sudoku', puzzle]);
    expect(searched.code).toBe(0);
    const lines = searched.stdout.join('\n');
    expect(lines).toMatch(/search: \d+ branch points?, \d+ dead ends?, \d+ network steps?|abstained: /);
    expect(lines).not.toMatch(/^steps: /m);
    expect(lines).toMatch(/model: sudoku:trm-sets/);
  });

  it('solve --input FILE --json answers every line in order and reports bad lines as typed errors', async () => {
    const generator = createSudokuGenerator({ seed: 21 });
    const good = Array.from({ length: 3 }, () => formatSudoku(generator.next().puzzle));
    const file = join(directory, 'puzzles.txt');
    await writeFile(file, [good[0], 'not a sudoku', good[1], good[2]].join('\n'));
    const { code, stdout } = await run(['solve', 'sudoku', '--input', file, '--json', '--max-steps', '2']);
    expect(code).toBe(2);
    const lines = stdout.map((line) => JSON.parse(line));
    expect(lines.map((line) => line.input)).toEqual([good[0], 'not a sudoku', good[1], good[2]]);
    expect(lines[1].error).toMatchObject({ name: 'InvalidInputError', field: 'line 2' });
    for (const line of [lines[0], lines[2], lines[3]]) {
      expect(line.verified).toBe(isValidSolution(parseSudokuString(line.input), parseSudokuString(line.answer)));
    }
  });

  it('eval reports accuracy by level and rating, a steps histogram and throughput', async () => {
    const generator = createSudokuGenerator({ seed: 22 });
    const rows = ['question,answer,rating,level'];
    for (let index = 0; index < 6; index++) {
      const generated = generator.next();
      rows.push(`${formatSudoku(generated.puzzle)},${formatSudoku(generated.solution)},${generated.rating},${index < 3 ? 'A' : 'B'}`);
    }
    const file = join(directory, 'eval.csv');
    await writeFile(file, rows.join('\n'));
    const plot = join(directory, 'eval.svg');
    const { code, stdout } = await run(['eval', 'sudoku', '--data', file, '--json', '--limit', '2', '--max-steps', '2', '--plot', plot]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout[0]!);
    // The plot draws the levels and the steps axis.
    const svg = await readFile(plot, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const label of ['>A<', '>B<', 'supervision steps used']) expect(svg).toContain(label);
    expect(report.count).toBe(4);
    expect(Object.keys(report.byLevel).sort()).toEqual(['A', 'B']);
    expect(report.byLevel.A.count).toBe(2);
    expect(Object.values(report.stepsHistogram as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(4);
    expect(report.puzzlesPerSecond).toBeGreaterThan(0);
    expect(report.verifiedButWrong).toBe(0);
  });

  it('bad arguments give a typed error and exit code 2, never a crash', async () => {
    expect((await run(['solve', 'chess', puzzle])).stderr.join('')).toMatch(/InvalidInputError: task/);
    expect((await run(['solve', 'sudoku', puzzle, '--max-steps', 'many'])).stderr.join('')).toMatch(/--max-steps/);
    expect((await run(['solve', 'sudoku', puzzle, '--patience', '0'])).stderr.join('')).toMatch(/--patience/);
    expect((await run(['eval', 'sudoku', '--data', join(directory, 'missing.csv')])).code).toBe(2);
    expect((await run(['solve', 'sudoku', puzzle, '--bogus'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    // Each of these once hung, read a number wrongly or was accepted.
    expect((await run(['solve', 'sudoku', puzzle, '--threads', '100000'])).stderr.join('')).toMatch(/--threads/);
    expect((await run(['solve', 'sudoku', puzzle, '--max-steps', '0x10'])).stderr.join('')).toMatch(/--max-steps/);
    expect((await run(['solve', 'sudoku', puzzle, '--min-steps', '9', '--max-steps', '4'])).stderr.join('')).toMatch(/--min-steps/);
    // A puzzle the rules prove unsolvable is a typed error, never a changed-givens answer.
    const unsolvable = await run(['solve', 'sudoku', '12345678.' + '........9' + '.'.repeat(63), '--json']);
    expect(unsolvable.code).toBe(2);
    expect(JSON.parse(unsolvable.stdout[0]!).error.message).toMatch(/unsolvable/);
  });

  it('a manifest whose weights leave its folder, or a device file as manifest, is a typed load error', async () => {
    const folder = join(directory, 'escape');
    await mkdir(folder, { recursive: true });
    const shipped = JSON.parse(await readFile(new URL('../../tasks-sudoku/model/manifest.json', import.meta.url), 'utf8'));
    await writeFile(join(folder, 'manifest.json'), JSON.stringify({ ...shipped, weights: [{ ...shipped.weights[0], path: '../../../../etc/passwd' }] }));
    const escaped = await run(['solve', 'sudoku', puzzle, '--model', join(folder, 'manifest.json')]);
    expect(escaped.code).toBe(2);
    expect(escaped.stderr.join('')).toMatch(/ModelLoadError.*leaves the manifest's folder/);
    const device = await run(['solve', 'sudoku', puzzle, '--model', '/dev/zero']);
    expect(device.code).toBe(2);
    expect(device.stderr.join('')).toMatch(/ModelLoadError.*not a regular file/);
  });

  it('train writes a checkpoint and a runnable model with its manifest; solve --model uses it', async () => {
    const out = join(directory, 'run');
    const trained = await run(['train', 'sudoku', '--steps', '2', '--hidden', '16', '--batch-size', '4', '--out', out, '--checkpoint-every', '1', '--backend', 'wasm']);
    expect(trained.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ id: 'sudoku:trm-mlp-h16-t2n2', training: { steps: 2, seed: 1 } });
    expect(manifest.training.command).toContain('train sudoku');
    const solved = await run(['solve', 'sudoku', puzzle, '--json', '--model', join(out, 'manifest.json'), '--max-steps', '2']);
    expect(solved.code).toBe(0);
    expect(JSON.parse(solved.stdout[0]!).answer).toMatch(/^[0-9]{81}$/);
    const exported = await run(['export', '--checkpoint', out, '--out', join(directory, 'exported', 'm.onnx')]);
    expect(exported.code).toBe(0);
    const exportedManifest = JSON.parse(await readFile(join(directory, 'exported', 'manifest.json'), 'utf8'));
    expect(exportedManifest.weights[0]).toMatchObject({ path: 'm.onnx', sha256: manifest.weights[0].sha256 });
  });
});

describe('trm CLI for mazes', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'trm-maze-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('data maze writes reference-format CSV rows whose answers are valid shortest paths', async () => {
    const out = join(directory, 'mazes.csv');
    const { code } = await run(['data', 'maze', '--count', '3', '--band', 'medium', '--seed', '5', '--out', out]);
    expect(code).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('source,question,answer,rating');
    expect(lines).toHaveLength(4);
    for (const line of lines.slice(1)) {
      const [, question, answer, rating] = line.split(',');
      const maze = parseMazeString(question!);
      expect(isValidShortestPath(maze, parseMazeString(answer!, 'answer', { allowPath: true }))).toBe(true);
      expect(shortestPathLength(maze)).toBe(Number(rating));
      expect(Number(rating)).toBeGreaterThanOrEqual(30);
    }
  });

  it('solve maze and eval maze use the packaged model; verified means a valid shortest path', async () => {
    const out = join(directory, 'eval-mazes.csv');
    await run(['data', 'maze', '--count', '2', '--band', 'short', '--seed', '6', '--split', 'test', '--out', out]);
    const question = (await readFile(out, 'utf8')).trim().split('\n')[1]!.split(',')[1]!;
    // The network alone (--search-steps 0): verified says whether its path is a valid shortest one.
    const solved = await run(['solve', 'maze', question, '--json', '--max-steps', '2', '--search-steps', '0']);
    expect(solved.code).toBe(0);
    const result = JSON.parse(solved.stdout[0]!);
    expect(result.task).toBe('maze');
    expect(result.answer).toHaveLength(900);
    expect(result.cost.branches).toBeUndefined();
    expect(result.verified).toBe(isValidShortestPath(parseMazeString(question), parseMazeString(result.answer, 'answer', { allowPath: true })));
    // No flags: the shipped maze model searches by default, one network step ordering a dive.
    const searched = JSON.parse((await run(['solve', 'maze', question, '--json'])).stdout[0]!);
    expect(searched).toMatchObject({ verified: true, abstained: false, cost: { deadEnds: 0 } });
    expect(searched.cost.sampleSteps).toBeLessThanOrEqual(1);
    const printed = (await run(['solve', 'maze', question])).stdout.join('\n');
    expect(printed).toMatch(/search: \d+ branch points?, 0 dead ends, (0 network steps|1 network step)\n/);
    expect(isValidShortestPath(parseMazeString(question), parseMazeString(searched.answer, 'answer', { allowPath: true }))).toBe(true);
    const both = await run(['solve', 'maze', question, '--dive', '--no-dive']);
    expect(both.code).toBe(2);
    expect(both.stderr.join('')).toMatch(/InvalidInputError: --dive: give --dive or --no-dive, not both/);
    const evaluated = await run(['eval', 'maze', '--data', out, '--json']);
    expect(evaluated.code).toBe(0);
    const report = JSON.parse(evaluated.stdout.join('\n'));
    expect(report.count).toBe(2);
    expect(report.accuracyMetric).toBe('valid-shortest-path');
    expect(report).toMatchObject({ exactAccuracy: 1, wrong: 0, abstained: 0, verifiedButWrong: 0 });
    expect(report.settings).toMatchObject({ searchSteps: 2000, stepsPerState: 1, dive: true });
  });

  it('train maze --sizes runs a grid curriculum with held-out evaluations; the manifest records the sizes; one export runs any size', async () => {
    const out = join(directory, 'curriculum');
    const trained = await run(['train', 'maze', '--sizes', '8,10', '--advance-at', '0', '--steps', '6', '--hidden', '8', '--batch-size', '4', '--checkpoint-every', '2', '--eval-count', '4', '--inline-data', '--out', out]);
    expect(trained.code, trained.stderr.join('\n')).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    // Stage 1 passes its (zero) bar at the first evaluation, so 10x10 starts at step 2.
    expect(manifest.training.grids).toEqual([
      { fromStep: 0, height: 8, width: 8 },
      { fromStep: 2, height: 10, width: 10 },
    ]);
    expect(manifest.architecture).toMatchObject({ mixer: 'conv', grid: { height: 10, width: 10 }, sequenceLength: 100 });
    expect(manifest.training.cpuSeconds).toBeGreaterThan(0);
    // The task's default search is the trained model's, as it is the shipped one's.
    expect(manifest.search).toEqual({ steps: 2000, stepsPerState: 1, dive: true });
    const evaluations = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line)).filter((line) => line.type === 'eval');
    expect(evaluations.map((line) => line.grid)).toEqual(['8x8', '10x10', '10x10']);
    for (const line of evaluations) expect(line).toMatchObject({ count: 4, accuracy: expect.any(Number), cpuSeconds: expect.any(Number) });

    const exported = await run(['export', '--checkpoint', out, '--grid', '16x16', '--out', join(directory, 'any-size', 'm.onnx')]);
    expect(exported.code, exported.stderr.join('\n')).toBe(0);
    const exportedManifest = JSON.parse(await readFile(join(directory, 'any-size', 'manifest.json'), 'utf8'));
    expect(exportedManifest.architecture).toMatchObject({ grid: { height: 16, width: 16 }, sequenceLength: 256 });
    expect(exportedManifest.search).toEqual(manifest.search);
    expect((await run(['export', '--checkpoint', out, '--grid', '16x12'])).code).toBe(2);

    // A 12x12 maze file line with a free cell at both ends: spaces are cells, never trimmed.
    const rows = Array.from({ length: 12 }, (_, row) => (row === 0 ? ' S'.padEnd(12, ' ') : row === 11 ? 'G '.padStart(12, ' ') : ' '.repeat(12)));
    rows[5] = ' ' + '#'.repeat(10) + ' ';
    expect(rows.join('')).toMatch(/^ .* $/);
    const file = join(directory, 'spaced.txt');
    await writeFile(file, `${rows.join('')}\n`);
    const solved = await run(['solve', 'maze', '--input', file, '--json', '--model', join(directory, 'any-size', 'manifest.json'), '--max-steps', '2']);
    expect(solved.code, solved.stderr.join('\n')).toBe(0);
    const answer = JSON.parse(solved.stdout[0]!);
    expect(answer.answer).toHaveLength(144);
    expect(answer.verified).toBe(isValidShortestPath(parseMazeString(rows.join('')), parseMazeString(answer.answer, 'answer', { allowPath: true })));

    const svg = join(directory, 'curve.svg');
    const curves = await run(['curves', '--metrics', join(out, 'metrics.jsonl'), '--label', 'conv', '--every', '2', '--out', svg]);
    expect(curves.code, curves.stderr.join('\n')).toBe(0);
    const picture = await readFile(svg, 'utf8');
    expect(picture).toMatch(/^<svg/);
    expect(picture).toContain('held-out accuracy (10x10)');
    expect(picture).toContain('CPU-minutes');
  }, 120_000);

  it('a broken maze is a typed error naming the field', async () => {
    const { code, stderr } = await run(['solve', 'maze', '#'.repeat(899)]);
    expect(code).toBe(2);
    expect(stderr.join('')).toMatch(/InvalidInputError: maze/);
  });

  it('each command prints its usage with --help', async () => {
    const { code, stdout } = await run(['train', '--help']);
    expect(code).toBe(0);
    expect(stdout.join('')).toMatch(/--depth-curriculum/);
  });

  it('an Object.prototype name is no command: `toString --help` is an unknown command (exit 2), not a function\'s source printed as usage', async () => {
    const { code, stdout, stderr } = await run(['toString', '--help']);
    expect(code).toBe(2);
    expect([...stdout, ...stderr].join('\n')).not.toMatch(/native code|function/);
    expect(stderr.join('\n')).toMatch(/unknown command "toString"/);
  });
});

describe('trm solve without a task routes each line', () => {
  it('answers raw and JSON lines, adds "task", reports bad lines as typed errors', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'trm-route-'));
    const generator = createSudokuGenerator({ seed: 31 });
    const a = formatSudoku(generator.next().puzzle);
    const b = formatSudoku(generator.next().puzzle);
    const file = join(directory, 'mixed.txt');
    await writeFile(file, [a, JSON.stringify({ task: 'sudoku', input: b }), 'what is this', JSON.stringify({ puzzle: a })].join('\n'));
    const { code, stdout } = await run(['solve', '--input', file, '--json', '--max-steps', '2']);
    expect(code).toBe(2);
    const lines = stdout.map((line) => JSON.parse(line));
    expect(lines.map((line) => line.task)).toEqual(['sudoku', 'sudoku', null, 'sudoku']);
    expect(lines[2].error).toMatchObject({ name: 'InvalidInputError' });
    expect(lines[0].verified).toBe(isValidSolution(parseSudokuString(a), parseSudokuString(lines[0].answer)));
    expect(lines[3].answer).toBe(lines[0].answer); // same puzzle, same answer, whatever shares the batch
    await rm(directory, { recursive: true, force: true });
  });

  it('answers every line of a file larger than the queue (1,200 lines; 150 with 8 copies each), none lost', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'trm-route-'));
    const generator = createSudokuGenerator({ seed: 32 });
    const puzzles = Array.from({ length: 40 }, () => formatSudoku(generator.next().puzzle));
    const file = join(directory, 'many.txt');
    // The router's queue takes 1,024 waiting requests: the file is fed as slots free up, not all at once.
    await writeFile(file, Array.from({ length: 1200 }, (_, index) => puzzles[index % puzzles.length]).join('\n'));
    const many = await run(['solve', '--input', file, '--json', '--fixed-steps', '1']);
    expect(many.code).toBe(0);
    const answers = many.stdout.map((line) => JSON.parse(line));
    expect(answers).toHaveLength(1200);
    expect(answers.every((line, index) => line.task === 'sudoku' && line.input === puzzles[index % puzzles.length] && /^[0-9]{81}$/.test(line.answer))).toBe(true);
    // Copies fill the queue too (150 mazes x 8 copies = 1,200 entries): the default sudoku model
    // always searches and takes no copies, so small mazes carry them, their default search off.
    const mazes = createMazeGenerator({ seed: 33, side: 10, band: 'medium', split: 'test' });
    const few = join(directory, 'few.txt');
    await writeFile(few, Array.from({ length: 150 }, () => formatMaze(mazes.next().maze)).join('\n'));
    const copies = await run(['solve', '--input', few, '--json', '--fixed-steps', '1', '--copies', '8', '--search-steps', '0']);
    expect(copies.code, copies.stderr.join('\n')).toBe(0);
    expect(copies.stdout.map((line) => JSON.parse(line).cost.copies)).toEqual(Array.from({ length: 150 }, () => 8));
    await rm(directory, { recursive: true, force: true });
  });
});
