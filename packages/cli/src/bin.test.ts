import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The built command, as a user runs it (pnpm test builds first).
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const puzzle = '..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..';
const work = mkdtempSync(join(tmpdir(), 'trm-bin-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const trm = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });

describe('the trm command', () => {
  it('answers 400 puzzles given on the command line (over 29 KB of arguments once crashed onnxruntime)', () => {
    const result = trm(['solve', 'sudoku', ...Array(400).fill(puzzle), '--json', '--max-steps', '1']);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(400);
    expect(lines.every((line) => JSON.parse(line).input === puzzle)).toBe(true);
  });

  it('--input reports bad lines by their line number in the file, blank lines counted', () => {
    const file = join(work, 'puzzles.txt');
    writeFileSync(file, `${puzzle}\n\n\nnot a puzzle\n${puzzle}\n`);
    const result = trm(['solve', 'sudoku', '--input', file, '--json', '--max-steps', '1']);
    expect(result.status).toBe(2);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    expect(lines[1].error.field).toBe('line 4');
    expect(lines[2].answer).toMatch(/^[0-9]{81}$/);
  });

  it("routed mode: absurdly nested JSON is that line's typed error; later lines are still answered", () => {
    const file = join(work, 'mixed.txt');
    writeFileSync(file, `${'['.repeat(20000)}${']'.repeat(20000)}\n${puzzle}\n`);
    const result = trm(['solve', '--input', file, '--json', '--max-steps', '1']);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines[0].error.name).toBe('InvalidInputError');
    expect(lines[0].error.field).toMatch(/^line 1/);
    expect(lines[1].task).toBe('sudoku');
    expect(result.status).toBe(2);
  });
});
