import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArcGrid } from '@trm/tasks-arc';
import * as browser from './browser';
import * as node from './index';

const puzzle = '..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..';

describe('solve() with the shipped models', () => {
  // The browser entry's solve runs in a browser (examples/web's test): Node's fetch reads no file: URLs.
  afterAll(() => node.disposeSolve());

  it('detects the task: a sudoku string, and an ARC task JSON (never verified)', async () => {
    const sudoku = await node.solve(puzzle, { maxSteps: 2 });
    expect(sudoku.task).toBe('sudoku');
    expect(sudoku.answer).toMatch(/^[1-9]{81}$/);
    const arc = await node.solve({ train: [{ input: [[1, 0]], output: [[0, 1]] }], test: [{ input: [[2, 0]] }] }, { maxSteps: 2 });
    expect(arc.task).toBe('arc');
    expect(arc.verified).toBe(false);
    const grid = JSON.parse(arc.answer);
    if (grid.length > 0) expect(parseArcGrid(grid)).toEqual(grid);
  });
});

describe('the two entries', () => {
  it('export the same names, and each makes its own platform’s runtime', () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
    expect(node.createRuntime().name).toBe('onnxruntime-node/auto');
    expect(browser.createRuntime({ device: 'cpu', threads: 1 }).name).toBe('onnxruntime-web/cpu');
    expect(node.createRuntime({ device: 'gpu' }).device).toBe('gpu');
    expect(() => browser.createRuntime({ device: 'tpu' as never })).toThrow(browser.UnsupportedDeviceError);
    expect(node.sudoku.task).toBe('sudoku');
    expect(new Set([node.sudoku, node.maze, node.arc].map((specialist) => specialist.task))).toEqual(new Set(['sudoku', 'maze', 'arc']));
  });

  it('the package resolves by `exports` conditions: browser to the web entry, Node and default to the Node one (built package)', () => {
    const directory = fileURLToPath(new URL('..', import.meta.url));
    // The package imports itself by name, so its own `exports` decide which file loads.
    const runtimeName = (...conditions: string[]) =>
      execFileSync(process.execPath, [...conditions.map((condition) => `--conditions=${condition}`), '--input-type=module', '-e', "const sdk = await import('@trm/sdk'); console.log(sdk.createRuntime().name, typeof sdk.solve)"], { cwd: directory, encoding: 'utf8' }).trim();
    expect(runtimeName()).toBe('onnxruntime-node/auto function');
    expect(runtimeName('browser')).toBe('onnxruntime-web/auto function');
  });
});
