// An HTTP JSON service over the router: POST /solve with one request or a mixed array.
import Fastify from 'fastify';
import { QueueFullError, TrmError } from '@trm/core';
import { createRouter } from '@trm/router';
import { createNodeRuntime } from '@trm/runtime-node';
import { maze } from '@trm/tasks-maze';
import { sudoku } from '@trm/tasks-sudoku';

/** Typed SDK errors become 4xx (bad input) or 503 (queue full); nothing crashes the process. */
function describeError(error) {
  if (QueueFullError.isInstance(error)) return { status: 503, body: { error: { name: error.name, message: error.message } } };
  if (TrmError.isInstance(error)) return { status: 400, body: { error: { name: error.name, field: error.field, message: error.message } } };
  return { status: 500, body: { error: { name: 'InternalError', message: 'internal error' } } };
}

// patience 4: an answer that has not changed for 4 steps stops (on Kaggle sudoku this never
// cost a solve; a stuck maze stops after 5 steps instead of 16).
export async function buildApp({ specialists = [sudoku, maze], runtime = createNodeRuntime(), maxBatchSize = 64, maxQueue = 2048, maxRequestsPerCall = 256, solveOptions = { patience: 4 }, logger = false } = {}) {
  const router = createRouter({ specialists, runtime, batching: { maxBatchSize, maxQueue }, defaults: solveOptions });
  const app = Fastify({ logger, bodyLimit: 4 * 1024 * 1024 });
  app.addHook('onClose', () => router.dispose());

  app.get('/health', async () => ({ ok: true, tasks: router.tasks }));
  // What each task accepts, as JSON Schema, for clients.
  app.get('/tasks', async () => router.describe());

  app.post('/solve', async (request, reply) => {
    const body = request.body;
    const many = Array.isArray(body);
    const inputs = many ? body : [body];
    if (inputs.length > maxRequestsPerCall) {
      return reply.code(413).send({ error: { name: 'InvalidInputError', field: 'body', message: `at most ${maxRequestsPerCall} requests per call` } });
    }
    // A request may carry its own solve options ({ input, task?, options }), named as everywhere else.
    const settled = await Promise.allSettled(inputs.map((entry) => (hasOptions(entry) ? solveWithOptions(router, entry) : router.solve(entry))));
    const results = settled.map((entry) => (entry.status === 'fulfilled' ? { status: 200, body: toJson(entry.value) } : describeError(entry.reason)));
    if (!many) return reply.code(results[0].status).send(results[0].body);
    // A mixed array answers 200 as a whole; each entry carries its own status.
    return reply.code(200).send(results.map((result) => ({ status: result.status, ...result.body })));
  });

  app.setErrorHandler((error, _request, reply) => {
    // Malformed JSON and oversized bodies arrive here with a 4xx status from Fastify.
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    reply.code(status).send({ error: { name: status < 500 ? 'InvalidInputError' : 'InternalError', field: 'body', message: status < 500 ? error.message : 'internal error' } });
  });
  return app;
}

function hasOptions(entry) {
  return typeof entry === 'object' && entry !== null && !Array.isArray(entry) && 'options' in entry;
}

function solveWithOptions(router, { options, ...request }) {
  return router.solve('task' in request || !('input' in request) ? request : request.input, options);
}

/** The shared result as JSON: typed arrays as plain arrays, per-token confidences left out. */
function toJson({ tokenConfidence: _omitted, value, ...result }) {
  return { ...result, value: ArrayBuffer.isView(value) ? Array.from(value) : value };
}
