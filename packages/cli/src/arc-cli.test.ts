import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArcGrid } from '@trm/tasks-arc';
import { readOnnxInitializers } from '@trm/trainer';
import { main } from './main';

async function run(argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) });
  return { code, stdout, stderr };
}

/** Small ARC-format tasks made here (no third-party data): flip, recolour, transpose. */
function fixtureTasks() {
  const grid = (seed: number, height: number, width: number) => Array.from({ length: height }, (_, r) => Array.from({ length: width }, (_, c) => (seed * 7 + r * 3 + c * 5) % 4));
  const rules: Record<string, (g: number[][]) => number[][]> = {
    flip: (g) => g.map((row) => [...row].reverse()),
    recolour: (g) => g.map((row) => row.map((cell) => (cell === 1 ? 2 : cell))),
    transpose: (g) => g[0]!.map((_, c) => g.map((row) => row[c]!)),
  };
  return Object.entries(rules).map(([name, rule], index) => {
    const pairs = Array.from({ length: 4 }, (_, k) => grid(index * 10 + k, 2 + (k % 3), 3));
    return { name, task: { train: pairs.slice(0, 3).map((input) => ({ input, output: rule(input) })), test: [{ input: pairs[3]!, output: rule(pairs[3]!) }] } };
  });
}

