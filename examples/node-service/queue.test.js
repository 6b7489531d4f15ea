// Queue mode against a real redis-server on loopback (skipped where none is installed; .ci/run installs it).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSudokuGenerator, formatSudoku, isValidSolution, parseSudokuString } from '@trm/tasks-sudoku';
import { buildQueueApp, startWorker } from './queue.js';

const redisPath = '/usr/bin/redis-server';
const haveRedis = existsSync(redisPath) || process.env.TRM_REDIS_PORT !== undefined;
if (!haveRedis && process.env.TRM_REQUIRE_REDIS) throw new Error(`queue tests required but ${redisPath} is missing`);

describe.skipIf(!haveRedis)('queue mode (BullMQ on Redis)', () => {
  // A server started by .ci/run (TRM_REDIS_PORT), else one of our own on a random loopback port.
  const external = process.env.TRM_REDIS_PORT !== undefined;
  const port = external ? Number(process.env.TRM_REDIS_PORT) : 20000 + Math.floor(Math.random() * 20000);
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  let redis;
  const workers = [];
  let app;

  beforeAll(async () => {
    if (!external) redis = spawn(redisPath, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const { default: IORedis } = await import('ioredis');
    for (let tries = 0; tries < 50; tries++) {
      const probe = new IORedis({ ...connection, lazyConnect: true, retryStrategy: () => null });
      try {
        await probe.connect();
        await probe.quit();
        break;
      } catch {
        probe.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    workers.push(startWorker({ connection, maxBatchSize: 8 }), startWorker({ connection, maxBatchSize: 8 }));
    app = await buildQueueApp({ connection, deadlineMs: 20_000 });
  });

  afterAll(async () => {
    await app?.close();
    for (const worker of workers) await worker.close();
    redis?.kill('SIGKILL');
  });

  it('answers mixed requests through two workers: each exactly once, verified honestly, malformed as typed 400', async () => {
    const generator = createSudokuGenerator({ seed: 91 });
    const puzzles = Array.from({ length: 24 }, () => formatSudoku(generator.next().puzzle));
    const payload = [...puzzles, 'not a puzzle', { input: puzzles[0], options: { maxStep: 3 } }];
    const response = await app.inject({ method: 'POST', url: '/solve', payload });
    expect(response.statusCode).toBe(200);
    const entries = response.json();
    expect(entries).toHaveLength(payload.length);
    for (const [index, puzzle] of puzzles.entries()) {
      expect(entries[index].status).toBe(200);
      expect(entries[index].verified).toBe(isValidSolution(parseSudokuString(puzzle), parseSudokuString(entries[index].answer)));
    }
    expect(entries.at(-2)).toMatchObject({ status: 400, error: { name: 'InvalidInputError' } });
    expect(entries.at(-1)).toMatchObject({ status: 400, error: { field: 'options' } });
    const single = await app.inject({ method: 'POST', url: '/solve', payload: JSON.stringify(puzzles[1]), headers: { 'content-type': 'application/json' } });
    expect(single.statusCode).toBe(200);
    expect(single.json().answer).toBe(entries[1].answer); // same request, same answer, whichever worker took it
  });
});
