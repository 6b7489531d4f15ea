import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main';

const puzzle = '..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..';

async function run(argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) });
  return { code, stdout, stderr };
}

describe('trm solve --input with a huge bad line', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'trm-solve-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('prints the refused line cut short beside its error, and answers the others', async () => {
    const huge = 'x'.repeat(1_000_000);
    const file = join(directory, 'lines.txt');
    await writeFile(file, [huge, puzzle, JSON.stringify({ task: huge, input: puzzle })].join('\n'));
    for (const task of [['sudoku'], []]) {
      const { code, stdout } = await run(['solve', ...task, '--input', file, '--json', '--fixed-steps', '1']);
      expect(code).toBe(2);
      expect(stdout).toHaveLength(3);
      const [bad, good, named] = stdout.map((line) => JSON.parse(line));
      expect(bad.input).toBe(`${'x'.repeat(117)}...`);
      expect(bad.error.field).toMatch(/^line 1/);
      expect(good).toMatchObject({ input: puzzle, task: 'sudoku' });
      expect(named.input.length).toBe(120);
      for (const line of stdout) expect(line.length).toBeLessThan(2_000);
    }
  });
});
