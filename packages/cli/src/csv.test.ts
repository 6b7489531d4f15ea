import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSudokuGenerator, formatSudoku } from '@trm/tasks-sudoku';
import { parseCsv } from './csv';
import { readPuzzleFile } from './commands/solve';
import { main } from './main';

// Excel's "CSV UTF-8" and Windows Notepad start files with this mark.
const BOM = '\uFEFF';

async function run(argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) });
  return { code, stdout, stderr };
}

describe('files that start with a UTF-8 byte-order mark', () => {
  let directory: string;
  const generator = createSudokuGenerator({ seed: 31 });
  const generated = [generator.next(), generator.next()];
  const puzzles = generated.map((entry) => formatSudoku(entry.puzzle));
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'trm-bom-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('parseCsv reads the first header name without the mark', () => {
    expect(parseCsv(`${BOM}question,answer\n${puzzles[0]},x\n`)).toEqual([{ question: puzzles[0], answer: 'x' }]);
  });

  it('readPuzzleFile finds the question column of a CSV, and the first puzzle of a plain file, without the mark', async () => {
    const csv = join(directory, 'puzzles.csv');
    await writeFile(csv, `${BOM}question,answer\n${puzzles[0]},x\n${puzzles[1]},y\n`);
    expect(await readPuzzleFile(csv)).toEqual([
      { line: 2, text: puzzles[0] },
      { line: 3, text: puzzles[1] },
    ]);
    const plain = join(directory, 'puzzles.txt');
    await writeFile(plain, `${BOM}${puzzles[0]}\n${puzzles[1]}\n`);
    expect((await readPuzzleFile(plain)).map((entry) => entry.text)).toEqual(puzzles);
  });

  it('trm solve --input and trm eval --data answer every row of such a CSV', async () => {
    const file = join(directory, 'eval.csv');
    const rows = generated.map((entry) => `${formatSudoku(entry.puzzle)},${formatSudoku(entry.solution)},${entry.rating},A`);
    await writeFile(file, `${BOM}question,answer,rating,level\n${rows.join('\n')}\n`);

    const solved = await run(['solve', 'sudoku', '--input', file, '--json', '--fixed-steps', '1']);
    expect(solved.code).toBe(0);
    const lines = solved.stdout.map((line) => JSON.parse(line));
    expect(lines.map((line) => line.input)).toEqual(puzzles);
    for (const line of lines) expect(line.error).toBeUndefined();

    const evaluated = await run(['eval', 'sudoku', '--data', file, '--json', '--fixed-steps', '1']);
    expect(evaluated.code).toBe(0);
    const report = JSON.parse(evaluated.stdout[0]!);
    expect(report.count).toBe(2);
    expect(Object.keys(report.byLevel)).toEqual(['A']);
  });

  it('trm solve arc reads a task JSON file that starts with the mark', async () => {
    const file = join(directory, 'flip.json');
    const task = { train: [{ input: [[1, 2]], output: [[2, 1]] }], test: [{ input: [[3, 4]] }] };
    await writeFile(file, `${BOM}${JSON.stringify(task)}`);
    const solved = await run(['solve', 'arc', file, '--json', '--fixed-steps', '1', '--threads', '1']);
    expect(solved.stderr.join('\n')).toBe('');
    expect(solved.code).toBe(0);
    expect(solved.stdout).toHaveLength(1);
    expect(JSON.parse(solved.stdout[0]!).attempts.length).toBeGreaterThan(0);
  });
});
