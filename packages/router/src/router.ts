import {
  ContinuousBatcher,
  type SolveOptionsV1,
  type SolveResultV1,
  checkRuntime,
  checkSpecialist,
  AbortedError,
  batchRequestFor,
  chooseAnswers,
  expandCopies,
  resolveSolveOptions,
  toResults,
  type ContinuousBatcherSettings,
  type InferenceRuntimeV1,
  InvalidInputError,
  type LoadedModelV1,
  modelAtGrid,
  type SpecialistV1,
  TrmError,
} from '@trm/core';
import { z } from 'zod';
import { AmbiguousInputError } from './ambiguous-input-error';

export interface RouteDecision {
  readonly task: string;
  readonly score: number;
  /** Why this specialist: an explicit task, or the detection scores. */
  readonly reason: string;
}

/** The shared result of solving (printable `answer`, typed `value`, steps, verified, cost). */
export type RouterResult = SolveResultV1<unknown>;

/** The shared solve options: maxSteps, minSteps, fixedSteps, verifySteps, patience, copies, noise, seed, signal. */
export type RouterSolveOptions = SolveOptionsV1;

export interface RouterSettings {
  readonly specialists: readonly SpecialistV1<any, any>[];
  readonly runtime: InferenceRuntimeV1;
  /** Continuous-batching bounds, per specialist. */
  readonly batching?: ContinuousBatcherSettings;
  /** Solve options every request gets unless it sets its own (a service's policy). */
  readonly defaults?: Omit<RouterSolveOptions, 'signal'>;
}

export interface TaskDescription {
  readonly task: string;
  readonly modelId: string;
  /** JSON Schema of the raw inputs the task accepts (from its zod `inputSchema`), if declared. */
  readonly inputJsonSchema: unknown;
}

export interface Router {
  readonly tasks: readonly string[];
  /** Each specialist with its model id and input schema, for clients and service docs. */
  describe(): TaskDescription[];
  /** Which specialist would take this input, and why. */
  route(input: unknown): RouteDecision;
  solve(input: unknown, options?: RouterSolveOptions): Promise<RouterResult>;
  /** Solves every input (order kept); each entry settles on its own, like Promise.allSettled. */
  solveMany(inputs: readonly unknown[], options?: RouterSolveOptions): Promise<PromiseSettledResult<RouterResult>[]>;
  dispose(): Promise<void>;
}

/**
 * One entry point for mixed requests: picks the specialist (an explicit `{ task, input }` wins,
 * else the highest `detect` score), loads its model once on first use, and runs it through a
 * continuous batcher shared by all requests for that task.
 */
