// A mixed stream of requests (sudoku of every Kaggle level plus mazes), all arriving at once,
// served three ways on onnxruntime-node:
//   one at a time     - each request alone (batch 1), in arrival order;
//   static batches    - per task, batches of BATCH in arrival order, each run to its slowest sample;
//   continuous        - the router: per task one running batch, refilled after every step.
// With the token models (TRM_BENCH_MODELS=network, the default) every request recurses without a
// search, thinks longer while unverified (up to 32 steps) and stops once its answer has not changed
// for TRM_BENCH_PATIENCE steps (default 4; 0 = never). TRM_BENCH_MODELS=shipped runs the default
// specialists as they ship instead (both search on candidate sets, one step per state).
// Prints requests/s, p50/p99 latency (from arrival) and verified counts per mode.
//
// Data: sudoku from TRM_KAGGLE_CSV (default ../shared/data/sudoku/kaggle_radcliffe_5000.csv beside
// the checkout) when present, else generated puzzles; mazes are generated (test split).
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom, createSolver } from '@trm/core';
import { createRouter } from '@trm/router';
import { createNodeRuntime } from '@trm/runtime-node';
import { createMazeGenerator, formatMaze, maze } from '@trm/tasks-maze';
import { createSudokuGenerator, formatSudoku, gradeOf, sudoku, sudokuTokens } from '@trm/tasks-sudoku';

const here = dirname(fileURLToPath(import.meta.url));
const threads = Number(process.env.TRM_BENCH_THREADS ?? cpus().length);
const sudokuPerLevel = Number(process.env.TRM_BENCH_SUDOKU_PER_LEVEL ?? 40);
const mazeCount = Number(process.env.TRM_BENCH_MAZES ?? 8);
const batchSize = Number(process.env.TRM_BENCH_BATCH ?? 64);
const verifySteps = 32;
const patience = Number(process.env.TRM_BENCH_PATIENCE ?? 4) || undefined;
const halting = patience ? { patience } : {};
const modes = (process.env.TRM_BENCH_MODES ?? 'one-at-a-time,static,continuous').split(',');

function sudokuRequests() {
  const csv = process.env.TRM_KAGGLE_CSV ?? join(here, '../../shared/data/sudoku/kaggle_radcliffe_5000.csv');
  if (existsSync(csv)) {
    const [header, ...lines] = readFileSync(csv, 'utf8').trim().split('\n');
    const columns = header.split(',');
    const perLevel = new Map();
    for (const line of lines) {
      const row = Object.fromEntries(line.split(',').map((value, index) => [columns[index], value]));
      const level = row.level ?? gradeOf(Number(row.rating));
      const list = perLevel.get(level) ?? [];
      if (list.length < sudokuPerLevel) list.push({ task: 'sudoku', level, input: row.question });
      perLevel.set(level, list);
    }
    return { source: csv, requests: [...perLevel.values()].flat() };
  }
  const generator = createSudokuGenerator({ seed: 31 });
  const requests = Array.from({ length: 5 * sudokuPerLevel }, () => {
    const { puzzle, rating } = generator.next();
    return { task: 'sudoku', level: gradeOf(rating), input: formatSudoku(puzzle) };
  });
  return { source: 'generated (seed 31)', requests };
}

const { source, requests: sudokus } = sudokuRequests();
const mazeGenerator = createMazeGenerator({ seed: 2027, band: 'medium', split: 'test' });
const mazes = Array.from({ length: mazeCount }, () => ({ task: 'maze', level: 'medium', input: formatMaze(mazeGenerator.next().maze) }));
// Arrival order: shuffled, seeded.
const stream = [...sudokus, ...mazes];
const random = createRandom(7);
for (let index = stream.length - 1; index > 0; index--) {
  const other = random.int(index + 1);
  [stream[index], stream[other]] = [stream[other], stream[index]];
}

const runtime = createNodeRuntime({ device: 'cpu', threads: threads, concurrentSteps: Number(process.env.TRM_BENCH_CONCURRENT_STEPS ?? 1) });
// TRM_BENCH_MODELS: 'network' (default), the token models recursing alone with adaptive halting,
// which is what continuous batching is for; 'shipped', the default specialists as they ship (both
// search on candidate sets, one network step per state).
const models = process.env.TRM_BENCH_MODELS ?? 'network';
if (models !== 'network' && models !== 'shipped') throw new Error(`TRM_BENCH_MODELS: expected network or shipped, not ${models}`);
const specialists = models === 'shipped' ? { sudoku, maze } : { sudoku: sudokuTokens, maze };
// The token models think up to 32 steps while unverified, with patience; the shipped ones run as
// they ship (their manifests' search, no call options).
const options = models === 'shipped' ? {} : { ...halting, searchSteps: 0, verifySteps };

function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

