// Load test of examples/node-service on loopback: N concurrent POST /solve requests, mixed
// sudoku and mazes with a share of malformed ones. Checks every well-formed request got 200 and
// an answer whose `verified` matches an independent check against its own input; every malformed
// one a typed 4xx; the server stayed up; memory stayed bounded. Bounded in count and time.
import { cpus } from 'node:os';
import { buildApp } from '../examples/node-service/app.js';
import { createRandom } from '@trm/core';
import { createMazeGenerator, formatMaze, isValidShortestPath, parseMazeString } from '@trm/tasks-maze';
import { createSudokuGenerator, formatSudoku, isValidSolution, parseSudokuString } from '@trm/tasks-sudoku';
import { createNodeRuntime } from '@trm/runtime-node';

const total = Number(process.env.TRM_LOAD_REQUESTS ?? 1000);
const mazeShare = Number(process.env.TRM_LOAD_MAZE_SHARE ?? 0.05);
const malformedShare = Number(process.env.TRM_LOAD_MALFORMED_SHARE ?? 0.05);
const timeLimitSeconds = Number(process.env.TRM_LOAD_TIME_LIMIT_S ?? 900);
const threads = Number(process.env.TRM_BENCH_THREADS ?? cpus().length);

const random = createRandom(99);
const sudokus = createSudokuGenerator({ seed: 99 });
const mazes = createMazeGenerator({ seed: 99, band: 'medium', split: 'test' });
const malformedKinds = [
  () => ({ body: '"not a puzzle"', field: 'input' }),
  () => ({ body: JSON.stringify(formatSudoku(sudokus.next().puzzle).slice(3)), field: 'input' }),
  () => ({ body: JSON.stringify({ task: 'chess', input: 'e4' }), field: 'task' }),
  () => ({ body: '{"task": "sudoku", "input": ', field: 'body' }),
  () => ({ body: JSON.stringify({ task: 'maze', input: formatMaze(mazes.next().maze).replace('S', ' ') }), field: 'maze' }),
];
const requests = Array.from({ length: total }, () => {
  const roll = random.next();
  if (roll < malformedShare) return { kind: 'malformed', ...malformedKinds[random.int(malformedKinds.length)]() };
  if (roll < malformedShare + mazeShare) {
    const input = formatMaze(mazes.next().maze);
    return { kind: 'maze', body: JSON.stringify(input), input };
  }
  const input = formatSudoku(sudokus.next().puzzle);
  return { kind: 'sudoku', body: JSON.stringify(input), input };
});

const app = await buildApp({ runtime: createNodeRuntime({ device: 'cpu', threads: threads }), maxQueue: total });
// A thousand simultaneous connections overflow the default accept backlog (511).
await app.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
const { port } = app.server.address();
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
const startRss = process.memoryUsage().rss;

const deadline = AbortSignal.timeout(timeLimitSeconds * 1000);
const started = performance.now();
const outcomes = await Promise.all(
  requests.map(async (request) => {
    const sent = performance.now();
    try {
      const response = await fetch(`http://127.0.0.1:${port}/solve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request.body, signal: deadline });
      const body = await response.json();
      return { request, status: response.status, body, seconds: (performance.now() - sent) / 1000 };
    } catch (error) {
      return { request, status: 0, body: { error: `${error}${error.cause ? ` (${error.cause.code ?? error.cause})` : ''}` }, seconds: (performance.now() - sent) / 1000 };
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const health = await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.json()).catch(() => null);
await app.close();

const problems = [];
const counts = { sudoku: { answered: 0, verified: 0 }, maze: { answered: 0, verified: 0 }, malformed: { typed4xx: 0 } };
for (const { request, status, body } of outcomes) {
  if (request.kind === 'malformed') {
    if (status >= 400 && status < 500 && body.error?.name && body.error?.field) counts.malformed.typed4xx++;
    else problems.push(`malformed request got ${status} ${JSON.stringify(body).slice(0, 120)}`);
    continue;
  }
  if (status !== 200 || body.task !== request.kind) {
    problems.push(`${request.kind} request got ${status} ${JSON.stringify(body).slice(0, 120)}`);
    continue;
  }
  // The service's `verified` must agree with a check of its answer against this request's own input.
  const own =
    request.kind === 'sudoku'
      ? isValidSolution(parseSudokuString(request.input), parseSudokuString(body.answer.replace(/0/g, '.')))
      : isValidShortestPath(parseMazeString(request.input), parseMazeString(body.answer, 'answer', { allowPath: true }));
  if (own !== body.verified) problems.push(`${request.kind} answer: verified ${body.verified} but the independent check says ${own}`);
  counts[request.kind].answered++;
  if (own) counts[request.kind].verified++;
}
const latencies = outcomes.map((outcome) => outcome.seconds).sort((a, b) => a - b);
console.log(
  JSON.stringify({
    bench: 'service-load',
    requests: total,
    wellFormed: { sudoku: requests.filter((request) => request.kind === 'sudoku').length, maze: requests.filter((request) => request.kind === 'maze').length },
    malformed: requests.filter((request) => request.kind === 'malformed').length,
    counts,
    problems: problems.length,
    firstProblems: problems.slice(0, 5),
    serverAliveAfter: health?.ok === true,
    seconds: Number(seconds.toFixed(1)),
    requestsPerSecond: Number((total / seconds).toFixed(2)),
    p50LatencySeconds: Number(latencies[Math.floor(0.5 * latencies.length)].toFixed(2)),
    p99LatencySeconds: Number(latencies[Math.min(latencies.length - 1, Math.floor(0.99 * latencies.length))].toFixed(2)),
    rssStartMiB: Math.round(startRss / 2 ** 20),
    rssPeakMiB: Math.round(peakRss / 2 ** 20),
    threads,
  }),
);
process.exitCode = problems.length === 0 && health?.ok === true ? 0 : 1;
