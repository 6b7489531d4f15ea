// Queue mode on Redis with BullMQ: an HTTP front enqueues each request as a job; worker processes
// (any number, on any host that reaches Redis) run the router with continuous batching and take
// as many jobs as they have batch slots. The single-process service (app.js) stays the default.
//
// What holds (each tested in queue.test.js against a real redis-server):
// - every request is answered exactly once: a result, a typed 4xx, 503 while Redis is away, or 504
//   at its deadline; a job whose worker dies (kill -9) is taken over by another worker once its
//   lock expires (`lockDuration`);
// - deadlines and hang-ups cross the queue: the job carries its deadline, and the front publishes
//   a cancellation that aborts the job on whichever worker holds it (its slot frees after the
//   current supervision step);
// - events the front missed while Redis was away are recovered by reading the jobs back.
import { hostname } from 'node:os';
import Fastify from 'fastify';
import { Job, Queue, QueueEvents, Worker } from 'bullmq';
import { TrmError } from '@trm/core';
import { deadlineExceeded, describeError, errorBody, httpOptions, installBodyParsers, installErrorHandler, onHangUp, refuseBody, sendResults, solveEntry, toJson } from './common.js';

const cancelChannel = (queueName) => `trm:${queueName}:cancel`;
let workersStarted = 0; // names workers apart when one process runs several

/** `redis://[user:pass@]host:port[/db]` (or rediss://), or ioredis options, as ioredis options. */
export function redisOptions(redis) {
  if (typeof redis !== 'string') return { ...redis };
  let url;
  try {
    url = new URL(redis);
  } catch (cause) {
    throw new TypeError(`redis: not a URL: ${JSON.stringify(redis)}`, { cause });
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new TypeError(`redis: expected redis:// or rediss://, got ${url.protocol}`);
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * A worker: one router, `maxBatchSize` jobs at once (its batch slots). Typed SDK errors come back
 * as results with a status, so the front answers them as the single process would.
 */
export async function startWorker({
  redis = 'redis://127.0.0.1:6379',
  queueName = 'trm-solve',
  specialists,
  runtime,
  maxBatchSize = 64,
  solveOptions = { patience: 4 },
  lockDuration = 30_000,
  stalledInterval = Math.max(500, lockDuration / 2),
  defaultDeadlineMs = 60_000,
  name = `${hostname()}:${process.pid}${workersStarted++ ? `#${workersStarted}` : ''}`,
  onError = () => {},
} = {}) {
  // Imported here, not at the top: the front (same module) never loads a model or onnxruntime.
  const { createRouter } = await import('@trm/router');
  runtime ??= (await import('@trm/runtime-node')).createNodeRuntime();
  specialists ??= [(await import('@trm/tasks-sudoku')).sudoku, (await import('@trm/tasks-maze')).maze];
  // The batch queue holds copies too (a request with `copies: 8` is 8 entries), as in one process.
  const router = createRouter({ specialists, runtime, batching: { maxBatchSize, maxQueue: 32 * maxBatchSize }, defaults: solveOptions });
  const connection = { ...redisOptions(redis), maxRetriesPerRequest: null };
  // One answer per job, { status, body }; the body names the worker that gave it.
  const answer = async (job, cancelled) => {
    const { entry, deadline: sentDeadline } = job.data ?? {};
    const deadline = Number.isFinite(sentDeadline) ? sentDeadline : Date.now() + defaultDeadlineMs;
    if (Date.now() >= deadline) return deadlineExceeded(deadline - (job.timestamp ?? deadline));
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException('deadline', 'TimeoutError')), deadline - Date.now());
    const signal = cancelled ? AbortSignal.any([cancelled, timeout.signal]) : timeout.signal;
    try {
      const result = await solveEntry(router, entry, signal);
      return { status: 200, body: toJson(result) };
    } catch (error) {
      if (cancelled?.aborted) return { status: 499, body: errorBody('Cancelled', undefined, 'cancelled by the front (client gone or deadline)') };
      if (timeout.signal.aborted) return deadlineExceeded(deadline - job.timestamp);
      if (TrmError.isInstance(error)) return describeError(error);
      throw error; // the job fails; the front answers 500 and logs it
    } finally {
      clearTimeout(timer);
    }
  };
  const processor = async (job, _token, cancelled) => {
    const { status, body } = await answer(job, cancelled);
    return { status, body: { ...body, worker: name } };
  };
  // runRetryDelay: after a connection error, try Redis again within a second (BullMQ waits 15 s).
  const worker = new Worker(queueName, processor, { connection, concurrency: maxBatchSize, lockDuration, stalledInterval, maxStalledCount: 2, runRetryDelay: 1_000, name });
  worker.on('error', onError); // connection errors while Redis is away: ioredis reconnects by itself
  // Cancellations from any front: abort the job here if this worker holds it.
  const subscriber = (await worker.client).duplicate();
  subscriber.on('error', onError);
  subscriber.on('message', (_channel, message) => {
    let ids;
    try {
      ids = JSON.parse(message);
    } catch {
      return;
    }
    if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string') worker.cancelJob(id, 'cancelled by the front');
  });
  await subscriber.subscribe(cancelChannel(queueName));
  await worker.waitUntilReady();
  return {
    worker,
    name,
    /** Finishes the jobs it holds (or, with `force`, leaves them to other workers), then stops. */
    async close({ force = false } = {}) {
      await worker.close(force);
      subscriber.disconnect();
      await router.dispose();
    },
  };
}

