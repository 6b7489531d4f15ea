// A queue-mode worker process: `node worker.js --redis redis://127.0.0.1:6379 [--batch 64]
// [--device auto|cpu|gpu] [--threads N] [--lock-ms 30000] [--queue trm-solve] [--close-timeout-ms 30000]
// [--task ./my-task.js[=./model/manifest.json] ... --task-budget-ms 1000] [--model sudoku=./manifest.json ...]`. Start as many as you like, on any host
// that reaches Redis. Prints one JSON line when ready; SIGTERM finishes the jobs it holds, then exits.
import { parseArgs } from 'node:util';
import { createNodeRuntime } from '@trm/runtime-node';
import { sudoku, sudokuTask } from '@trm/tasks-sudoku';
import { maze, mazeTask } from '@trm/tasks-maze';
import { exitOnError, loadTaskSpecialists, withModels } from './common.js';
import { startWorker } from './queue.js';

const { values } = parseArgs({
  options: {
    redis: { type: 'string', default: process.env.TRM_REDIS_URL ?? 'redis://127.0.0.1:6379' },
    queue: { type: 'string', default: 'trm-solve' },
    batch: { type: 'string', default: '64' },
    device: { type: 'string', default: process.env.TRM_DEVICE },
    threads: { type: 'string' },
    'lock-ms': { type: 'string', default: '30000' },
    'close-timeout-ms': { type: 'string', default: '30000' },
    task: { type: 'string', multiple: true, default: [] },
    model: { type: 'string', multiple: true, default: [] },
    'task-budget-ms': { type: 'string', default: '1000' },
  },
});
const positive = (name, text) => {
  if (!/^[0-9]+$/.test(text) || Number(text) < 1) {
    console.error(`--${name}: expected a positive whole number, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return Number(text);
};
const lastLogged = new Map();
let runtime;
try {
  // The library's device words and default (auto); an unknown word is its typed error, printed like a bad flag.
  runtime = createNodeRuntime({ device: values.device, threads: values.threads === undefined ? undefined : positive('threads', values.threads) });
} catch (error) {
  console.error(`${error.name}: ${error.message}`);
  process.exit(2);
}
const own = await loadTaskSpecialists(values.task, { budgetMs: positive('task-budget-ms', values['task-budget-ms']) }).catch(exitOnError);
const builtIn = await withModels([sudoku, maze], values.model, { sudoku: sudokuTask, maze: mazeTask }).catch(exitOnError);
const handle = await startWorker({ redis: values.redis, queueName: values.queue, runtime, specialists: [...builtIn, ...own], maxBatchSize: positive('batch', values.batch), lockDuration: positive('lock-ms', values['lock-ms']),
  // One line per error, at most one a second per message: an outage is visible, not a flood.
  onError: (error) => {
    const now = Date.now();
    if (now - (lastLogged.get(error.message) ?? 0) < 1000) return;
    lastLogged.set(error.message, now);
    console.error(JSON.stringify({ level: 'error', worker: process.pid, error: error.message }));
  },
});
console.log(JSON.stringify({ ready: true, worker: handle.name, pid: process.pid }));
const closeTimeoutMs = positive('close-timeout-ms', values['close-timeout-ms']);
let closing = false;
// Started by a test or a supervisor that set TRM_PARENT_PID: leave when it is gone, even if it was killed.
if (process.env.TRM_PARENT_PID) {
  const parent = Number(process.env.TRM_PARENT_PID);
  const watch = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      clearInterval(watch);
      process.kill(process.pid, 'SIGTERM');
    }
  }, 1000);
  watch.unref();
}
// The first signal finishes the jobs held (bounded: with Redis gone, close() could wait forever);
// a second one exits at once. Jobs left unfinished go to other workers when their lock expires.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, async () => {
    if (closing) process.exit(1);
    closing = true;
    const timer = setTimeout(() => process.exit(1), closeTimeoutMs);
    await handle.close().catch(() => {});
    clearTimeout(timer);
    process.exit(0);
  });
}
