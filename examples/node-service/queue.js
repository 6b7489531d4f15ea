// Queue mode on Redis with BullMQ: an HTTP front enqueues each request; worker processes (any
// number, on any host that reaches Redis) run the router with continuous batching and take as
// many jobs as they have batch slots. The single-process service (app.js) stays the default.
import Fastify from 'fastify';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { TrmError } from '@trm/core';
import { createRouter } from '@trm/router';
import { createNodeRuntime } from '@trm/runtime-node';
import { maze } from '@trm/tasks-maze';
import { sudoku } from '@trm/tasks-sudoku';

/**
 * A worker: one router, `concurrency` jobs at once (its batch slots). Typed SDK errors come back
 * as results with a status, so the front answers them as it would in-process. A job past its
 * deadline is aborted (its slot frees after the current step).
 */
export function startWorker({ connection, queueName = 'trm-solve', specialists = [sudoku, maze], runtime = createNodeRuntime(), maxBatchSize = 64, solveOptions = { patience: 4 }, lockDuration = 30_000 } = {}) {
  const router = createRouter({ specialists, runtime, batching: { maxBatchSize, maxQueue: maxBatchSize }, defaults: solveOptions });
  const worker = new Worker(
    queueName,
    async (job) => {
      const { request, options, deadline } = job.data;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DOMException('deadline', 'TimeoutError')), Math.max(0, deadline - Date.now()));
      try {
        const result = await router.solve(request, { ...(options ?? {}), signal: controller.signal });
        const { tokenConfidence: _omitted, value, ...rest } = result;
        return { status: 200, body: { ...rest, value: ArrayBuffer.isView(value) ? Array.from(value) : value, worker: process.pid } };
      } catch (error) {
        if (controller.signal.aborted) return { status: 504, body: { error: { name: 'DeadlineExceeded', field: 'deadline', message: 'not answered within the deadline' } } };
        if (TrmError.isInstance(error)) return { status: 400, body: { error: { name: error.name, field: error.field, message: error.message } } };
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    { connection, concurrency: maxBatchSize, lockDuration, stalledInterval: Math.max(500, lockDuration / 2), maxStalledCount: 3 },
  );
  return {
    worker,
    async close() {
      await worker.close();
      await router.dispose();
    },
  };
}

/** The HTTP front: POST /solve enqueues and waits for the answer (or 503 while Redis is away). */
export async function buildQueueApp({ connection, queueName = 'trm-solve', deadlineMs = 60_000, maxRequestsPerCall = 256, logger = false } = {}) {
  const queue = new Queue(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  await events.waitUntilReady();
  const app = Fastify({ logger, bodyLimit: 4 * 1024 * 1024, requestTimeout: 10_000 });
  app.addHook('onClose', async () => {
    await events.close();
    await queue.close();
  });
  app.get('/health', async () => ({ ok: true, mode: 'queue', waiting: await queue.getWaitingCount() }));

  const solveOne = async (entry) => {
    const hasOptions = typeof entry === 'object' && entry !== null && !Array.isArray(entry) && 'options' in entry;
    const { options, ...rest } = hasOptions ? entry : { options: undefined };
    const request = hasOptions ? ('task' in rest || !('input' in rest) ? rest : rest.input) : entry;
    const deadline = Date.now() + deadlineMs;
    let job;
    try {
      job = await queue.add('solve', { request, options, deadline }, { removeOnComplete: { age: 60 }, removeOnFail: { age: 60 }, attempts: 1 });
    } catch (error) {
      return { status: 503, body: { error: { name: 'QueueUnavailable', field: 'queue', message: `cannot enqueue: ${error.message}` } } };
    }
    try {
      // A little past the deadline: the worker answers 504 itself when it is reached.
      return await job.waitUntilFinished(events, deadlineMs + 2000);
    } catch (error) {
      const timedOut = /timed out/i.test(String(error?.message));
      return timedOut
        ? { status: 504, body: { error: { name: 'DeadlineExceeded', field: 'deadline', message: `no worker answered within ${deadlineMs} ms` } } }
        : { status: 500, body: { error: { name: 'InternalError', message: 'the worker failed' } } };
    }
  };

  app.post('/solve', async (request, reply) => {
    const body = request.body;
    const many = Array.isArray(body);
    const inputs = many ? body : [body];
    if (inputs.length > maxRequestsPerCall) return reply.code(413).send({ error: { name: 'InvalidInputError', field: 'body', message: `at most ${maxRequestsPerCall} requests per call` } });
    const results = await Promise.all(inputs.map(solveOne));
    for (const result of results) if (result.status === 500) request.log.error(result.body, 'queued solve failed');
    if (!many) return reply.code(results[0].status).send(results[0].body);
    return reply.code(200).send(results.map((result) => ({ status: result.status, ...result.body })));
  });
  return app;
}