/**
 * The HTTP front: POST /solve enqueues one job per request and answers when a worker has. While
 * Redis is away, enqueueing fails at once (no offline queue) and the front answers 503.
 */
export async function buildQueueApp({
  redis = 'redis://127.0.0.1:6379',
  queueName = 'trm-solve',
  deadlineMs = 60_000,
  maxRequestsPerCall = 256,
  maxDepth = 32,
  requestTimeoutMs = 10_000,
  enqueueTimeoutMs = 2_000,
  startupTimeoutMs = 10_000,
  // Admission: requests this front waits for, and jobs waiting in the queue across all fronts.
  // Past either, 503 QueueFullError with Retry-After, before anything is enqueued.
  maxPending = 2048,
  maxWaiting = 4096,
  logger = false,
} = {}) {
  const base = redisOptions(redis);
  // Commands fail fast while Redis is away (a 503 now beats a request that hangs).
  const queue = new Queue(queueName, { connection: { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1 }, streams: { events: { maxLen: 100_000 } } });
  const events = new QueueEvents(queueName, { connection: { ...base, maxRetriesPerRequest: null } });
  queue.on('error', () => {});
  events.on('error', () => {});
  await withTimeout(Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), startupTimeoutMs, `cannot reach Redis at ${base.host}:${base.port}`);
  const queueClient = await queue.client;

  // One entry per job this front waits for; settled by an event, a read-back, or its deadline.
  const pending = new Map();
  const settle = (id, result) => {
    const waiter = pending.get(id);
    if (!waiter) return;
    pending.delete(id);
    waiter.resolve(result);
  };
  const fromJob = (job) => {
    if (!job) return { status: 503, body: errorBody('JobLost', 'queue', 'the queue lost this request (Redis restarted without persistence); send it again') };
    if (job.finishedOn && job.failedReason !== undefined && job.failedReason !== null) return failure(job.failedReason);
    if (job.finishedOn) return job.returnvalue;
    return undefined;
  };
  const failure = (reason) =>
    /stalled more than allowable limit/.test(String(reason))
      ? { status: 503, body: errorBody('WorkerLost', 'queue', 'the workers holding this request stopped; send it again') }
      : { status: 500, body: errorBody('InternalError', undefined, 'the worker failed'), reason };
  events.on('completed', ({ jobId, returnvalue }) => settle(jobId, returnvalue));
  events.on('failed', ({ jobId, failedReason }) => settle(jobId, failure(failedReason)));
  // After the event stream reconnects, read back every job still waited for: events written
  // while this front was disconnected may be gone. A read that fails (Redis not quite back) is
  // tried again; only a job Redis no longer has is reported lost.
  const readBack = async (ids) => {
    let unread = 0;
    for (let start = 0; start < ids.length; start += 100) {
      const chunk = ids.slice(start, start + 100).filter((id) => pending.has(id));
      const jobs = await Promise.all(chunk.map((id) => Job.fromId(queue, id).then((job) => ({ job }), () => undefined)));
      chunk.forEach((id, index) => {
        if (!jobs[index]) return void unread++;
        const result = fromJob(jobs[index].job);
        if (result) settle(id, result);
      });
    }
    return unread === 0;
  };
  const eventsClient = await events.client;
  let connectedOnce = eventsClient.status === 'ready';
  let reading = false;
  eventsClient.on('ready', async () => {
    if (!connectedOnce || reading) return void (connectedOnce = true);
    reading = true;
    try {
      for (let attempt = 0; attempt < 60 && pending.size > 0 && !(await readBack([...pending.keys()])); attempt++) await sleep(500);
    } finally {
      reading = false;
    }
  });

  const cancel = async (ids) => {
    if (ids.length === 0) return;
    await queueClient.publish(cancelChannel(queueName), JSON.stringify(ids)).catch(() => {});
    await Promise.all(ids.map((id) => queue.remove(id).catch(() => 0))); // a job not yet taken never runs
  };

  const app = Fastify(httpOptions({ logger, requestTimeoutMs, deadlineMs }));
  app.addHook('onClose', async () => {
    for (const id of [...pending.keys()]) settle(id, { status: 503, body: errorBody('ShuttingDown', undefined, 'the front is shutting down') });
    await events.close();
    await queue.close();
  });
  app.get('/health', async (_request, reply) => {
    if (queueClient.status !== 'ready') return reply.code(503).send({ ok: false, mode: 'queue', redis: queueClient.status, pending: pending.size });
    const counts = await withTimeout(queue.getJobCounts('waiting', 'active'), enqueueTimeoutMs, 'redis').catch(() => null);
    if (!counts) return reply.code(503).send({ ok: false, mode: 'queue', redis: 'unresponsive', pending: pending.size });
    return { ok: true, mode: 'queue', ...counts, pending: pending.size };
  });

  app.post('/solve', async (request, reply) => {
    const body = request.body;
    const many = Array.isArray(body);
    const inputs = many ? body : [body];
    const refused = refuseBody(body, { maxRequestsPerCall, maxDepth });
    if (refused) return reply.code(refused.status).send(refused.body);
    const full = (message) => reply.code(503).header('retry-after', '1').send(errorBody('QueueFullError', 'queue', message));
    const unavailable = (error) => {
      // Redis's own words go to the log, not to the client.
      request.log.warn({ err: error }, 'queue unavailable');
      return { status: 503, body: errorBody('QueueUnavailable', 'queue', 'the queue (Redis) is not reachable now; retry later') };
    };
    if (pending.size + inputs.length > maxPending) return full(`this front already waits for ${pending.size} requests (at most ${maxPending}); retry later`);
    let waiting;
    try {
      waiting = await withTimeout(queue.getWaitingCount(), enqueueTimeoutMs, 'count timed out');
    } catch (error) {
      const { status, body: refusal } = unavailable(error);
      return reply.code(status).send(refusal);
    }
    if (waiting + inputs.length > maxWaiting) return full(`${waiting} requests wait in the queue (at most ${maxWaiting}); retry later`);
    const deadline = Date.now() + deadlineMs;
    const ids = inputs.map(() => crypto.randomUUID());
    const answers = ids.map((id) => new Promise((resolve) => pending.set(id, { resolve })));
    const forget = (result) => ids.forEach((id) => settle(id, result));
    let hungUp = false;
    onHangUp(reply, () => {
      hungUp = true;
      const open = ids.filter((id) => pending.has(id));
      forget(null);
      cancel(open).catch(() => {});
    });
    try {
      await withTimeout(
        queue.addBulk(inputs.map((entry, index) => ({ name: 'solve', data: { entry, deadline }, opts: { jobId: ids[index], attempts: 1, removeOnComplete: { age: 300 }, removeOnFail: { age: 300 } } }))),
        enqueueTimeoutMs,
        'enqueue timed out',
      );
    } catch (error) {
      forget(unavailable(error));
    }
    if (hungUp) cancel(ids).catch(() => {}); // it hung up while the jobs were being added
    // At the deadline: read back what is still open (a missed event), then 504 and cancel the rest.
    const timer = setTimeout(async () => {
      await readBack(ids).catch(() => {});
      const open = ids.filter((id) => pending.has(id));
      forget(deadlineExceeded(deadlineMs));
      cancel(open).catch(() => {});
    }, deadlineMs + 500);
    const results = await Promise.all(answers);
    clearTimeout(timer);
    if (hungUp) return reply; // nobody to answer
    for (const result of results) if (result.status === 500) request.log.error({ reason: result.reason }, 'queued solve failed');
    return sendResults(reply, many, results.map(({ status, body }) => ({ status, body: status === 500 ? errorBody('InternalError', undefined, 'the worker failed') : body })));
  });
  installBodyParsers(app);
  installErrorHandler(app);
  return app;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