describe('trm CLI for ARC', () => {
  let directory: string;
  let tasks: string;
  let manifest: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'trm-arc-cli-'));
    tasks = join(directory, 'tasks');
    await mkdir(tasks);
    for (const { name, task } of fixtureTasks()) await writeFile(join(tasks, `${name}.json`), JSON.stringify(task));
    const out = join(directory, 'run');
    const trained = await run(['train', 'arc', '--data', tasks, '--size', '6', '--hidden', '16', '--steps', '8', '--batch-size', '8', '--variants', '2', '--checkpoint-every', '4', '--threads', '1', '--inline-data', '--out', out]);
    expect(trained.code).toBe(0);
    manifest = join(out, 'manifest.json');
  }, 120_000);
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('train arc names every task variant in the manifest, one embedding each, the cells reading the prefix', async () => {
    const written = JSON.parse(await readFile(manifest, 'utf8'));
    expect(written.puzzles.names).toEqual(['flip@0', 'flip@1', 'recolour@0', 'recolour@1', 'transpose@0', 'transpose@1']);
    expect(written.architecture.puzzleIdentifiers).toBe(7);
    expect(written.architecture.prefixToCells).toBe(true);
    expect(written.training.data).toMatch(/3 of 3 tasks/);
  });

  it('train arc --from MODEL starts from its weights, each known task variant keeping its own embedding, a new one starting from the unseen one', async () => {
    // Another data set: a new task that sorts first, so every old task's identifier moves.
    const more = join(directory, 'more-tasks');
    await mkdir(more);
    for (const name of ['flip', 'transpose']) await writeFile(join(more, `${name}.json`), await readFile(join(tasks, `${name}.json`)));
    const [recolour] = fixtureTasks().filter((entry) => entry.name === 'recolour');
    await writeFile(join(more, 'a-new.json'), JSON.stringify(recolour!.task));
    const out = join(directory, 'from-run');
    // Learning rate 0: the exported weights are exactly where the run started.
    const trained = await run(['train', 'arc', '--data', more, '--from', manifest, '--size', '6', '--steps', '1', '--batch-size', '4', '--variants', '2', '--lr', '0', '--threads', '1', '--inline-data', '--out', out]);
    expect(trained.code).toBe(0);
    const base = JSON.parse(await readFile(manifest, 'utf8'));
    const next = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(next.training.from).toMatchObject({ id: base.id, sha256: base.weights[0].sha256, steps: base.training.steps });
    expect(next.puzzles.names).toEqual(['a-new@0', 'a-new@1', 'flip@0', 'flip@1', 'transpose@0', 'transpose@1']);
    const table = async (file: string) => readOnnxInitializers(new Uint8Array(await readFile(file))).get('embedding.puzzle')!.data;
    const before = await table(join(directory, 'run', base.weights[0].path));
    const after = await table(join(out, next.weights[0].path));
    const hidden = base.architecture.hiddenSize;
    const row = (values: Float32Array, index: number) => Array.from(values.subarray(index * hidden, (index + 1) * hidden));
    next.puzzles.names.forEach((name: string, index: number) => {
      const old = base.puzzles.names.indexOf(name);
      expect(row(after, index + 1)).toEqual(row(before, old >= 0 ? old + 1 : 0));
    });
    expect(row(after, 1)).not.toEqual(row(before, 1)); // a-new@0 is not flip@0's old row
    // The model fixes the architecture; a model of another task is refused.
    const conflict = await run(['train', 'arc', '--data', more, '--from', manifest, '--hidden', '32', '--steps', '1', '--out', join(directory, 'conflict')]);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr.join('\n')).toMatch(/--hidden/);
  });

  it('solve arc TASK.json --json prints one object per test input with two attempts as grids', async () => {
    const file = join(tasks, 'flip.json');
    const { code, stdout } = await run(['solve', 'arc', file, '--json', '--model', manifest, '--threads', '1']);
    expect(code).toBe(0);
    expect(stdout).toHaveLength(1);
    const line = JSON.parse(stdout[0]!);
    expect(Object.keys(line).slice(0, 5)).toEqual(['task', 'file', 'testIndex', 'attempts', 'adapted']);
    expect(line).toMatchObject({ task: 'arc', file, testIndex: 0, adapted: false, known: true, copies: 2 });
    expect(line.attempts.length).toBeLessThanOrEqual(2);
    for (const attempt of line.attempts) expect(parseArcGrid(attempt)).toEqual(attempt); // every attempt is a valid ARC grid
  });

  it('solve arc --adapt trains on the demonstrations first and reports the self-check', async () => {
    const { code, stdout, stderr } = await run(['solve', 'arc', join(tasks, 'recolour.json'), '--json', '--model', manifest, '--adapt', '5', '--threads', '1']);
    expect(code).toBe(0);
    const line = JSON.parse(stdout[0]!);
    expect(line.adapted).toBe(true);
    expect(typeof line.selfCheck).toBe('boolean'); // 3 demonstrations: the last is held out
    expect(stderr.some((text) => /step 5\/5/.test(text))).toBe(true);
    expect(line.adaptWeights).toBe('all'); // ARC's measured default
    const embeddings = await run(['solve', 'arc', join(tasks, 'recolour.json'), '--json', '--model', manifest, '--adapt', '2', '--adapt-weights', 'embedding', '--threads', '1']);
    expect(JSON.parse(embeddings.stdout[0]!).adaptWeights).toBe('embedding');
  });

  it('eval arc --data scores pass@2 against the test outputs, per task and overall, with CPU time', async () => {
    const { code, stdout } = await run(['eval', 'arc', '--data', tasks, '--model', manifest, '--json', '--threads', '1']);
    expect(code).toBe(0);
    const lines = stdout.map((text) => JSON.parse(text));
    const perTask = lines.filter((line) => line.type === 'task');
    expect(perTask.map((line) => line.name)).toEqual(['flip', 'recolour', 'transpose']);
    for (const line of perTask) {
      expect(line.tests).toBe(1);
      expect(line.cpuSeconds).toBeGreaterThan(0);
    }
    const summary = lines.find((line) => line.type === 'summary');
    expect(summary.tasks).toBe(3);
    expect(summary.passAtK).toBe(perTask.filter((line) => line.right === 1).length / 3);
    expect(summary.knownTasks).toBe(3);
  });

  it('eval arc --data reads subfolders too (ConceptARC keeps a folder per concept)', async () => {
    const nested = join(directory, 'nested');
    for (const [folder, name] of [['b-concept', 'transpose'], ['a-concept', 'flip']]) {
      await mkdir(join(nested, folder), { recursive: true });
      await writeFile(join(nested, folder, `${name}.json`), await readFile(join(tasks, `${name}.json`)));
    }
    const { code, stdout } = await run(['eval', 'arc', '--data', nested, '--model', manifest, '--json', '--threads', '1']);
    expect(code).toBe(0);
    const names = stdout.map((text) => JSON.parse(text)).filter((line) => line.type === 'task').map((line) => line.name);
    expect(names).toEqual(['flip', 'transpose']);
  });

  it('bad ARC input is a typed error naming the field', async () => {
    const bad = join(directory, 'bad.json');
    await writeFile(bad, JSON.stringify({ train: [{ input: [[1, 2], [3]], output: [[1]] }], test: [{ input: [[1]] }] }));
    const solved = await run(['solve', 'arc', bad, '--model', manifest]);
    expect(solved.code).toBe(2);
    expect(solved.stderr.join('\n')).toMatch(/bad\.json\.train\[0\]\.input\[1\]: ragged grid/);
    const evaluated = await run(['eval', 'arc', '--model', manifest]);
    expect(evaluated.code).toBe(2);
    expect(evaluated.stderr.join('\n')).toMatch(/--data/);
    const trained = await run(['train', 'arc', '--steps', '1']);
    expect(trained.code).toBe(2);
    expect(trained.stderr.join('\n')).toMatch(/--data/);
  });

  it('solve --input routes an ARC task JSON line to the ARC specialist, beside a sudoku line', async () => {
    const lines = join(directory, 'mixed.txt');
    const arcTaskLine = JSON.stringify(fixtureTasks()[0]!.task);
    await writeFile(lines, ['..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..', arcTaskLine, '{"train": [], "test": []}'].join('\n'));
    const { stdout } = await run(['solve', '--input', lines, '--json', '--max-steps', '2', '--threads', '1']);
    const results = stdout.map((text) => JSON.parse(text));
    expect(results.map((result) => result.task)).toEqual(['sudoku', 'arc', null]);
    const answer = JSON.parse(results[1].answer);
    if (answer.length > 0) expect(parseArcGrid(answer)).toEqual(answer); // an ARC grid, or [] when the canvas held none
    expect(results[1].verified).toBe(false); // nothing checks an ARC answer
    expect(results[2].error.field).toMatch(/task\.train/); // looks like ARC, so ARC's parser names the field
  });
});
