// An HTTP JSON service over the router: POST /solve with one request or a mixed array.
import Fastify from 'fastify';
import { AbortedError, QueueFullError, TrmError } from '@trm/core';
import { createRouter } from '@trm/router';
import { createNodeRuntime } from '@trm/runtime-node';
import { maze } from '@trm/tasks-maze';
import { sudoku } from '@trm/tasks-sudoku';

/** Typed SDK errors become 4xx (bad input) or 503 (queue full); nothing crashes the process. */
function describeError(error, deadlineMs) {
  if (QueueFullError.isInstance(error)) return { status: 503, body: { error: { name: error.name, message: error.message } } };
  if (AbortedError.isInstance(error) && error.cause?.name === 'TimeoutError') {
    return { status: 504, body: { error: { name: 'DeadlineExceeded', field: 'deadline', message: `not answered within the service's deadline (${deadlineMs} ms)` } } };
  }
  if (TrmError.isInstance(error)) return { status: 400, body: { error: { name: error.name, field: error.field, message: error.message } } };
  return { status: 500, body: { error: { name: 'InternalError', message: 'internal error' } } };
}

// patience 4: an answer that has not changed for 4 steps stops (on Kaggle sudoku this never
// cost a solve; a stuck maze stops after 5 steps instead of 16).
// deadlineMs: a request not answered by then gets 504 and its work stops. A client that hangs up
// stops its work too (its slots free within one supervision step). Slow bodies time out.
export async function buildApp({
  specialists = [sudoku, maze],
  runtime = createNodeRuntime(),
  maxBatchSize = 64,
  maxQueue = 2048,
  maxRequestsPerCall = 256,
  solveOptions = { patience: 4 },
  deadlineMs = 60_000,
  requestTimeoutMs = 10_000,
  maxDepth = 32,
  logger = false,
} = {}) {
  const router = createRouter({ specialists, runtime, batching: { maxBatchSize, maxQueue }, defaults: solveOptions });
  const app = Fastify({ logger, bodyLimit: 4 * 1024 * 1024, requestTimeout: requestTimeoutMs, connectionTimeout: requestTimeoutMs });
  let inFlight = 0;
  app.addHook('onClose', () => router.dispose());

  app.get('/health', async () => ({ ok: true, tasks: router.tasks, inFlight }));
  // What each task accepts, as JSON Schema, for clients.
  app.get('/tasks', async () => router.describe());

  app.post('/solve', async (request, reply) => {
    const body = request.body;
    const many = Array.isArray(body);
    const inputs = many ? body : [body];
    if (inputs.length > maxRequestsPerCall) {
      return reply.code(413).send({ error: { name: 'InvalidInputError', field: 'body', message: `at most ${maxRequestsPerCall} requests per call` } });
    }
    // Deeply nested JSON would overflow the stack of any parser after this one: refused here.
    if (depthOf(body, maxDepth) > maxDepth) {
      return reply.code(400).send({ error: { name: 'InvalidInputError', field: 'body', message: `nested deeper than ${maxDepth} levels` } });
    }
    // One signal for the whole call: the client hanging up, or the deadline.
    const hangUp = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished && !hangUp.signal.aborted) hangUp.abort(new Error('client disconnected'));
    });
    // A plain timer, cleared when answered (AbortSignal.timeout inside AbortSignal.any can be collected before it fires).
    const deadline = setTimeout(() => hangUp.abort(new DOMException('deadline', 'TimeoutError')), deadlineMs);
    const signal = hangUp.signal;
    // A request may carry its own solve options ({ input, task?, options }), named as everywhere else.
    inFlight += inputs.length;
    let settled;
    try {
      settled = await Promise.allSettled(inputs.map((entry) => (hasOptions(entry) ? solveWithOptions(router, entry, signal) : router.solve(entry, { signal }))));
    } finally {
      inFlight -= inputs.length;
      clearTimeout(deadline);
    }
    if (hangUp.signal.aborted && hangUp.signal.reason?.name !== 'TimeoutError') return reply; // nobody to answer
    const results = settled.map((entry) => {
      if (entry.status === 'fulfilled') return { status: 200, body: toJson(entry.value) };
      const described = describeError(entry.reason, deadlineMs);
      if (described.status === 500) request.log.error({ err: entry.reason }, 'solve failed');
      return described;
    });
    if (!many) return reply.code(results[0].status).send(results[0].body);
    // A mixed array answers 200 as a whole; each entry carries its own status.
    return reply.code(200).send(results.map((result) => ({ status: result.status, ...result.body })));
  });

  app.setErrorHandler((error, request, reply) => {
    // Malformed JSON and oversized bodies arrive here with a 4xx status from Fastify.
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'request failed');
    reply.code(status).send({ error: { name: status < 500 ? 'InvalidInputError' : 'InternalError', field: 'body', message: status < 500 ? error.message : 'internal error' } });
  });
  return app;
}

function hasOptions(entry) {
  return typeof entry === 'object' && entry !== null && !Array.isArray(entry) && 'options' in entry;
}

function solveWithOptions(router, { options, ...request }, signal) {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return router.solve(request, options); // the router names the bad value
  return router.solve('task' in request || !('input' in request) ? request : request.input, { ...options, signal });
}

/** How deep a JSON value nests, counting no further than just past `limit`. */
function depthOf(value, limit, depth = 0) {
  if (depth > limit || typeof value !== 'object' || value === null) return depth;
  let deepest = depth + 1;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child, limit, depth + 1));
    if (deepest > limit) break;
  }
  return deepest;
}

/** The shared result as JSON: typed arrays as plain arrays, per-token confidences left out. */
function toJson({ tokenConfidence: _omitted, value, ...result }) {
  return { ...result, value: ArrayBuffer.isView(value) ? Array.from(value) : value };
}
