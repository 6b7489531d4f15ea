// What the single-process service (app.js) and the queue front and workers (queue.js) share:
// request splitting, the checks made before any work, and how results and errors become JSON.
import { resolve } from 'node:path';
import { AbortedError, InvalidInputError, QueueFullError, TrmError, createSpecialist } from '@trm/core';

export const errorBody = (name, field, message) => ({ error: { name, ...(field ? { field } : {}), message } });

export const deadlineExceeded = (deadlineMs) => ({ status: 504, body: errorBody('DeadlineExceeded', 'deadline', `not answered within the service's deadline (${deadlineMs} ms)`) });

/** Typed SDK errors become 4xx (bad input) or 503 (queue full); anything else is a 500. */
export function describeError(error, deadlineMs) {
  if (QueueFullError.isInstance(error)) return { status: 503, body: errorBody(error.name, undefined, error.message) };
  if (AbortedError.isInstance(error) && error.cause?.name === 'TimeoutError') return deadlineExceeded(deadlineMs);
  if (TrmError.isInstance(error)) return { status: 400, body: errorBody(error.name, error.field, error.message) };
  return { status: 500, body: errorBody('InternalError', undefined, 'internal error') };
}

/**
 * One entry of a body: a bare request, or `{ input, task?, options }` with its own solve options.
 * Returns what the router takes; `options` stays as sent so the router names a bad value.
 */
export function splitEntry(entry) {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || !('options' in entry)) return { request: entry, options: undefined, hasOptions: false };
  const { options, ...rest } = entry;
  return { request: 'task' in rest || !('input' in rest) ? rest : rest.input, options, hasOptions: true };
}

/** Solve one entry with the router; per-request options are merged with the call's signal. */
export function solveEntry(router, entry, signal) {
  const { request, options, hasOptions } = splitEntry(entry);
  if (!hasOptions) return router.solve(request, { signal });
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return router.solve(request, options); // the router names the bad value
  return router.solve(request, { ...options, signal });
}

/** The checks made before any work: a 4xx response, or undefined when the body may proceed. */
export function refuseBody(body, { maxRequestsPerCall, maxDepth }) {
  const inputs = Array.isArray(body) ? body : [body];
  if (inputs.length > maxRequestsPerCall) return { status: 413, body: errorBody('InvalidInputError', 'body', `at most ${maxRequestsPerCall} requests per call`) };
  // Deeply nested JSON would overflow the stack of any parser after this one: refused here.
  if (depthOf(body, maxDepth) > maxDepth) return { status: 400, body: errorBody('InvalidInputError', 'body', `nested deeper than ${maxDepth} levels`) };
  return undefined;
}

/** How deep a JSON value nests, counting no further than just past `limit`. */
export function depthOf(value, limit, depth = 0) {
  if (depth > limit || typeof value !== 'object' || value === null) return depth;
  let deepest = depth + 1;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child, limit, depth + 1));
    if (deepest > limit) break;
  }
  return deepest;
}

/** The shared result as JSON: typed arrays as plain arrays, per-token confidences left out. */
export function toJson({ tokenConfidence: _omitted, value, ...result }) {
  return { ...result, value: ArrayBuffer.isView(value) ? Array.from(value) : value };
}

/** One call's answer: a single request answers with its own status, an array 200 with one status per entry. */
export function sendResults(reply, many, results) {
  if (!many) return reply.code(results[0].status).send(results[0].body);
  return reply.code(200).send(results.map((result) => ({ status: result.status, ...result.body })));
}

/**
 * The server's limits: headers and body must arrive whole within `requestTimeoutMs` (checked 4
 * times a second; Node's default check runs every 30 s, and its 60 s header timeout would let a
 * trickling client in), an answer may take up to the deadline (the socket's idle timeout is
 * past it), and close() ends every connection so shutdown is bounded.
 */
