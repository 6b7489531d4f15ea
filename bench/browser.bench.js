// Browser WebAssembly against Node onnxruntime on the shipped sudoku model: puzzles/s at batch 1
// (one puzzle at a time), 16 fixed steps. Needs Debian's Chromium and a built examples/web.
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { createSolver } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { createSudokuGenerator, formatSudoku, sudoku } from '@trm/tasks-sudoku';
import { launchChromium, serveDist } from '../examples/web/serve-dist.js';

const chromiumPath = process.env.TRM_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.log(JSON.stringify({ bench: 'browser', skipped: `no Chromium at ${chromiumPath}` }));
  process.exit(0);
}
const generator = createSudokuGenerator({ seed: 11 });
const puzzles = Array.from({ length: 12 }, () => formatSudoku(generator.next().puzzle));
const steps = 16;

const server = await serveDist();
const browser = await launchChromium(chromiumPath);
const page = await browser.newPage();
await page.goto(`${server.origin}/`);
await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { polling: 100 });
const web = await page.evaluate((options) => window.trmBench(options), { device: 'wasm', puzzles, steps });
await browser.close();
await server.close();

const threads = Number(process.env.TRM_BENCH_THREADS ?? cpus().length);
const solver = await createSolver({ specialist: sudoku, runtime: createNodeRuntime({ device: 'cpu', intraOpThreads: threads }) });
await solver.solve(puzzles[0], { halting: { mode: 'fixed', steps } });
const started = performance.now();
for (const puzzle of puzzles) await solver.solve(puzzle, { halting: { mode: 'fixed', steps } });
const nodePuzzlesPerSecond = puzzles.length / ((performance.now() - started) / 1000);
await solver.dispose();

console.log(
  JSON.stringify({
    bench: 'browser',
    model: sudoku.modelId,
    batchSize: 1,
    steps,
    browserWasmPuzzlesPerSecond: Number(web.puzzlesPerSecond.toFixed(2)),
    browserThreads: web.threads,
    nodePuzzlesPerSecond: Number(nodePuzzlesPerSecond.toFixed(2)),
    nodeThreads: threads,
    nodeOverBrowser: Number((nodePuzzlesPerSecond / web.puzzlesPerSecond).toFixed(2)),
  }),
);
