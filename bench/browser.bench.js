// Browser WebAssembly against Node on the shipped models, one puzzle at a time (batch 1), fixed
// steps. To explain the gap it also runs the same onnxruntime-web WebAssembly build inside Node,
// and native onnxruntime-node, each at 1 and at all threads:
//   native / Node-wasm at equal threads  = what WebAssembly kernels cost against native ones;
//   Node-wasm / browser at equal threads = what the browser itself adds.
// Needs Debian's Chromium and a built examples/web.
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createSolver, searchBudget } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { createWebRuntime } from '@trm/runtime-web';
import { createMazeGenerator, formatMaze, maze } from '@trm/tasks-maze';
import { createSudokuGenerator, formatSudoku, sudokuTokens as sudoku } from '@trm/tasks-sudoku';
// The sudoku token model: fixed steps time it, comparable with this bench's earlier lines (the default
// candidate model runs one step per search state; `pnpm bench sudoku-search` times it).
import { launchChromium, serveDist } from '../examples/web/serve-dist.js';

const chromiumPath = process.env.TRM_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.log(JSON.stringify({ bench: 'browser', skipped: `no Chromium at ${chromiumPath}` }));
  process.exit(0);
}
const cores = Number(process.env.TRM_BENCH_THREADS ?? cpus().length);
const sudokuGenerator = createSudokuGenerator({ seed: 11 });
const mazeGenerator = createMazeGenerator({ seed: 11, band: 'medium', split: 'test' });
const workloads = [
  { task: 'sudoku', specialist: sudoku, steps: 16, inputs: Array.from({ length: 12 }, () => formatSudoku(sudokuGenerator.next().puzzle)) },
  { task: 'maze', specialist: maze, steps: 4, inputs: Array.from({ length: 3 }, () => formatMaze(mazeGenerator.next().maze)) },
];

async function timeSolver(runtime, specialist, inputs, steps) {
  const source = { manifest: specialist.model.manifest, weights: new Uint8Array(readFileSync(fileURLToPath(specialist.model.weights))) };
  const solver = await createSolver({ specialist: { ...specialist, model: source }, runtime });
  // The network alone, also for a model that searches by default (mazes).
  const options = { fixedSteps: steps, ...(searchBudget({}, specialist.model.manifest) !== undefined ? { searchSteps: 0 } : {}) };
  await solver.solve(inputs[0], options);
  const started = performance.now();
  for (const input of inputs) await solver.solve(input, options);
  const perSecond = inputs.length / ((performance.now() - started) / 1000);
  await solver.dispose();
  return perSecond;
}

const server = await serveDist();
const browser = await launchChromium(chromiumPath);
const page = await browser.newPage();
await page.goto(`${server.origin}/`);
await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { polling: 100 });
const inBrowser = {};
for (const workload of workloads) {
  // In the page's solver worker (how the page runs the model) and on the page's own thread.
  inBrowser[workload.task] = {
    // The page's own setting: its solver worker, all cores (each thread count in a worker of its own).
    worker: await page.evaluate((options) => window.trmBench(options), { task: workload.task, device: 'wasm', puzzles: workload.inputs, steps: workload.steps, where: 'worker' }),
    workerOneThread: await page.evaluate((options) => window.trmBench(options), { task: workload.task, device: 'wasm', puzzles: workload.inputs, steps: workload.steps, where: 'worker', threads: 1 }),
    page: await page.evaluate((options) => window.trmBench(options), { task: workload.task, device: 'wasm', puzzles: workload.inputs, steps: workload.steps, where: 'page' }),
  };
}
await browser.close();
await server.close();

for (const workload of workloads) {
  const row = { bench: 'browser', task: workload.task, model: workload.specialist.modelId, batchSize: 1, steps: workload.steps, inputs: workload.inputs.length };
  row.browserWasmPerSecond = Number(inBrowser[workload.task].worker.puzzlesPerSecond.toFixed(3));
  row.browserWasmWorkerPerSecond_1t = Number(inBrowser[workload.task].workerOneThread.puzzlesPerSecond.toFixed(3));
  row.browserWasmPageThreadPerSecond = Number(inBrowser[workload.task].page.puzzlesPerSecond.toFixed(3));
  row.browserThreads = inBrowser[workload.task].worker.threads;
  for (const threads of [...new Set([1, cores])]) {
    row[`nodeWasmPerSecond_${threads}t`] = Number((await timeSolver(createWebRuntime({ device: 'wasm', threads }), workload.specialist, workload.inputs, workload.steps)).toFixed(3));
    row[`nodeNativePerSecond_${threads}t`] = Number((await timeSolver(createNodeRuntime({ device: 'cpu', threads: threads }), workload.specialist, workload.inputs, workload.steps)).toFixed(3));
  }
  const browserThreads = row.browserThreads;
  // The bar: the page's browser speed against the best Node (native, all threads), same model, same run.
  row.nodeNativeOverBrowser = Number((row[`nodeNativePerSecond_${cores}t`] / row.browserWasmPerSecond).toFixed(2));
  if (row[`nodeWasmPerSecond_${browserThreads}t`]) {
    row.nativeOverWasmSameThreads = Number((row[`nodeNativePerSecond_${browserThreads}t`] / row[`nodeWasmPerSecond_${browserThreads}t`]).toFixed(2));
    row.nodeWasmOverBrowserSameThreads = Number((row[`nodeWasmPerSecond_${browserThreads}t`] / row.browserWasmPerSecond).toFixed(2));
  }
  console.log(JSON.stringify(row));
}
