// The single-process service against queue mode (BullMQ on a private loopback redis-server) with
// 1 and 2 worker processes: the same request stream, the same run. Each service runs in its own
// processes; this one only sends. Reports requests/s, p50/p99 latency, every answer re-checked
// against its own input, and the peak resident memory of every process (VmHWM).
// TRM_QUEUE_BENCH_REQUESTS (default 1000), TRM_QUEUE_BENCH_CLIENTS (concurrent clients, 256),
// TRM_QUEUE_BENCH_MAZE_SHARE (0.05), TRM_QUEUE_BENCH_MALFORMED_SHARE (0.05), TRM_QUEUE_BENCH_MODES
// (default single,1,2). Needs redis-server.
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom } from '@trm/core';
import { createMazeGenerator, formatMaze, isValidShortestPath, parseMazeString } from '@trm/tasks-maze';
import { createSudokuGenerator, formatSudoku, isValidSolution, parseSudokuString } from '@trm/tasks-sudoku';
import { peakRssMiB, redisServerPath, spawnWorker, startRedis } from '../examples/node-service/redis-for-tests.js';

const total = Number(process.env.TRM_QUEUE_BENCH_REQUESTS ?? 1000);
const clients = Number(process.env.TRM_QUEUE_BENCH_CLIENTS ?? 256);
const mazeShare = Number(process.env.TRM_QUEUE_BENCH_MAZE_SHARE ?? 0.05);
const malformedShare = Number(process.env.TRM_QUEUE_BENCH_MALFORMED_SHARE ?? 0.05);
const cores = cpus().length;
const serverPath = join(dirname(fileURLToPath(import.meta.url)), '../examples/node-service/server.js');

if (!redisServerPath) {
  console.log(JSON.stringify({ bench: 'service-queue', skipped: 'redis-server is not installed (apt-get install redis-server)' }));
  process.exit(0);
}

// One stream, made once, sent to every configuration.
const random = createRandom(2026);
const sudokus = createSudokuGenerator({ seed: 2026 });
const mazes = createMazeGenerator({ seed: 2026, band: 'medium', split: 'test' });
const malformed = [() => 'not a puzzle', () => formatSudoku(sudokus.next().puzzle).slice(3), () => ({ task: 'chess', input: 'e4' }), () => ({ input: formatSudoku(sudokus.next().puzzle), options: { maxStep: 2 } })];
const stream = Array.from({ length: total }, () => {
  const roll = random.next();
  if (roll < malformedShare) return { kind: 'malformed', body: malformed[random.int(malformed.length)]() };
  if (roll < malformedShare + mazeShare) {
    const input = formatMaze(mazes.next().maze);
    return { kind: 'maze', input, body: input };
  }
  const input = formatSudoku(sudokus.next().puzzle);
  return { kind: 'sudoku', input, body: input };
});

function startServer(args, env = {}) {
  const port = 30000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [serverPath, '--port', String(port), ...args], { stdio: 'ignore', env: { ...process.env, ...env } });
  return { child, port };
}

async function waitHealthy(port) {
  for (let tries = 0; tries < 600; tries++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`service on port ${port} did not become healthy`);
}

async function send(port) {
  // Warm-up: one of each task loads its model in every process before the clock starts.
  await fetch(`http://127.0.0.1:${port}/solve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([formatSudoku(createSudokuGenerator({ seed: 1 }).next().puzzle), formatMaze(createMazeGenerator({ seed: 1, band: 'medium', split: 'test' }).next().maze)]) });
  const outcomes = new Array(total);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const index = next++;
        const sent = performance.now();
        try {
          const response = await fetch(`http://127.0.0.1:${port}/solve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(stream[index].body) });
          outcomes[index] = { status: response.status, body: await response.json(), seconds: (performance.now() - sent) / 1000 };
        } catch (error) {
          outcomes[index] = { status: 0, body: { error: String(error) }, seconds: (performance.now() - sent) / 1000 };
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  let problems = 0;
  let verified = 0;
  for (const [index, request] of stream.entries()) {
    const { status, body } = outcomes[index];
    if (request.kind === 'malformed') {
      if (status !== 400 || !body.error?.name) problems++;
      continue;
    }
    if (status !== 200 || body.task !== request.kind) {
      problems++;
      continue;
    }
    const own =
      request.kind === 'sudoku'
        ? isValidSolution(parseSudokuString(request.input), parseSudokuString(body.answer))
        : isValidShortestPath(parseMazeString(request.input), parseMazeString(body.answer, 'answer', { allowPath: true }));
    if (own !== body.verified) problems++;
    if (own) verified++;
  }
  const percentiles = (list) => {
    const sorted = list.map((outcome) => outcome.seconds).sort((a, b) => a - b);
    const at = (share) => Number(sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))].toFixed(2));
    return { p50Seconds: at(0.5), p99Seconds: at(0.99) };
  };
  const byKind = Object.fromEntries(['sudoku', 'maze', 'malformed'].map((kind) => [kind, percentiles(outcomes.filter((_, index) => stream[index].kind === kind))]));
  return { seconds: Number(seconds.toFixed(1)), requestsPerSecond: Number((total / seconds).toFixed(1)), ...percentiles(outcomes), byKind, verified, problems };
}

const stop = async (child) => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
};

const modes = (process.env.TRM_QUEUE_BENCH_MODES ?? 'single,1,2').split(',');
const results = [];
if (modes.includes('single')) {
  const server = startServer(['--quiet', '--threads', String(cores)]);
  await waitHealthy(server.port);
  const figures = await send(server.port);
  results.push({ mode: 'single-process', threads: cores, ...figures, peakRssMiB: { service: peakRssMiB(server.child.pid) } });
  await stop(server.child);
}
for (const workerCount of [1, 2].filter((count) => modes.includes(String(count)))) {
  const redis = await startRedis();
  const queue = `bench-${workerCount}`;
  // The same cores in all: one worker gets them all, two split them.
  const workers = await Promise.all(Array.from({ length: workerCount }, () => spawnWorker(redis.url, { queue, batch: 64, threads: Math.max(1, Math.floor(cores / workerCount)) })));
  const front = startServer(['--quiet', '--queue', redis.url, '--queue-name', queue]);
  await waitHealthy(front.port);
  const figures = await send(front.port);
  results.push({
    mode: `queue, ${workerCount} worker${workerCount > 1 ? 's' : ''}`,
    threadsPerWorker: Math.max(1, Math.floor(cores / workerCount)),
    ...figures,
    peakRssMiB: { front: peakRssMiB(front.child.pid), workers: workers.map((worker) => worker.peakRssMiB()) },
  });
  await stop(front.child);
  for (const worker of workers) await stop(worker.child);
  await redis.dispose();
}
for (const result of results) console.log(JSON.stringify({ bench: 'service-queue', requests: total, clients, cores, ...result }));
process.exitCode = results.every((result) => result.problems === 0) ? 0 : 1;
