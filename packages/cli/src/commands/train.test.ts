import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The built command, as a user runs it (pnpm test builds first): a hang shows only in a real process.
const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'trm-train-errors-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// A failed run must end on its own: once hung for ever on the data worker it had started.
const bound = 60_000;
const small = ['--steps', '3', '--hidden', '16', '--batch-size', '4'];

function train(args: string[]) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [bin, 'train', 'sudoku', ...args], { encoding: 'utf8', timeout: bound });
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

/** Exited by itself, with code 2 and a typed error (no stack trace) matching `message`. */
function expectTypedExit(result: ReturnType<typeof train>, message: RegExp) {
  expect(result.signal, `killed after ${result.seconds} s: the process did not exit; stderr: ${result.stderr}`).toBeNull();
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
}

/** A run folder with a good checkpoint of the small model. */
function trainedRun(name: string) {
  const out = join(work, name);
  const result = train([...small, '--steps', '1', '--out', out]);
  expect(result.status, result.stderr).toBe(0);
  return out;
}

describe('trm train ends with a typed error when a run fails', () => {
  it.each([
    [['--lr=-1'], /InvalidInputError: --lr: /],
    [['--weight-decay=-1'], /InvalidInputError: --weight-decay: /],
    [['--warmup', '1.5'], /InvalidInputError: --warmup: /],
    [['--batch-size', '0'], /InvalidInputError: --batch-size: /],
  ])('%j', (flags, message) => {
    expectTypedExit(train(['--steps', '3', '--out', join(work, 'flags'), ...flags]), message);
  });

  it('--out under a regular file', () => {
    writeFileSync(join(work, 'a-file'), 'x');
    expectTypedExit(train([...small, '--out', join(work, 'a-file', 'run')]), /InvalidInputError: --out: cannot make the folder/);
  });

  it('--resume over a checkpoint header that is not JSON (fails after the data worker started)', () => {
    const out = join(work, 'garbage');
    mkdirSync(out);
    writeFileSync(join(out, 'checkpoint.json'), '{garbage');
    expectTypedExit(train([...small, '--out', out, '--resume']), /ModelLoadError: .*checkpoint\.json: not valid JSON/);
  });

  it('--resume over a truncated checkpoint.bin, and over one a byte too long', () => {
    const out = trainedRun('truncated');
    const bytes = readFileSync(join(out, 'checkpoint.bin'));
    writeFileSync(join(out, 'checkpoint.bin'), bytes.subarray(0, bytes.length - 4));
    expectTypedExit(train([...small, '--out', out, '--resume']), /ModelLoadError: .*checkpoint\.bin: holds \d+ bytes, but checkpoint\.json lists/);
    writeFileSync(join(out, 'checkpoint.bin'), Buffer.concat([bytes, Buffer.of(0)]));
    expectTypedExit(train([...small, '--out', out, '--resume']), /ModelLoadError: .*checkpoint\.bin: holds \d+ bytes/);
  });

  it('--resume of a run with another architecture names the field', () => {
    const out = trainedRun('other-architecture');
    expectTypedExit(train([...small, '--hidden', '32', '--out', out, '--resume']), /InvalidInputError: architecture\.hiddenSize: the checkpoint in .* has hiddenSize 16, this run asks for 32/);
  });

  it('--lr 1e30 stops at the first sign of divergence, naming the step, and leaves no model or manifest', () => {
    const out = join(work, 'diverges');
    const result = train([...small, '--steps', '20', '--lr', '1e30', '--checkpoint-every', '1', '--out', out]);
    expectTypedExit(result, /TrainingDivergedError: step \d+: /);
    const files = readdirSync(out);
    expect(files).not.toContain('manifest.json');
    expect(files).not.toContain('model.onnx');
  });
});

