import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import { RuntimeError } from '../contracts/errors/runtime-error';
import { TaskTimeoutError } from '../contracts/errors/task-timeout-error';
import { TrmError } from '../contracts/errors/trm-error';
import type { TaskV1 } from '../contracts/task';
import { parseTaskDefinition } from '../contracts/task-schema';

/** The task hooks that run user code on every request, and so can be isolated. */
export type IsolatedHook = 'detect' | 'parseInput' | 'verify';

export interface IsolatedTaskOptions {
  /** The module's export that holds the task (default: `default`, else `task`). */
  readonly exportName?: string;
  /** How long one call of a hook may run before its thread is stopped (default 1000 ms). */
  readonly budgetMs?: number;
  /** Which hooks run in the worker (default all three). */
  readonly hooks?: readonly IsolatedHook[];
  /** How long the worker may take to import the module (default 10,000 ms). */
  readonly startupMs?: number;
}

export interface IsolatedTask<Input = unknown, Answer = unknown> extends TaskV1<Input, Answer> {
  /** Stops the worker thread (a later hook call starts a new one). */
  close(): Promise<void>;
}

// The worker: imports the task module, then answers hook calls one at a time. A call's result
// goes back through the port; the shared flag wakes the caller, which waits synchronously.
const workerSource = `
const { workerData } = require('node:worker_threads');
const { port, flag, module, exportName } = workerData;
const signal = new Int32Array(flag);
const done = (message) => { port.postMessage(message); Atomics.store(signal, 0, 1); Atomics.notify(signal, 0); };
const describe = (error) => {
  const kinds = error && error[Symbol.for('trm.error')];
  return { name: error && error.name, message: String((error && error.message) ?? error), field: error && error.field, kinds: Array.isArray(kinds) ? kinds.slice() : [] };
};
import(module).then(
  (exports) => {
    const task = exports[exportName];
    port.on('message', ({ hook, args }) => {
      let reply;
      try { reply = { value: task[hook](...args) }; } catch (error) { reply = { error: describe(error) }; }
      try { done(reply); } catch (error) { done({ error: { name: 'DataCloneError', message: hook + ' returned a value that cannot be copied between threads: ' + error.message, kinds: [] } }); }
    });
    done({ ready: true });
  },
  (error) => done({ error: describe(error) }),
);
`;

/**
 * A task loaded from a module whose `detect`, `parseInput` and `verify` run in a worker thread,
 * each call bounded by `budgetMs`: a hook that loops is stopped (its thread terminated, a new one
 * started for the next call) and the call throws `TaskTimeoutError` naming the hook. The router
 * takes a throwing `detect` as "not mine", so one task's loop costs a request at most `budgetMs`
 * and never freezes routing, the event loop or the other tasks. Node only; the calls stay
 * synchronous (the caller waits on a shared flag), so the task is a plain `TaskV1`.
 *
 * Inputs and answers cross threads as structured clones: plain data, arrays and typed arrays
 * keep their shape; class instances lose their prototype. Everything else (codec, data,
 * formatting) runs in the caller's thread from the same module.
 */
export async function loadIsolatedTask<Input = unknown, Answer = unknown>(module: string | URL, options: IsolatedTaskOptions = {}): Promise<IsolatedTask<Input, Answer>> {
  const budgetMs = options.budgetMs ?? 1000;
  const startupMs = options.startupMs ?? 10_000;
  if (!Number.isFinite(budgetMs) || budgetMs <= 0) throw new InvalidInputError({ field: 'budgetMs', message: 'must be a positive number of milliseconds', value: budgetMs });
  if (!Number.isFinite(startupMs) || startupMs <= 0) throw new InvalidInputError({ field: 'startupMs', message: 'must be a positive number of milliseconds', value: startupMs });
  const hooks = options.hooks ?? ['detect', 'parseInput', 'verify'];
  for (const [index, hook] of hooks.entries()) {
    if (!['detect', 'parseInput', 'verify'].includes(hook)) throw new InvalidInputError({ field: `hooks[${index}]`, message: "expected 'detect', 'parseInput' or 'verify'", value: hook });
  }
  const url = typeof module === 'string' && (isAbsolute(module) || module.startsWith('.')) ? pathToFileURL(module).href : String(module);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidInputError({ field: 'module', message: `cannot load task module ${url}: ${(error as Error)?.message ?? error}`, value: url, cause: error });
  }
  const exportName = options.exportName ?? (exports.default !== undefined ? 'default' : 'task');
  const task = parseTaskDefinition<Input, Answer>(exports[exportName], `${url}#${exportName}`);
  const thread = new HookThread(url, exportName, task.name, budgetMs, startupMs);
  await thread.start();
  const isolated: Record<string, unknown> = { ...task };
  for (const hook of hooks) isolated[hook] = (...args: unknown[]) => thread.call(hook, args);
  isolated.close = () => thread.close();
  return isolated as unknown as IsolatedTask<Input, Answer>;
}