export function httpOptions({ logger, requestTimeoutMs, deadlineMs }) {
  return {
    logger,
    bodyLimit: 4 * 1024 * 1024,
    requestTimeout: requestTimeoutMs,
    connectionTimeout: deadlineMs + requestTimeoutMs + 5_000,
    forceCloseConnections: true,
    http: { connectionsCheckingInterval: Math.max(50, Math.min(250, requestTimeoutMs / 4)), headersTimeout: requestTimeoutMs, requestTimeout: requestTimeoutMs },
  };
}

/**
 * Bodies are JSON only: a text/plain POST is a "simple" cross-origin request that any web page can
 * make through a visitor's browser without asking, so it would spend this service's compute (every
 * type but JSON gets 415). JSON keys that could reach Object.prototype are refused by name.
 */
export function installBodyParsers(app) {
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    if (text.length === 0) return done(badBody('the body is empty: send a JSON request'));
    try {
      done(null, JSON.parse(text, refusePrototypeKeys));
    } catch (error) {
      done(badBody(error instanceof PrototypeKeyError ? error.message : `the body is not valid JSON (${error.message})`));
    }
  });
}

class PrototypeKeyError extends Error {}

function refusePrototypeKeys(key, value) {
  if (key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null && Object.hasOwn(value, 'prototype'))) {
    throw new PrototypeKeyError(`keys named "__proto__", or "constructor" holding a "prototype", are refused (they could reach every object in the server): rename them`);
  }
  return value;
}

function badBody(message) {
  return Object.assign(new Error(message), { statusCode: 400 });
}

/** Malformed JSON and oversized bodies arrive here with a 4xx status from Fastify; the rest is a logged 500. */
export function installErrorHandler(app) {
  app.setErrorHandler((error, request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'request failed');
    reply.code(status).send(status < 500 ? errorBody('InvalidInputError', 'body', clientMessage(error)) : errorBody('InternalError', 'body', 'internal error'));
  });
}

function clientMessage(error) {
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return `${error.message}: send JSON with content-type: application/json`;
  return error.message;
}

/** Calls `onHangUp` once if the client goes away before its answer is written. */
export function onHangUp(reply, onHangUp) {
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) onHangUp();
  });
}

/**
 * The specialists of `--task MODULE[=MANIFEST]` flags: a user's task file, with its model (default:
 * the task's packaged one). Its detect, parseInput and verify run in a worker thread, each call
 * bounded by `budgetMs`: a hook that loops costs one request that long, never the service.
 */
export async function loadTaskSpecialists(specs = [], { budgetMs = 1000 } = {}) {
  if (specs.length === 0) return [];
  const { loadIsolatedTask } = await import('@trm/core/node');
  return Promise.all(
    specs.map(async (spec) => {
      const [module, model] = spec.split('=');
      const task = await loadIsolatedTask(resolve(module), { budgetMs });
      return model ? createSpecialist(task, resolve(model)) : createSpecialist(task);
    }),
  );
}

/**
 * `--model TASK=MANIFEST` flags: serve a model of your own (one you trained, or the earlier sudoku
 * token model) for a built-in task, in place of its packaged one. `tasks`: name -> TaskV1.
 */
export async function withModels(specialists, specs, tasks) {
  let served = specialists;
  for (const spec of specs ?? []) {
    const [name, manifest] = spec.split('=');
    if (!Object.hasOwn(tasks, name) || !manifest) throw new InvalidInputError({ field: '--model', message: `expected TASK=MANIFEST with TASK one of ${Object.keys(tasks).join(', ')}`, value: spec });
    const replaced = await createSpecialist(tasks[name], resolve(manifest));
    served = served.map((specialist) => (specialist.task === name ? replaced : specialist));
  }
  return served;
}

/** Exits with the typed error's one line (exit 2), as for a bad flag. */
export function exitOnError(error) {
  console.error(TrmError.isInstance(error) ? `${error.name}: ${error.message}` : String(error?.stack ?? error));
  process.exit(2);
}
