import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The built command, as a user runs it (pnpm test builds first).
const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'trm-candidates-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const trm = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('candidate models: trained, exported and searched through the CLI', () => {
  it('a relations-mixer candidate model trains, exports, and its search is right or abstains, even when its drops are wrong', () => {
    const out = join(work, 'run');
    const trained = trm('train', 'sudoku', '--input', 'candidates', '--mixer', 'relations', '--hidden', '16', '--batch-size', '4', '--steps', '3', '--out', out, '--threads', '1');
    expect(trained.status, trained.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.architecture).toMatchObject({ input: 'candidates', mixer: 'relations' });
    expect(manifest.architecture.relations).toHaveLength(27);
    const data = join(work, 'puzzles.csv');
    expect(trm('data', 'sudoku', '--count', '12', '--split', 'test', '--seed', '4', '--out', data).status).toBe(0);
    // An untrained model told to drop whatever it keeps with probability under 0.9 drops true
    // digits: the search pays for them in fallbacks, never in a wrong answer.
    const evaluated = trm('eval', 'sudoku', '--data', data, '--model', join(out, 'manifest.json'), '--search-steps', '400', '--keep-threshold', '0.9', '--json', '--threads', '1');
    expect(evaluated.status, evaluated.stderr).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(report.wrong).toBe(0);
    expect(report.count).toBe(12);
    expect(report.search.meanEliminations).toBeGreaterThan(0);
    expect(report.search.meanFallbacks).toBeGreaterThan(0);
    expect(Math.round(report.exactAccuracy * 12) + report.abstained).toBe(12);
    // Without --search-steps a candidate model still searches (its default budget).
    const plain = trm('solve', 'sudoku', '--model', join(out, 'manifest.json'), '--threads', '1', '4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......');
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/search: \d+ branch points|abstained/);
  });

  it('a task file with several valid answers (the Latin square) trains a candidate model on its domain’s targets, and it searches', () => {
    const task = fileURLToPath(new URL('../../../../examples/custom-task/latin-square.js', import.meta.url));
    const out = join(work, 'latin');
    const trained = trm('train', '--task', task, '--input', 'candidates', '--mixer', 'relations', '--hidden', '16', '--batch-size', '4', '--steps', '3', '--out', out, '--threads', '1');
    expect(trained.status, trained.stderr).toBe(0);
    const data = join(work, 'latin.csv');
    expect(trm('data', '--task', task, '--count', '8', '--blanks', '10-20', '--split', 'test', '--seed', '5', '--out', data).status).toBe(0);
    const evaluated = trm('eval', '--task', task, '--data', data, '--model', join(out, 'manifest.json'), '--search-steps', '200', '--json', '--threads', '1');
    expect(evaluated.status, evaluated.stderr).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(report.wrong).toBe(0);
    expect(report.search).toBeDefined();
  });

  it('a maze candidate model (conv, 10x10) trains on the maze domain and its search gives valid shortest paths, even when its drops are wrong', () => {
    const out = join(work, 'maze-candidates');
    const trained = trm('train', 'maze', '--input', 'candidates', '--size', '10', '--hidden', '16', '--batch-size', '4', '--steps', '3', '--out', out, '--threads', '1');
    expect(trained.status, trained.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.architecture).toMatchObject({ input: 'candidates', mixer: 'conv' });
    // The maze task's default search, less the steps per state a candidate model does not take.
    expect(manifest.search).toEqual({ steps: 2000, dive: true });
    const data = join(work, 'mazes.csv');
    expect(trm('data', 'maze', '--count', '6', '--size', '10', '--band', 'medium', '--split', 'test', '--seed', '9', '--out', data).status).toBe(0);
    const evaluated = trm('eval', 'maze', '--data', data, '--model', join(out, 'manifest.json'), '--keep-threshold', '0.9', '--json', '--threads', '1');
    expect(evaluated.status, evaluated.stderr).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(report).toMatchObject({ count: 6, wrong: 0, abstained: 0, exactAccuracy: 1 });
    expect(report.search.meanEliminations).toBeGreaterThan(0);
  });

  it('attention with 2-D rotary positions trains a candidate model whose manifest records rope and grid; --rope is refused off attention', () => {
    const out = join(work, 'attention');
    const trained = trm('train', 'sudoku', '--input', 'candidates', '--mixer', 'attention', '--rope', '2d', '--hidden', '16', '--batch-size', '4', '--steps', '2', '--out', out, '--threads', '1');
    expect(trained.status, trained.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.architecture).toMatchObject({ input: 'candidates', mixer: 'attention', rope: '2d', grid: { height: 9, width: 9 } });
    for (const [args, message] of [[['--mixer', 'mlp', '--rope', '2d'], /--rope.*add --mixer attention/], [['--mixer', 'attention', '--rope', '3d'], /--rope.*expected 1d or 2d/]] as const) {
      const refused = trm('train', 'sudoku', ...args, '--steps', '1', '--out', join(work, 'refused'));
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(message);
    }
  });

  it('refuses a candidate model or the relations mixer for a task without a domain (ARC), naming the flag before asking for data', () => {
    for (const args of [['--input', 'candidates'], ['--mixer', 'relations'], ['--input', 'sets']]) {
      const result = trm('train', 'arc', ...args, '--steps', '1', '--out', join(work, 'arc'));
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(args[0] === '--input' ? /--input/ : /--mixer/);
      expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    }
    // --from fixes what the network reads: asking for the other input is refused, not ignored.
    // (The default sudoku model reads candidate sets.)
    const mismatch = trm('train', 'sudoku', '--from', 'default', '--input', 'tokens', '--steps', '1', '--out', join(work, 'from'));
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toMatch(/--input.*reads candidates/);
  });
});