/** One worker thread and the synchronous calls into it; replaced after a call runs out of time. */
class HookThread {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private signal = new Int32Array(new SharedArrayBuffer(4));
  private ready = false;

  constructor(
    private readonly module: string,
    private readonly exportName: string,
    private readonly taskName: string,
    private readonly budgetMs: number,
    private readonly startupMs: number,
  ) {}

  /** Starts the worker and waits, without blocking the event loop, until its module is imported. */
  async start(): Promise<void> {
    this.spawn();
    const end = Date.now() + this.startupMs;
    while (!this.ready) {
      if (Atomics.load(this.signal, 0) === 1) this.takeReady();
      else if (Date.now() > end) {
        await this.close();
        throw new RuntimeError({ field: 'module', message: `task "${this.taskName}": its module did not load in a worker within ${this.startupMs} ms` });
      } else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  call(hook: IsolatedHook, args: unknown[]): unknown {
    if (!this.worker) this.spawn();
    // A fresh worker (after a timeout) imports the module first: that wait is bounded too.
    if (!this.ready) {
      if (Atomics.wait(this.signal, 0, 0, this.startupMs) === 'timed-out') {
        this.stop();
        throw new RuntimeError({ field: hook, message: `task "${this.taskName}": its module did not load in a worker within ${this.startupMs} ms` });
      }
      this.takeReady();
    }
    Atomics.store(this.signal, 0, 0);
    try {
      this.port!.postMessage({ hook, args });
    } catch (error) {
      throw new InvalidInputError({ field: hook === 'verify' ? 'answer' : 'input', message: `cannot be copied to task "${this.taskName}"'s worker thread (${(error as Error).message})`, cause: error });
    }
    if (Atomics.wait(this.signal, 0, 0, this.budgetMs) === 'timed-out') {
      this.stop();
      throw new TaskTimeoutError({ task: this.taskName, hook, budgetMs: this.budgetMs });
    }
    const reply = receiveMessageOnPort(this.port!)?.message as { value?: unknown; error?: WorkerError } | undefined;
    if (!reply) throw new RuntimeError({ field: hook, message: `task "${this.taskName}": ${hook}() gave no reply` });
    if (reply.error) throw rebuild(reply.error, hook, this.taskName);
    return reply.value;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.stop();
    await worker?.terminate();
  }

  private spawn(): void {
    const { port1, port2 } = new MessageChannel();
    this.signal = new Int32Array(new SharedArrayBuffer(4));
    this.ready = false;
    this.port = port1;
    this.worker = new Worker(workerSource, { eval: true, workerData: { port: port2, flag: this.signal.buffer, module: this.module, exportName: this.exportName }, transferList: [port2] });
    // The worker must never keep the process alive, nor crash it.
    this.worker.unref();
    this.worker.on('error', () => this.stop());
    this.port.unref();
  }

  private takeReady(): void {
    const reply = receiveMessageOnPort(this.port!)?.message as { ready?: boolean; error?: WorkerError } | undefined;
    if (!reply?.ready) {
      this.stop();
      throw reply?.error ? rebuild(reply.error, 'module', this.taskName) : new RuntimeError({ field: 'module', message: `task "${this.taskName}": its worker stopped while loading` });
    }
    this.ready = true;
  }

  /** Drops the worker; a thread stuck in a loop is terminated (V8 stops it mid-loop). */
  private stop(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = false;
    this.port?.close();
    this.port = undefined;
    void worker?.terminate().catch(() => {});
  }
}

interface WorkerError {
  readonly name?: string;
  readonly message: string;
  readonly field?: string;
  readonly kinds: readonly string[];
}

/** The hook's error in this thread: an invalid input stays an InvalidInputError naming its field. */
function rebuild(error: WorkerError, hook: string, taskName: string): Error {
  if (error.kinds.includes(InvalidInputError.kind) && error.field) {
    const prefix = `${error.field}: `;
    return new InvalidInputError({ field: error.field, message: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message });
  }
  if (error.kinds.includes(TrmError.kind)) return new RuntimeError({ field: error.field ?? hook, message: error.message });
  // A bug in the task (or a value that cannot cross threads): typed, naming the task and the hook.
  return new RuntimeError({ field: hook, message: `task "${taskName}": ${hook}() threw ${error.name ?? 'a value'}: ${error.message}` });
}
