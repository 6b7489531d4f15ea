// The demo page in real Chromium (Debian's), driven by playwright-core: it loads, solves on
// WebAssembly and on WebGPU (a software adapter here), and its verified badge tells the truth.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSolver } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { createMazeGenerator, formatMaze, isValidShortestPath, maze, parseMazeString } from '@trm/tasks-maze';
import { createSudokuGenerator, formatSudoku, isValidSolution, parseSudokuString, sudoku } from '@trm/tasks-sudoku';
import { launchChromium, serveDist } from './serve-dist.js';

const chromiumPath = process.env.TRM_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium && process.env.TRM_REQUIRE_BROWSER) throw new Error(`browser tests required but ${chromiumPath} is missing`);
const here = fileURLToPath(new URL('.', import.meta.url));
// Screenshots go to a temporary folder; `pnpm docs:screenshots` points this at docs/screenshots.
const screenshots = process.env.TRM_SCREENSHOTS_DIR ?? join(tmpdir(), 'trm-screenshots');
// A unique-solution puzzle with many givens, so a small model can be expected to solve it.
const puzzle = formatSudoku(createSudokuGenerator({ seed: 2026, minGivens: 36 }).next().puzzle);

describe.skipIf(!haveChromium)('demo page in Chromium', () => {
  let server;
  let browser;
  let origin;

  beforeAll(async () => {
    server = await serveDist();
    origin = server.origin;
    browser = await launchChromium(chromiumPath);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function solveOn(device, options = {}) {
    const task = options.task ?? 'sudoku';
    const page = await browser.newPage({ viewport: { width: 1100, height: 780 } });
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const query = new URLSearchParams(Object.entries({ delay: options.delay, steps: options.steps }).filter(([, value]) => value));
    await page.goto(`${origin}/?${query}`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { polling: 100 });
    await page.selectOption('#task', task);
    await page.fill('#puzzle', options.input ?? puzzle);
    await page.selectOption('#device', device);
    await page.click('#solve');
    if (options.midway) await options.midway(page);
    expect(await page.evaluate(() => document.getElementById('error').textContent)).toBe('');
    await page.waitForFunction(() => ['solved', 'error'].includes(document.body.dataset.state), null, { polling: 100, timeout: 120_000 });
    const state = await page.evaluate(() => ({ ...document.body.dataset, error: document.getElementById('error').textContent, device: document.getElementById('device-used').textContent }));
    return { page, state, errors };
  }

  it('solves a sudoku on WebAssembly; the badge says verified only for a valid solution', async () => {
    mkdirSync(screenshots, { recursive: true });
    // Six slowed-down fixed steps, so the page can be caught mid-refinement.
    const { page, state, errors } = await solveOn('wasm', {
      delay: 300,
      steps: 6,
      midway: async (page) => {
        // Interval polling: animation-frame polling stalls in headless background pages.
        await page.waitForFunction(() => Number(document.body.dataset.step) >= 2, null, { polling: 20, timeout: 60_000 });
        await page.screenshot({ path: join(screenshots, 'sudoku-refining.png') });
      },
    });
    expect(errors).toEqual([]);
    expect(state.state).toBe('solved');
    expect(state.device).toBe('wasm');
    expect(state.answer).toMatch(/^[0-9]{81}$/);
    expect(state.verified).toBe(String(isValidSolution(parseSudokuString(puzzle), parseSudokuString(state.answer))));
    // The shipped model solves this easy puzzle.
    expect(state.verified).toBe('true');
    await page.screenshot({ path: join(screenshots, 'sudoku-solved.png') });
    await page.close();
  });

  it('solves a maze on WebAssembly as Node does; the answer verifies, and the badge says so', async () => {
    // The first of these 15x15 test mazes that the shipped model solves in Node: the page must
    // solve it too, with the same path.
    const generator = createMazeGenerator({ seed: 2026, side: 15, band: 'medium', split: 'test' });
    const node = await createSolver({ specialist: maze, runtime: createNodeRuntime({ device: 'cpu' }) });
    let input;
    let expected;
    for (let attempt = 0; attempt < 20 && !expected; attempt++) {
      const candidate = formatMaze(generator.next().maze).match(/.{15}/g).join('\n');
      const result = await node.solve(candidate);
      if (result.verified) [input, expected] = [candidate, result];
    }
    await node.dispose();
    expect(expected, 'the shipped model solves one of 20 medium 15x15 mazes in Node').toBeDefined();
    const { page, state, errors } = await solveOn('wasm', { task: 'maze', input });
    expect(errors).toEqual([]);
    expect(state.state).toBe('solved');
    expect(state.task).toBe('maze');
    expect(state.answer).toHaveLength(225);
    expect(state.verified).toBe(String(isValidShortestPath(parseMazeString(input), parseMazeString(state.answer, 'answer', { allowPath: true }))));
    expect(state.verified).toBe('true');
    expect(state.answer).toBe(expected.answer);
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'maze-solved.png') });
    await page.close();
  }, 180_000);

  it('the WebGPU path gives the same answer as WebAssembly', async () => {
    // A software WebGPU adapter is slow: compare two fixed steps.
    const wasm = await solveOn('wasm', { steps: 2 });
    const webgpu = await solveOn('webgpu', { steps: 2 });
    expect(webgpu.state.error).toBe('');
    expect(webgpu.state.device).toBe('webgpu');
    // Same network, same numbers: the halting confidence agrees closely, and so does every cell
    // but, at most, a few whose two best digits are near-tied.
    expect(Number(webgpu.state.confidence)).toBeCloseTo(Number(wasm.state.confidence), 3);
    const same = [...webgpu.state.answer].filter((digit, cell) => digit === wasm.state.answer[cell]).length;
    expect(same).toBeGreaterThanOrEqual(78);
    await wasm.page.close();
    await webgpu.page.close();
  });

  it('the one-call solve() works in the browser as in Node: same task, same answer', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { polling: 100 });
    const inBrowser = await page.evaluate((input) => window.trmSolve(input, { fixedSteps: 3 }), puzzle);
    const solver = await createSolver({ specialist: sudoku, runtime: createNodeRuntime({ device: 'cpu' }) });
    const inNode = await solver.solve(puzzle, { fixedSteps: 3 });
    await solver.dispose();
    expect(inBrowser.task).toBe('sudoku');
    expect(inBrowser.steps).toBe(3);
    expect(inBrowser.verified).toBe(isValidSolution(parseSudokuString(puzzle), parseSudokuString(inBrowser.answer)));
    const same = [...inBrowser.answer].filter((digit, cell) => digit === inNode.answer[cell]).length;
    expect(same).toBeGreaterThanOrEqual(79); // wasm and native kernels may differ on a near-tied cell
    await expect(page.evaluate(() => window.trmSolve('..3', { maxStep: 2 }).catch((error) => `${error.name} ${error.field}`))).resolves.toBe('InvalidInputError options');
    await page.close();
  }, 180_000);
});
