// An HTTP JSON service over the router: POST /solve with one request or a mixed array.
import { setMaxListeners } from 'node:events';
import Fastify from 'fastify';
import { createRouter } from '@trm/router';
import { createNodeRuntime } from '@trm/runtime-node';
import { maze } from '@trm/tasks-maze';
import { sudoku } from '@trm/tasks-sudoku';
import { describeError, httpOptions, installBodyParsers, installErrorHandler, onHangUp, refuseBody, sendResults, solveEntry, toJson } from './common.js';

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
  const app = Fastify(httpOptions({ logger, requestTimeoutMs, deadlineMs }));
  let inFlight = 0;
  app.addHook('onClose', () => router.dispose());

  app.get('/health', async () => ({ ok: true, tasks: router.tasks, inFlight }));
  // What each task accepts, as JSON Schema, for clients.
  app.get('/tasks', async () => router.describe());

  app.post('/solve', async (request, reply) => {
    const body = request.body;
    const many = Array.isArray(body);
    const inputs = many ? body : [body];
    const refused = refuseBody(body, { maxRequestsPerCall, maxDepth });
    if (refused) return reply.code(refused.status).send(refused.body);
    // One signal for the whole call: the client hanging up, or the deadline.
    const hangUp = new AbortController();
    setMaxListeners(0, hangUp.signal); // every entry of the call (and each of its copies) listens to it
    onHangUp(reply, () => {
      if (!hangUp.signal.aborted) hangUp.abort(new Error('client disconnected'));
    });
    // A plain timer, cleared when answered (AbortSignal.timeout inside AbortSignal.any can be collected before it fires).
    const deadline = setTimeout(() => hangUp.abort(new DOMException('deadline', 'TimeoutError')), deadlineMs);
    const signal = hangUp.signal;
    // A request may carry its own solve options ({ input, task?, options }), named as everywhere else.
    inFlight += inputs.length;
    let settled;
    try {
      settled = await Promise.allSettled(inputs.map((entry) => solveEntry(router, entry, signal)));
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
    return sendResults(reply, many, results);
  });

  installBodyParsers(app);
  installErrorHandler(app);
  return app;
}
