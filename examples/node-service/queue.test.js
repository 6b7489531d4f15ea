// Queue mode against real redis-servers on loopback, with worker processes (worker.js) that are
// killed, restarted and overloaded. Skipped where redis-server is not installed, unless
// TRM_REQUIRE_REDIS is set (.ci/run installs it and sets it). Bounded in count and time.
import { Queue } from 'bullmq';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@trm/core';
import { createMazeGenerator, formatMaze, isValidShortestPath, parseMazeString } from '@trm/tasks-maze';
import { fileURLToPath } from 'node:url';
import { maze } from '@trm/tasks-maze';
import { createSudokuGenerator, formatSudoku, isValidSolution, parseSudokuString, sudokuTokens } from '@trm/tasks-sudoku';
import { buildQueueApp, redisOptions, startWorker } from './queue.js';
import { ping, redisServerPath, spawnWorker, startRedis } from './redis-for-tests.js';
import { trickleBody } from './slow-client-for-tests.js';

const haveRedis = redisServerPath !== undefined;
if (!haveRedis && process.env.TRM_REQUIRE_REDIS) throw new Error('queue tests required but redis-server is missing');

// The queue's mechanics (copies past a worker's slots, work held across a kill or an outage) are
// shown on the sudoku token model, whose fixed steps are a controllable workload; the default
// candidate model answers most puzzles in a few steps (the 10,000-request test serves it).
const tokenModel = `sudoku=${fileURLToPath(new URL('../../packages/tasks-sudoku/model/manifest.json', import.meta.url))}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sudokus = createSudokuGenerator({ seed: 91 });
const nextSudoku = () => formatSudoku(sudokus.next().puzzle);
/** A sudoku answer is right for its own puzzle (givens kept, rules hold): how we know no answer went to the wrong request. */
const rightFor = (puzzle, answer) => isValidSolution(parseSudokuString(puzzle), parseSudokuString(answer));
/** The same puzzle with digits 1-9 permuted (still one valid puzzle, a different one). */
function relabel(puzzle, random) {
  const digits = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  for (let index = digits.length - 1; index > 0; index--) {
    const other = random.int(index + 1);
    [digits[index], digits[other]] = [digits[other], digits[index]];
  }
  return puzzle.replace(/[1-9]/g, (digit) => String(digits[Number(digit) - 1]));
}

async function post(port, body, { signal } = {}) {
  const response = await fetch(`http://127.0.0.1:${port}/solve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
  return { status: response.status, body: await response.json() };
}

async function until(check, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const stopWorker = async (worker) => {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  const exited = new Promise((resolve) => worker.child.once('exit', resolve));
  worker.child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000).then(() => worker.child.kill('SIGKILL'))]);
};

/**
 * Worker processes and a front for one queue, with a BullMQ handle to inspect it; close() takes
 * it all down (a worker already killed is skipped).
 */
async function deploy(redisUrl, { queueName, workers = [{}], app: appOptions = {}, listen = false }) {
  const spawned = await Promise.all(workers.map((options) => spawnWorker(redisUrl, { queue: queueName, batch: 8, models: [tokenModel], ...options })));
  const app = await buildQueueApp({ redis: redisUrl, queueName, ...appOptions });
  if (listen) await app.listen({ port: 0, host: '127.0.0.1' });
  const queue = new Queue(queueName, { connection: redisOptions(redisUrl) });
  return {
    app,
    workers: spawned,
    queue,
    port: listen ? app.server.address().port : undefined,
    async close() {
      await app.close();
      for (const worker of spawned) await stopWorker(worker);
      await queue.close();
    },
  };
}

