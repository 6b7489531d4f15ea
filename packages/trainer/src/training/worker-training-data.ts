import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TrainingDataSource, TrainingExample } from './training-data-source';

export interface WorkerTrainingDataOptions {
  /** URL or absolute path of an ES module exporting the data factory. */
  module: string;
  /** The factory's export name; it is called with `options` and returns a TrainingDataSource. */
  exportName: string;
  /**
   * When the export is an object (a task), the path to the factory inside it, e.g.
   * `['training', 'data']`; it is called with its owner as `this`.
   */
  member?: readonly string[];
  /** Passed to the factory; must be structured-cloneable. */
  options: unknown;
  /** Examples kept ready ahead of the trainer (default 256). */
  bufferSize?: number;
}

/** A TrainingDataSource whose examples are made on a worker thread, ahead of need. */
export interface WorkerTrainingData extends TrainingDataSource {
  /** Resolves when `count` examples can be taken without waiting. */
  ready(count: number): Promise<void>;
  close(): Promise<void>;
}

// CommonJS because Node 20 evaluates `eval: true` workers as scripts; the factory module is
// loaded with import(). The worker answers each request for N examples with one message.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const module = await import(workerData.module);
  let owner = module;
  let factory = module[workerData.exportName];
  for (const key of workerData.member || []) {
    owner = factory;
    factory = factory[key];
  }
  const source = factory.call(owner, workerData.options);
  parentPort.postMessage({ type: 'ready', description: source.description, puzzleNames: source.puzzleNames ? Array.from(source.puzzleNames) : undefined });
  parentPort.on('message', (count) => {
    const examples = [];
    const transfer = [];
    for (let index = 0; index < count; index++) {
      const example = source.next();
      const tokens = Int32Array.from(example.tokens);
      const labels = Int32Array.from(example.labels);
      const stepLabels = example.stepLabels ? example.stepLabels.map((step) => Int32Array.from(step)) : undefined;
      examples.push({ tokens, labels, puzzleIdentifier: example.puzzleIdentifier, stepLabels });
      transfer.push(tokens.buffer, labels.buffer, ...(stepLabels ? stepLabels.map((step) => step.buffer) : []));
    }
    parentPort.postMessage({ type: 'examples', examples }, transfer);
  });
})().catch((error) => parentPort.postMessage({ type: 'error', message: String(error && error.stack || error) }));
`;

/**
 * Runs a data factory on a worker thread so example generation overlaps training. The stream is
 * the same, in the same order, as calling the factory on the main thread.
 */
export async function createWorkerTrainingData(options: WorkerTrainingDataOptions): Promise<WorkerTrainingData> {
  const bufferSize = options.bufferSize ?? 256;
  const module = isAbsolute(options.module) ? pathToFileURL(options.module).href : options.module;
  const worker = new Worker(workerSource, { eval: true, workerData: { module, exportName: options.exportName, member: options.member ? [...options.member] : undefined, options: options.options } });
  const buffer: TrainingExample[] = [];
  let requested = 0;
  let waiting = 0;
  let failure: Error | null = null;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const current = waiters;
    waiters = [];
    for (const resolve of current) resolve();
  };
  const started = new Promise<{ description: string; puzzleNames?: string[] }>((resolve, reject) => {
    worker.on('message', (message: { type: 'ready'; description: string; puzzleNames?: string[] } | { type: 'examples'; examples: TrainingExample[] } | { type: 'error'; message: string }) => {
      if (message.type === 'ready') resolve({ description: message.description, puzzleNames: message.puzzleNames });
      else if (message.type === 'examples') {
        requested -= message.examples.length;
        buffer.push(...message.examples);
        wake();
      } else {
        failure = new Error(`training data worker failed: ${message.message}`);
        reject(failure);
        wake();
      }
    });
    worker.on('error', (error) => {
      failure = error;
      reject(error);
      wake();
    });
  });
  let description: string;
  let puzzleNames: string[] | undefined;
  try {
    ({ description, puzzleNames } = await started);
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  // Only now: adding a 'message' listener refs the worker's port again, so an unref before it
  // would let a source nobody closed (a run that failed) hold the process open for ever.
  worker.unref();
  const topUp = () => {
    const missing = bufferSize - buffer.length - requested;
    // Small requests would cost a message each; ask in chunks of at least a quarter buffer.
    if (missing >= Math.max(1, bufferSize / 4)) {
      requested += missing;
      worker.postMessage(missing);
    }
  };
  topUp();
  return {
    description,
    ...(puzzleNames ? { puzzleNames } : {}),
    async ready(count: number) {
      while (buffer.length < count) {
        if (failure) throw failure;
        const shortfall = count - buffer.length - requested;
        if (shortfall > 0) {
          requested += shortfall;
          worker.postMessage(shortfall);
        }
        // Waiting on the worker keeps the process alive; an idle source does not.
        if (waiting++ === 0) worker.ref();
        try {
          await new Promise<void>((resolve) => waiters.push(resolve));
        } finally {
          if (--waiting === 0) worker.unref();
        }
      }
      topUp();
    },
    next() {
      if (failure) throw failure;
      const example = buffer.shift();
      if (!example) throw new Error('training data worker: next() before ready(); await ready(count) first');
      topUp();
      return example;
    },
    async close() {
      await worker.terminate();
    },
  };
}