export function createRouter(settings: RouterSettings): Router {
  if (typeof settings !== 'object' || settings === null) throw new InvalidInputError({ field: 'settings', message: 'expected { specialists, runtime }', value: settings });
  if (!Array.isArray(settings.specialists)) throw new InvalidInputError({ field: 'specialists', message: 'expected an array of specialists', value: settings.specialists });
  settings.specialists.forEach((specialist, index) => checkSpecialist(specialist, `specialists[${index}]`));
  checkRuntime(settings.runtime, 'runtime');
  const specialists = new Map(settings.specialists.map((specialist) => [specialist.task, specialist]));
  if (specialists.size < settings.specialists.length) throw new InvalidInputError({ field: 'specialists', message: 'two specialists for one task: give one per task', value: settings.specialists.map((specialist) => specialist.task) });
  if (specialists.size === 0) throw new InvalidInputError({ field: 'specialists', message: 'give at least one specialist' });
  // Checked once here, so a bad policy fails at start, not on the first request.
  const { signal: _signal, ...defaults } = (settings.defaults ?? {}) as RouterSolveOptions;
  resolveSolveOptions(defaults, 'defaults');
  let disposed = false;
  // Per task: the model, loaded once, and one continuous batcher per grid size it runs at.
  const loaded = new Map<string, Promise<{ model: LoadedModelV1; batchers: Map<string, ContinuousBatcher> }>>();

  const load = (specialist: SpecialistV1<any, any>) => {
    let entry = loaded.get(specialist.task);
    if (!entry) {
      entry = settings.runtime.load(specialist.model).then((model) => ({ model, batchers: new Map<string, ContinuousBatcher>() }));
      // A failed load is not cached, so a later request can retry.
      entry.catch(() => loaded.delete(specialist.task));
      loaded.set(specialist.task, entry);
    }
    return entry;
  };

  /** The batcher for this input's grid: the model's own size, or a view of it at the input's size. */
  const batcherFor = async (specialist: SpecialistV1<any, any>, parsed: unknown): Promise<ContinuousBatcher> => {
    const { model, batchers } = await load(specialist);
    if (disposed) throw new AbortedError({ cause: new Error('the router was disposed') });
    const grid = specialist.grid?.(parsed);
    const key = grid ? `${grid.height}x${grid.width}` : 'own';
    let batcher = batchers.get(key);
    if (!batcher) {
      batcher = new ContinuousBatcher(modelAtGrid(model, grid), settings.batching);
      batchers.set(key, batcher);
    }
    return batcher;
  };

  const split = (input: unknown): { task?: string; payload: unknown } => {
    if (typeof input === 'object' && input !== null && !Array.isArray(input) && 'task' in input) {
      const { task, input: payload } = input as { task: unknown; input?: unknown };
      if (typeof task !== 'string') throw new InvalidInputError({ field: 'task', message: 'must be a string', value: task });
      return { task, payload: payload === undefined ? input : payload };
    }
    return { payload: input };
  };

  const route = (input: unknown): RouteDecision => {
    const { task, payload } = split(input);
    if (task !== undefined) {
      if (!specialists.has(task)) {
        throw new InvalidInputError({ field: 'task', message: `no specialist for "${task}"; available: ${[...specialists.keys()].join(', ')}`, value: task });
      }
      return { task, score: 1, reason: 'explicit task' };
    }
    const scores = [...specialists.values()].map((specialist) => ({ task: specialist.task, score: specialist.detect(payload) }));
    const best = Math.max(...scores.map((entry) => entry.score));
    const winners = scores.filter((entry) => entry.score === best);
    const summary = scores.map((entry) => `${entry.task} ${entry.score.toFixed(2)}`).join(', ');
    if (best <= 0) {
      throw new InvalidInputError({ field: 'input', message: `no specialist accepts this input (scores: ${summary})`, value: payload });
    }
    if (winners.length > 1) throw new AmbiguousInputError({ candidates: winners.map((entry) => entry.task), value: payload });
    return { task: winners[0]!.task, score: best, reason: `detected (scores: ${summary})` };
  };

  const solve = async (input: unknown, requestOptions?: RouterSolveOptions): Promise<RouterResult> => {
    if (disposed) throw new InvalidInputError({ field: 'router', message: 'the router was disposed: create another' });
    const options = resolveSolveOptions(requestOptions, 'options', defaults);
    const decision = route(input);
    const specialist = specialists.get(decision.task)!;
    const parsed = specialist.parseInput(split(input).payload);
    const batcher = await batcherFor(specialist, parsed);
    const copies = expandCopies(specialist, [parsed], options);
    const samples = await Promise.all(
      copies.map((copy) =>
        batcher.submit(batchRequestFor(specialist, copy, options)),
      ),
    );
    return toResults(specialist, chooseAnswers(specialist, [parsed], copies, samples))[0]!;
  };

  return {
    tasks: [...specialists.keys()],
    describe: () =>
      [...specialists.values()].map((specialist) => ({
        task: specialist.task,
        modelId: specialist.modelId,
        inputJsonSchema: specialist.inputSchema ? z.toJSONSchema(specialist.inputSchema, { unrepresentable: 'any' }) : null,
      })),
    route,
    solve,
    solveMany: (inputs, options) => Promise.allSettled(inputs.map((input) => solve(input, options))),
    async dispose() {
      disposed = true;
      for (const entry of loaded.values()) {
        try {
          const { model, batchers } = await entry;
          // Requests still queued or running end with an AbortedError saying why; the model goes once no step runs.
          await Promise.all([...batchers.values()].map((batcher) => batcher.shutdown('the router was disposed')));
          await model.dispose();
        } catch (error) {
          if (!TrmError.isInstance(error)) throw error;
        }
      }
      loaded.clear();
    },
  };
}
