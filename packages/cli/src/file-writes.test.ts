import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSudokuGenerator, formatSudoku } from '@trm/tasks-sudoku';
import { main } from './main';

// A full disk (tests run as root, so permissions stop nothing): while `fullDisk.file` is set,
// handles opened on a path containing it write a few bytes of each write, then fail with ENOSPC.
const fullDisk = vi.hoisted(() => ({ file: undefined as string | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof original.open = async (...args) => {
    const handle = await original.open(...args);
    if (fullDisk.file !== undefined && String(args[0]).includes(fullDisk.file)) {
      const write = handle.writeFile.bind(handle);
      handle.writeFile = async (data: string | Uint8Array) => {
        await write(typeof data === 'string' ? data.slice(0, 10) : data.subarray(0, 10));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      };
    }
    return handle;
  };
  return { ...original, open };
});

async function run(argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) });
  return { code, stdout, stderr: stderr.join('\n') };
}

describe('the CLI writes its files whole or not at all', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'trm-cli-writes-'));
  });
  afterEach(() => {
    fullDisk.file = undefined;
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it.runIf(existsSync('/dev/full'))('trm data --out /dev/full is a typed error naming --out, exit code 2, no crash (it once died on an unhandled error event)', () => {
    const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
    const result = spawnSync(process.execPath, [bin, 'data', 'sudoku', '--count', '50', '--out', '/dev/full'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/InvalidInputError: --out: cannot write \/dev\/full: ENOSPC/);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('trm data on a full disk leaves the CSV that was there and no temporary file; then writes every row', async () => {
    const folder = await mkdtemp(join(directory, 'data-'));
    const out = join(folder, 'rows.csv');
    await writeFile(out, 'source,question,answer,rating\nold,row,here,1\n');
    fullDisk.file = 'rows.csv';
    const failed = await run(['data', 'sudoku', '--count', '20', '--out', out]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/InvalidInputError: --out: cannot write .*rows\.csv: ENOSPC/);
    expect(await readFile(out, 'utf8')).toBe('source,question,answer,rating\nold,row,here,1\n');
    expect(await readdir(folder)).toEqual(['rows.csv']);
    fullDisk.file = undefined;
    const written = await run(['data', 'sudoku', '--count', '20', '--out', out]);
    expect(written.code).toBe(0);
    expect((await readFile(out, 'utf8')).trim().split('\n')).toHaveLength(21);
  });

  it('eval --record on a full disk leaves the manifest as it was (the model still loads) and no temporary file', async () => {
    const run1 = join(directory, 'model');
    expect((await run(['train', 'sudoku', '--steps', '1', '--hidden', '16', '--batch-size', '4', '--out', run1, '--inline-data'])).code).toBe(0);
    const manifestPath = join(run1, 'manifest.json');
    const before = await readFile(manifestPath, 'utf8');
    const generator = createSudokuGenerator({ seed: 3 });
    const rows = ['question,answer'];
    for (let index = 0; index < 2; index++) {
      const generated = generator.next();
      rows.push(`${formatSudoku(generated.puzzle)},${formatSudoku(generated.solution)}`);
    }
    const data = join(directory, 'eval.csv');
    await writeFile(data, rows.join('\n'));
    const evaluate = ['eval', 'sudoku', '--data', data, '--model', manifestPath, '--record', '--max-steps', '1', '--json'];
    fullDisk.file = 'manifest.json';
    const failed = await run(evaluate);
    fullDisk.file = undefined;
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/InvalidInputError: --record: cannot write .*manifest\.json: ENOSPC/);
    expect(await readFile(manifestPath, 'utf8')).toBe(before);
    expect((await readdir(run1)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    // And with room on the disk, the figures are recorded.
    expect((await run(evaluate)).code).toBe(0);
    expect(JSON.parse(await readFile(manifestPath, 'utf8')).metrics.length).toBeGreaterThan(0);
  });
});