describe.skipIf(!haveRedis)('queue mode (BullMQ on Redis)', () => {
  it('redis URLs become ioredis options; a bad one is a typed error naming it', () => {
    expect(redisOptions('redis://u:p%40ss@10.0.0.5:6400/2')).toEqual({ host: '10.0.0.5', port: 6400, username: 'u', password: 'p@ss', db: 2 });
    expect(redisOptions('rediss://cache')).toMatchObject({ host: 'cache', port: 6379, tls: {} });
    expect(() => redisOptions('http://x')).toThrow(/redis: expected redis:\/\//);
    expect(() => redisOptions('nope')).toThrow(/redis: not a URL/);
  });

  describe('two in-process workers', () => {
    // The redis-server .ci/run started (TRM_REDIS_PORT), else one of our own; a queue name of this run's own.
    let redis;
    let app;
    const workers = [];
    const queueName = `in-process-${process.pid}-${Date.now()}`;
    beforeAll(async () => {
      redis = process.env.TRM_REDIS_PORT ? { url: `redis://127.0.0.1:${Number(process.env.TRM_REDIS_PORT)}`, dispose: async () => {} } : await startRedis();
      const specialists = [sudokuTokens, maze];
      workers.push(await startWorker({ redis: redis.url, queueName, maxBatchSize: 8, specialists }), await startWorker({ redis: redis.url, queueName, maxBatchSize: 8, specialists }));
      app = await buildQueueApp({ redis: redis.url, queueName, deadlineMs: 30_000 });
    });
    afterAll(async () => {
      await app?.close();
      for (const worker of workers) await worker.close();
      await redis?.dispose();
    });

    it('answers mixed requests: each exactly once, right for its own input, malformed as typed 400', async () => {
      const puzzles = Array.from({ length: 24 }, nextSudoku);
      // The last entry has more copies than a worker has batch slots: they queue inside the worker.
      const payload = [...puzzles, 'not a puzzle', { input: puzzles[0], options: { maxStep: 3 } }, { input: puzzles[2], options: { copies: 16 } }];
      const response = await app.inject({ method: 'POST', url: '/solve', payload });
      expect(response.statusCode).toBe(200);
      const entries = response.json();
      expect(entries).toHaveLength(payload.length);
      for (const [index, puzzle] of puzzles.entries()) {
        expect(entries[index].status).toBe(200);
        expect(entries[index].verified).toBe(rightFor(puzzle, entries[index].answer));
      }
      expect(new Set(entries.slice(0, 24).map((entry) => entry.worker)).size).toBe(2); // both workers took jobs
      expect(entries.at(-3)).toMatchObject({ status: 400, error: { name: 'InvalidInputError' } });
      expect(entries.at(-2)).toMatchObject({ status: 400, error: { field: 'options' } });
      expect(entries.at(-1)).toMatchObject({ status: 200, cost: { copies: 16 } });
      expect(entries.at(-1).verified).toBe(rightFor(puzzles[2], entries.at(-1).answer));
      const single = await app.inject({ method: 'POST', url: '/solve', payload: JSON.stringify(puzzles[1]), headers: { 'content-type': 'application/json' } });
      expect(single.statusCode).toBe(200);
      expect(single.json().answer).toBe(entries[1].answer); // same request, same answer, whichever worker took it
    });

    it('fuzzed bodies: a result or a typed 4xx, never a 500 or a hang', async () => {
      const near = fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.string({ unit: fc.constantFrom('.', '1', '9', '#', ' ', 'S', 'G', '\n'), maxLength: 200 }),
        fc.record({ task: fc.constantFrom('sudoku', 'maze', 'chess', 7), input: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }),
        fc.record({ input: fc.constant(formatSudoku(createSudokuGenerator({ seed: 5 }).next().puzzle)), options: fc.dictionary(fc.constantFrom('maxSteps', 'fixedSteps', 'copies', 'seed', 'noise', 'x'), fc.jsonValue({ maxDepth: 1 })) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.oneof(near, fc.array(near, { maxLength: 4 })), async (body) => {
          const response = await app.inject({ method: 'POST', url: '/solve', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
          const answer = response.json();
          const entries = Array.isArray(body) && response.statusCode === 200 ? answer : [{ status: response.statusCode, ...answer }];
          for (const entry of entries) {
            expect([200, 400, 413]).toContain(entry.status);
            if (entry.status !== 200) expect(typeof entry.error.name).toBe('string');
          }
        }),
        { numRuns: Number(process.env.TRM_FUZZ_RUNS ?? 300) / 5 },
      );
    });

    it('deep JSON is a typed 400 at the front, before anything is enqueued', async () => {
      const response = await app.inject({ method: 'POST', url: '/solve', payload: '['.repeat(5000) + ']'.repeat(5000), headers: { 'content-type': 'application/json' } });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ name: 'InvalidInputError', field: 'body' });
    });

    it('admission: past a front’s pending bound or the queue’s waiting bound, a typed 503 with Retry-After, and nothing enqueued', async () => {
      // A queue no worker serves: what is admitted stays waiting.
      const idle = `admission-${process.pid}-${Date.now()}`;
      const front = await buildQueueApp({ redis: redis.url, queueName: idle, maxPending: 3, maxWaiting: 5 });
      const other = await buildQueueApp({ redis: redis.url, queueName: idle, maxWaiting: 5 });
      const queue = new Queue(idle, { connection: redisOptions(redis.url) });
      try {
        const waitingFor = (count) => until(async () => (await queue.getWaitingCount()) === count, 5_000, `${count} waiting`);
        const held = [0, 1, 2].map(() => front.inject({ method: 'POST', url: '/solve', payload: { input: nextSudoku() } }));
        await waitingFor(3);
        const overFront = await front.inject({ method: 'POST', url: '/solve', payload: { input: nextSudoku() } });
        expect(overFront.statusCode).toBe(503);
        expect(overFront.headers['retry-after']).toBe('1');
        expect(overFront.json().error).toMatchObject({ name: 'QueueFullError', field: 'queue' });
        held.push(other.inject({ method: 'POST', url: '/solve', payload: [nextSudoku(), nextSudoku()] }));
        await waitingFor(5);
        // The queue holds 5: one more from any front is refused whole, an array too.
        for (const payload of [{ input: nextSudoku() }, [nextSudoku()]]) {
          const overQueue = await other.inject({ method: 'POST', url: '/solve', payload });
          expect(overQueue.statusCode).toBe(503);
          expect(overQueue.json().error.message).toMatch(/5 requests wait in the queue \(at most 5\)/);
        }
        expect(await queue.getWaitingCount()).toBe(5);
        await front.close();
        await other.close();
        // Closing answers what was held (503 ShuttingDown), never leaves it hanging.
        const statuses = (await Promise.all(held)).flatMap((response) => (Array.isArray(response.json()) ? response.json().map((entry) => entry.status) : [response.statusCode]));
        expect(statuses).toEqual([503, 503, 503, 503, 503]);
      } finally {
        await front.close().catch(() => {});
        await other.close().catch(() => {});
        await queue.obliterate({ force: true });
        await queue.close();
      }
    });
  });

  describe('worker processes', () => {
    let redis;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.dispose();
    });

    it('kill -9 of a worker in the middle of its batch: its jobs finish on the other worker, each answered once, none lost', async () => {
      // A short lock, so the dead worker's jobs are taken over in seconds (the default is 30 s).
      const deployment = await deploy(redis.url, { queueName: 'kill-test', workers: [{ lockMs: 1500 }, { lockMs: 1500 }], app: { deadlineMs: 60_000 } });
      const { app, queue } = deployment;
      const [doomed, survivor] = deployment.workers;
      try {
        const puzzles = Array.from({ length: 24 }, nextSudoku);
        // 60 fixed steps (about 5 s a batch on one thread): long enough to be caught mid-batch.
        const answered = app.inject({ method: 'POST', url: '/solve', payload: puzzles.map((input) => ({ input, options: { fixedSteps: 60 } })) });
        const heldByDoomed = await until(async () => {
          const active = await queue.getActive();
          const mine = active.filter((job) => job.processedBy === doomed.name);
          return mine.length >= 4 && active.length >= 12 ? mine.map((job) => job.id) : undefined;
        }, 60_000, 'both workers busy');
        doomed.child.kill('SIGKILL');
        const entries = (await answered).json();
        expect(entries).toHaveLength(24);
        for (const [index, entry] of entries.entries()) {
          expect(entry.status).toBe(200);
          expect(entry.verified).toBe(rightFor(puzzles[index], entry.answer));
          expect(entry.steps).toBe(60);
        }
        // The jobs the dead worker held were answered by the survivor, once each.
        for (const id of heldByDoomed) {
          const job = await queue.getJob(id);
          expect(job.returnvalue.body.worker).toBe(survivor.name);
        }
        expect((await queue.getJobCounts('completed')).completed).toBe(24);
        expect(entries.filter((entry) => entry.worker === survivor.name).length).toBeGreaterThanOrEqual(heldByDoomed.length);
      } finally {
        await deployment.close();
      }
    }, 180_000);

    it('hang-ups and deadlines cross the queue: the job is aborted on its worker and its slots free', async () => {
      // A deadline the hang-up comes well before, even on a loaded machine (at 2 s a busy CI run once hit it first).
      const deployment = await deploy(redis.url, { queueName: 'cancel-test', app: { deadlineMs: 6_000 }, listen: true });
      const { port, queue } = deployment;
      try {
        // Mazes told to think for 4096 steps: minutes of work each, unless cancelled.
        const mazes = Array.from({ length: 4 }, (_, index) => formatMaze(createMazeGenerator({ seed: 300 + index, band: 'hard', split: 'test' }).next().maze));
        const slow = mazes.map((input) => ({ input, options: { fixedSteps: 4096 } }));
        // A client that hangs up once its jobs run.
        const hangUp = new AbortController();
        const abandoned = post(port, slow, { signal: hangUp.signal }).catch((error) => error);
        const ids = await until(async () => {
          const active = await queue.getActive();
          return active.length === 4 ? active.map((job) => job.id) : undefined;
        }, 30_000, 'four active jobs');
        const hungUpAt = Date.now();
        hangUp.abort();
        await abandoned;
        await until(async () => (await queue.getActiveCount()) === 0, 10_000, 'the worker to drop the abandoned jobs');
        const freedMs = Date.now() - hungUpAt;
        for (const id of ids) expect((await queue.getJob(id)).returnvalue).toMatchObject({ status: 499, body: { error: { name: 'Cancelled' } } });
        console.log(JSON.stringify({ test: 'queue-hang-up', slotsFreedMs: freedMs }));
        expect(freedMs).toBeLessThan(5_000);
        // Past its deadline: a 504 naming it, and the worker stops the job itself.
        const late = await post(port, slow[0]);
        expect(late.status).toBe(504);
        expect(late.body.error).toMatchObject({ name: 'DeadlineExceeded', field: 'deadline' });
        await until(async () => (await queue.getActiveCount()) === 0, 10_000, 'the worker to stop the late job');
        // The slots are free: a sudoku is answered at once.
        const puzzle = nextSudoku();
        const next = await post(port, puzzle);
        expect(next.status).toBe(200);
        expect(next.body.verified).toBe(rightFor(puzzle, next.body.answer));
      } finally {
        await deployment.close();
      }
    }, 120_000);

    it('a slow client is cut off by the request timeout while others are served', async () => {
      const deployment = await deploy(redis.url, { queueName: 'slow-client-test', app: { requestTimeoutMs: 1_000 }, listen: true });
      const { port } = deployment;
      try {
        const trickled = trickleBody(port, { everyMs: 200, giveUpMs: 8_000 });
        const puzzle = nextSudoku();
        const served = await post(port, puzzle);
        expect(served.status).toBe(200);
        expect(served.body.verified).toBe(rightFor(puzzle, served.body.answer));
        const cut = await trickled;
        expect(cut).not.toBe('still open');
        expect(String(cut)).toMatch(/^HTTP\/1.1 408|^$/);
      } finally {
        await deployment.close();
      }
    }, 60_000);
  });

  it('Redis restarted under load: the front answers 503 while it is down and recovers; nothing hangs, nothing is a 500', async () => {
    const redis = await startRedis({ persist: true });
    // The default 30 s lock outlasts the outage, so no job is taken for stalled while Redis is away.
    const deployment = await deploy(redis.url, { queueName: 'restart-test', app: { deadlineMs: 30_000, enqueueTimeoutMs: 1_000 }, listen: true });
    const { port } = deployment;
    const health = async () => (await fetch(`http://127.0.0.1:${port}/health`)).status;
    try {
      const sent = [];
      let phase = 'before';
      const sender = (async () => {
        while (phase !== 'done') {
          const input = nextSudoku();
          const sentIn = phase;
          // Every fourth one thinks for 150 steps (seconds), so some are in flight across the outage.
          const body = sent.length % 4 === 0 ? { input, options: { fixedSteps: 150 } } : input;
          sent.push(post(port, body).then((outcome) => ({ ...outcome, input, sentIn, answeredAt: Date.now() })));
          await sleep(40);
        }
      })();
      await sleep(1_500);
      phase = 'stopping';
      const stoppedAt = Date.now();
      await redis.stop();
      phase = 'down';
      expect(await ping(redis.port)).toBe(false);
      await until(async () => (await health()) === 503, 5_000, '/health to say 503');
      await sleep(1_500);
      phase = 'starting';
      await redis.start();
      const restartedAt = Date.now();
      await until(async () => (await health()) === 200, 20_000, '/health to recover');
      phase = 'after';
      await sleep(1_500);
      phase = 'done';
      await sender;
      const outcomes = await Promise.all(sent);
      const byPhase = (name) => outcomes.filter((outcome) => outcome.sentIn === name);
      const tally = {};
      for (const { sentIn, status, body } of outcomes) {
        const key = status === 200 ? '200' : `${status} ${body.error?.name}`;
        tally[sentIn] = { ...tally[sentIn], [key]: (tally[sentIn]?.[key] ?? 0) + 1 };
      }
      console.log(JSON.stringify({ test: 'queue-redis-restart', statusesByPhase: tally, answeredAcrossOutage: byPhase('before').filter((outcome) => outcome.answeredAt > restartedAt).length }));
      for (const outcome of outcomes) {
        expect([200, 503]).toContain(outcome.status);
        if (outcome.status === 200) expect(outcome.body.verified).toBe(rightFor(outcome.input, outcome.body.answer));
        else expect(outcome.body.error.name).toMatch(/QueueUnavailable|JobLost|WorkerLost/);
      }
      expect(byPhase('before').every((outcome) => outcome.status === 200)).toBe(true); // enqueued before the outage: answered after it
      const acrossOutage = byPhase('before').filter((outcome) => outcome.answeredAt > restartedAt);
      expect(acrossOutage.length).toBeGreaterThan(0); // enqueued before Redis went down, answered after it came back
      expect(stoppedAt).toBeLessThan(restartedAt);
      expect(byPhase('down').length).toBeGreaterThan(0);
      expect(byPhase('down').every((outcome) => outcome.status === 503 && outcome.body.error.name === 'QueueUnavailable')).toBe(true);
      // Redis's own words (ioredis internals) stay in the log.
      for (const outcome of byPhase('down')) expect(outcome.body.error.message).toBe('the queue (Redis) is not reachable now; retry later');
      expect(byPhase('after').length).toBeGreaterThan(0);
      expect(byPhase('after').every((outcome) => outcome.status === 200)).toBe(true);
    } finally {
      await deployment.close();
      await redis.dispose();
    }
  }, 120_000);

  it('a worker whose Redis is gone still exits on SIGTERM, within its close timeout', async () => {
    const redis = await startRedis();
    const worker = await spawnWorker(redis.url, { queue: 'orphan-test', closeTimeoutMs: 1_000 });
    try {
      await redis.stop();
      const exited = new Promise((resolve) => worker.child.once('exit', (code) => resolve(code)));
      const signalledAt = Date.now();
      worker.child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(10_000).then(() => 'still running')]);
      expect(code).not.toBe('still running');
      expect(Date.now() - signalledAt).toBeLessThan(6_000);
    } finally {
      worker.child.kill('SIGKILL');
      await redis.dispose();
    }
  }, 30_000);

  it('10,000 mixed requests, 5% malformed, through two worker processes: 0 lost, 0 wrong, typed 4xx, memory bounded', async () => {
    const total = Number(process.env.TRM_QUEUE_LOAD_REQUESTS ?? 10_000);
    const redis = await startRedis();
    const queueName = 'load-test';
    const workers = await Promise.all([spawnWorker(redis.url, { queue: queueName, batch: 64 }), spawnWorker(redis.url, { queue: queueName, batch: 64 })]);
    const app = await buildQueueApp({ redis: redis.url, queueName, deadlineMs: 300_000 });
    await app.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
    const { port } = app.server.address();
    try {
      // The mix: most requests ask for a quick answer (1 step), some for the default policy, some are
      // mazes; 5% are malformed in five ways. All the step counts are real inference.
      const random = createRandom(7);
      const mazes = createMazeGenerator({ seed: 7, band: 'medium', split: 'test' });
      const malformed = [
        () => ({ body: 'not a puzzle', field: 'input' }),
        // A near miss goes to the sudoku parser, which names what is wrong ("expected 81 cells, got 79").
        () => ({ body: nextSudoku().slice(2), field: 'puzzle' }),
        () => ({ body: { task: 'chess', input: 'e4' }, field: 'task' }),
        () => ({ body: { input: nextSudoku(), options: { maxStep: 2 } }, field: 'options' }),
        () => ({ body: { task: 'maze', input: formatMaze(mazes.next().maze).replace('S', ' ') }, field: 'maze' }),
      ];
      // Distinct puzzles, cheaply: 500 generated ones with their digits relabelled at random.
      const bases = Array.from({ length: 500 }, nextSudoku);
      const requests = Array.from({ length: total }, () => {
        const roll = random.next();
        if (roll < 0.05) return { kind: 'malformed', ...malformed[random.int(malformed.length)]() };
        if (roll < 0.07) {
          const input = formatMaze(mazes.next().maze);
          return { kind: 'maze', input, body: { input, options: { maxSteps: 2 } } };
        }
        const input = relabel(bases[random.int(bases.length)], random);
        return { kind: 'sudoku', input, body: roll < 0.2 ? input : { input, options: { fixedSteps: 1 } } };
      });
      let frontPeak = process.memoryUsage().rss;
      const sampler = setInterval(() => (frontPeak = Math.max(frontPeak, process.memoryUsage().rss)), 250);
      // 256 clients, each sending its share one request after another.
      const outcomes = new Array(total);
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 256 }, async () => {
          while (next < total) {
            const index = next++;
            outcomes[index] = await post(port, requests[index].body).catch((error) => ({ status: 0, body: { error: String(error) } }));
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      const problems = [];
      for (const [index, request] of requests.entries()) {
        const { status, body } = outcomes[index];
        if (request.kind === 'malformed') {
          if (status !== 400 || body.error?.field !== request.field) problems.push(`malformed ${JSON.stringify(request.body).slice(0, 40)}: ${status} ${JSON.stringify(body).slice(0, 100)}`);
        } else if (status !== 200 || body.task !== request.kind) {
          problems.push(`${request.kind}: ${status} ${JSON.stringify(body).slice(0, 100)}`);
        } else {
          const own = request.kind === 'sudoku' ? rightFor(request.input, body.answer) : isValidShortestPath(parseMazeString(request.input), parseMazeString(body.answer, 'answer', { allowPath: true }));
          if (own !== body.verified) problems.push(`${request.kind}: verified ${body.verified}, own check ${own}`);
        }
      }
      const workerPeaks = workers.map((worker) => worker.peakRssMiB());
      console.log(JSON.stringify({ test: 'queue-load', requests: total, seconds: Number(seconds.toFixed(1)), requestsPerSecond: Number((total / seconds).toFixed(1)), problems: problems.length, frontPeakRssMiB: Math.round(frontPeak / 2 ** 20), workerPeakRssMiB: workerPeaks }));
      expect(problems.slice(0, 5)).toEqual([]);
      const inspect = new Queue(queueName, { connection: redisOptions(redis.url) });
      const counts = await inspect.getJobCounts('completed', 'failed', 'active', 'waiting');
      await inspect.close();
      expect(counts).toMatchObject({ completed: total, failed: 0, active: 0, waiting: 0 }); // one job per request, none failed or left over
      for (const peak of workerPeaks) expect(peak).toBeLessThan(1536);
      expect(frontPeak / 2 ** 20).toBeLessThan(2048); // the test process holds the front and all 10,000 clients
    } finally {
      await app.close();
      for (const worker of workers) await stopWorker(worker);
      await redis.dispose();
    }
  }, 900_000);
});
