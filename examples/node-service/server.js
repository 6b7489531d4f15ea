// `node server.js`: the single-process service. `node server.js --queue redis://host:6379`: the
// queue front, for workers started with worker.js. `--port` (or PORT), `--device auto|cpu|gpu`
// (or TRM_DEVICE; default auto) and `--threads` (or TRM_THREADS), both single process only,
// `--queue-name`, `--quiet` (no request log). `--task ./my-task.js[=./model/manifest.json]`
// (repeatable, single process) serves a task of your own beside sudoku and maze, its own code
// bounded by `--task-budget-ms` (default 1000) per call. `--model sudoku=./manifest.json`
// (repeatable, single process) serves another model for a built-in task (e.g. the earlier sudoku
// token model, packages/tasks-sudoku/model/manifest.json). Prints one JSON line once listening.
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    queue: { type: 'string' },
    'queue-name': { type: 'string', default: 'trm-solve' },
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    device: { type: 'string', default: process.env.TRM_DEVICE },
    threads: { type: 'string', default: process.env.TRM_THREADS },
    quiet: { type: 'boolean', default: false },
    task: { type: 'string', multiple: true, default: [] },
    model: { type: 'string', multiple: true, default: [] },
    'task-budget-ms': { type: 'string', default: '1000' },
  },
});
const whole = (name, text) => {
  if (!/^[0-9]+$/.test(text)) {
    console.error(`--${name}: expected a whole number, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return Number(text);
};
// The library's device words (an unknown one is its typed error, printed like a bad flag).
const runtimeOrExit = (create, settings) => {
  try {
    return create(settings);
  } catch (error) {
    console.error(`${error.name}: ${error.message}`);
    process.exit(2);
  }
};
const logger = !values.quiet;
// Each mode imports only what it runs: the front loads no model and no onnxruntime.
let app;
if (values.queue === undefined) {
  const [{ buildApp }, { createNodeRuntime }, { loadTaskSpecialists, exitOnError, withModels }, { sudoku, sudokuTask }, { maze, mazeTask }] = await Promise.all([
    import('./app.js'),
    import('@trm/runtime-node'),
    import('./common.js'),
    import('@trm/tasks-sudoku'),
    import('@trm/tasks-maze'),
  ]);
  const own = await loadTaskSpecialists(values.task, { budgetMs: whole('task-budget-ms', values['task-budget-ms']) }).catch(exitOnError);
  const runtime = runtimeOrExit(createNodeRuntime, { device: values.device, threads: values.threads === undefined ? undefined : whole('threads', values.threads) });
  const builtIn = await withModels([sudoku, maze], values.model, { sudoku: sudokuTask, maze: mazeTask }).catch(exitOnError);
  app = await buildApp({ logger, runtime, specialists: [...builtIn, ...own] }).catch(exitOnError);
} else {
  for (const flag of ['task', 'model']) {
    if (values[flag].length > 0) {
      console.error(`--${flag}: in queue mode the workers route: give --${flag} to each worker.js`);
      process.exit(2);
    }
  }
  const { buildQueueApp } = await import('./queue.js');
  app = await buildQueueApp({ redis: values.queue, queueName: values['queue-name'], logger });
}
await app.listen({ port: whole('port', values.port), host: '127.0.0.1', backlog: 4096 });
console.log(JSON.stringify({ listening: true, port: app.server.address().port, pid: process.pid }));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => app.close().then(() => process.exit(0)));
