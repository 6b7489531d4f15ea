// `node server.js`: the single-process service. `node server.js --queue redis://host:6379`: the
// queue front, for workers started with worker.js. `--port` (or PORT), `--device auto|cpu|gpu`
// (or TRM_DEVICE; default auto) and `--threads` (or TRM_THREADS), both single process only,
// `--queue-name`, `--quiet` (no request log).
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    queue: { type: 'string' },
    'queue-name': { type: 'string', default: 'trm-solve' },
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    device: { type: 'string', default: process.env.TRM_DEVICE },
    threads: { type: 'string', default: process.env.TRM_THREADS },
    quiet: { type: 'boolean', default: false },
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
  const [{ buildApp }, { createNodeRuntime }] = await Promise.all([import('./app.js'), import('@trm/runtime-node')]);
  app = await buildApp({ logger, runtime: runtimeOrExit(createNodeRuntime, { device: values.device, threads: values.threads === undefined ? undefined : whole('threads', values.threads) }) });
} else {
  const { buildQueueApp } = await import('./queue.js');
  app = await buildQueueApp({ redis: values.queue, queueName: values['queue-name'], logger });
}
await app.listen({ port: whole('port', values.port), host: '127.0.0.1', backlog: 4096 });
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => app.close().then(() => process.exit(0)));