function report(mode, started, finished, verified, sampleSteps, converged) {
  const seconds = (Math.max(...finished) - started) / 1000;
  const latencies = finished.map((time) => (time - started) / 1000);
  const taskLatency = (task) => {
    const values = latencies.filter((_, index) => stream[index].task === task);
    return values.length ? { p50: Number(percentile(values, 0.5).toFixed(2)), p99: Number(percentile(values, 0.99).toFixed(2)) } : null;
  };
  console.log(
    JSON.stringify({
      bench: 'mixed-stream',
      mode,
      models,
      requests: stream.length,
      sudokus: sudokus.length,
      mazes: mazes.length,
      sudokuSource: source,
      batchSize: mode === 'one-at-a-time' ? 1 : batchSize,
      threads,
      verifySteps,
      patience: patience ?? null,
      seconds: Number(seconds.toFixed(2)),
      requestsPerSecond: Number((stream.length / seconds).toFixed(2)),
      p50LatencySeconds: Number(percentile(latencies, 0.5).toFixed(2)),
      p99LatencySeconds: Number(percentile(latencies, 0.99).toFixed(2)),
      latencyByTask: { sudoku: taskLatency('sudoku'), maze: taskLatency('maze') },
      verified: { sudoku: verified.sudoku, maze: verified.maze },
      converged: { sudoku: converged.sudoku, maze: converged.maze },
      sampleSteps,
    }),
  );
  return stream.length / seconds;
}

const rates = {};
const answers = {};
const flags = {};
const solvers = {};
for (const task of Object.keys(specialists)) solvers[task] = await createSolver({ specialist: specialists[task], runtime });
// Warm-up: one of each, so session creation is not timed.
for (const task of Object.keys(specialists)) {
  const first = stream.find((request) => request.task === task);
  if (first) await solvers[task].solve(first.input, models === 'shipped' ? {} : { fixedSteps: 1, searchSteps: 0 });
}

for (const mode of modes) {
  const finished = new Array(stream.length);
  const verified = { sudoku: 0, maze: 0 };
  const converged = { sudoku: 0, maze: 0 };
  const texts = new Array(stream.length);
  const verifiedFlags = new Array(stream.length);
  let sampleSteps = 0;
  const started = performance.now();
  const record = (index, result) => {
    finished[index] = performance.now();
    texts[index] = result.answer;
    if (result.verified) verified[stream[index].task]++;
    if (result.converged) converged[stream[index].task]++;
    verifiedFlags[index] = result.verified;
    sampleSteps += result.steps;
  };
  if (mode === 'one-at-a-time') {
    for (const [index, request] of stream.entries()) {
      record(index, await solvers[request.task].solve(request.input, options));
    }
  } else if (mode === 'static') {
    // Each task's batches run one after another; the tasks run side by side, as in the router.
    await Promise.all(
      Object.keys(specialists).map(async (task) => {
        const indices = stream.flatMap((request, index) => (request.task === task ? [index] : []));
        for (let start = 0; start < indices.length; start += batchSize) {
          const batch = indices.slice(start, start + batchSize);
          const results = await solvers[task].solveMany(batch.map((index) => stream[index].input), { batchSize, scheduling: 'static', ...options });
          results.forEach((result, position) => record(batch[position], result));
        }
      }),
    );
  } else {
    const router = createRouter({ specialists: Object.values(specialists), runtime, batching: { maxBatchSize: batchSize, maxQueue: stream.length } });
    await Promise.all(
      stream.map(async (request, index) => {
        record(index, await router.solve({ task: request.task, input: request.input }, options));
      }),
    );
    await router.dispose();
  }
  rates[mode] = report(mode, started, finished, verified, sampleSteps, converged);
  answers[mode] = texts;
  flags[mode] = verifiedFlags;
}

// Same requests, same answers: a request's answer may not depend on its batch.
const compared = Object.keys(answers);
// Batch size changes float rounding in onnxruntime's matmuls (batch 1 takes another kernel), and
// an answer that never verifies runs 32 chaotic steps, so such answers may differ in some cells
// between modes; verified answers, and which requests verify, must not.
const differing = compared.flatMap((mode) => answers[mode].flatMap((text, index) => (text === answers[compared[0]][index] ? [] : [{ mode, index }])));
const verifiedAnswersDiffer = differing.filter(({ mode, index }) => flags[mode][index] || flags[compared[0]][index]).length;
const sameVerifiedRequests = compared.every((mode) => flags[mode].every((flag, index) => flag === flags[compared[0]][index]));
console.log(
  JSON.stringify({
    bench: 'mixed-stream',
    summary: true,
    continuousOverStatic: rates.continuous && rates.static ? Number((rates.continuous / rates.static).toFixed(2)) : null,
    continuousOverOneAtATime: rates.continuous && rates['one-at-a-time'] ? Number((rates.continuous / rates['one-at-a-time']).toFixed(2)) : null,
    sameRequestsVerifiedInEveryMode: sameVerifiedRequests,
    verifiedAnswersThatDiffer: verifiedAnswersDiffer,
    unverifiedAnswersThatDiffer: differing.length - verifiedAnswersDiffer,
  }),
);
for (const solver of Object.values(solvers)) await solver.dispose();
