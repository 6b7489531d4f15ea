import { type RecursionStepEvent, iterateRecursion } from '../recursion/run-recursion';
import { ContinuousBatcher } from '../batching/continuous-batcher';
import type { InferenceRuntimeV1, LoadedModelV1 } from '../runtime/inference-runtime';
import { InvalidInputError } from '../errors/invalid-input-error';
import { QueueFullError } from '../errors/queue-full-error';
import { hasGrid } from '../manifest/architecture';
import { modelAtGrid } from '../runtime/runtime-helpers';
import type { SpecialistV1 } from './specialist';
import { type SolveResultV1, batchRequestFor, chooseAnswers, expandCopies, toResults } from './copies';
import { checkRuntime, checkSpecialist } from './check-settings';
import { type ResolvedSolveOptions, type SolveOptionsV1, resolveSolveOptions } from './solve-options';

export interface SolveOptions<Answer> extends SolveOptionsV1 {
  /** Called after every supervision step with each request's current answer. */
  readonly onStep?: (event: SolveStepEvent<Answer>) => void;
}

export interface SolveManyOptions<Answer> extends SolveOptions<Answer> {
  /** Samples run together in one step (default 64). */
  readonly batchSize?: number;
  /**
   * 'continuous' (default): a sample that stops leaves at once and the next input takes its slot.
   * 'static': each batch runs until its last sample stops, then the next batch starts (the
   * baseline continuous batching is measured against; also what `onStep` uses).
   */
  readonly scheduling?: 'continuous' | 'static';
}

export interface SolveStepEvent<Answer> {
  readonly step: number;
  readonly answers: readonly { value: Answer; answer: string; tokenConfidence: Float32Array; confidence: number; done: boolean }[];
}

export type SolveResult<Answer> = SolveResultV1<Answer>;

export interface Solver<Input, Answer> {
  readonly specialist: SpecialistV1<Input, Answer>;
  readonly model: LoadedModelV1;
  solve(input: unknown, options?: SolveOptions<Answer>): Promise<SolveResult<Answer>>;
  /** Solves many inputs in batches of `batchSize` samples (default 64); results keep the input order. */
  solveMany(inputs: readonly unknown[], options?: SolveManyOptions<Answer>): Promise<SolveResult<Answer>[]>;
  dispose(): Promise<void>;
}

/** Splits the solver's own keys from the shared solve options, which are then checked strictly. */
function splitOptions<Answer>(options: SolveManyOptions<Answer> | undefined, many: boolean) {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new InvalidInputError({ field: 'options', message: 'expected an object', value: options });
  const { onStep, batchSize, scheduling, ...shared } = options ?? {};
  if (!many && (batchSize !== undefined || scheduling !== undefined)) {
    throw new InvalidInputError({ field: batchSize !== undefined ? 'options.batchSize' : 'options.scheduling', message: 'applies to solveMany only', value: batchSize ?? scheduling });
  }
  if (onStep !== undefined && typeof onStep !== 'function') throw new InvalidInputError({ field: 'options.onStep', message: 'expected a function', value: onStep });
  return { onStep, batchSize, scheduling, resolved: resolveSolveOptions(shared, 'options') };
}

/** Loads a specialist's model into a runtime and returns a solver for it. */
export async function createSolver<Input, Answer>(settings: {
  specialist: SpecialistV1<Input, Answer>;
  runtime: InferenceRuntimeV1;
  /** Calls of solve/solveMany that run at once (default 4); later ones wait their turn. */
  maxConcurrent?: number;
  /** Calls that may wait; one more is a QueueFullError (default 1024). */
  maxQueued?: number;
}): Promise<Solver<Input, Answer>> {
  if (typeof settings !== 'object' || settings === null) throw new InvalidInputError({ field: 'settings', message: 'expected { specialist, runtime }', value: settings });
  checkSpecialist(settings.specialist, 'specialist');
  checkRuntime(settings.runtime, 'runtime');
  const { specialist, runtime } = settings;
  const maxConcurrent = settings.maxConcurrent ?? 4;
  const maxQueued = settings.maxQueued ?? 1024;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new InvalidInputError({ field: 'maxConcurrent', message: 'must be a positive integer', value: maxConcurrent });
  if (!Number.isInteger(maxQueued) || maxQueued < 0) throw new InvalidInputError({ field: 'maxQueued', message: 'must be a non-negative integer', value: maxQueued });
  // Each call runs its own batch; unbounded concurrent calls would each hold a batch of state.
  let running = 0;
  const waiting: (() => void)[] = [];
  const gate = async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= maxConcurrent) {
      if (waiting.length >= maxQueued) throw new QueueFullError({ capacity: maxQueued, message: `${maxQueued} solve calls already wait (maxQueued)` });
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
  const model = await runtime.load(specialist.model);
  const views = new Map<string, LoadedModelV1>();

  /** The model at the grid this input needs: itself, or a view of it at another size (conv models). */
  function modelFor(input: Input): LoadedModelV1 {
    const grid = specialist.grid?.(input);
    if (!grid || hasGrid(model.manifest.architecture, grid)) return model;
    const key = `${grid.height}x${grid.width}`;
    let view = views.get(key);
    if (!view) {
      view = modelAtGrid(model, grid);
      views.set(key, view);
    }
    return view;
  }

  /** Indices of the inputs by the model (grid size) they run on, in input order. */
  function groupByModel(parsed: Input[]): Map<LoadedModelV1, number[]> {
    const groups = new Map<LoadedModelV1, number[]>();
    parsed.forEach((input, index) => {
      const target = modelFor(input);
      groups.set(target, [...(groups.get(target) ?? []), index]);
    });
    return groups;
  }

  async function solveBatch(parsed: Input[], options: ResolvedSolveOptions, onStep?: (event: SolveStepEvent<Answer>) => void): Promise<SolveResult<Answer>[]> {
    const model = modelFor(parsed[0]!);
    const sequenceLength = model.manifest.architecture.sequenceLength;
    const copies = expandCopies(specialist, parsed, options);
    const tokens = new Int32Array(copies.length * sequenceLength);
    copies.forEach((copy, index) => tokens.set(specialist.encode(copy.input), index * sequenceLength));
    const verifySteps = options.verifySteps;
    const verification =
      verifySteps !== undefined
        ? {
            maxSteps: verifySteps,
            accept: (sample: number, sampleTokens: Int32Array) => {
              const copy = copies[sample]!;
              return specialist.verify(copy.input, specialist.decode(sampleTokens, copy.input));
            },
          }
        : undefined;
    let last: RecursionStepEvent | undefined;
    for await (const event of iterateRecursion(model, {
      tokens,
      batchSize: copies.length,
      ...(specialist.puzzleIdentifier ? { puzzleIdentifiers: Int32Array.from(copies, (copy) => specialist.puzzleIdentifier!(copy.input)) } : {}),
      halting: options.halting,
      signal: options.signal,
      verification,
      stateNoise: copies.some((copy) => copy.noise > 0) ? Float32Array.from(copies, (copy) => copy.noise) : undefined,
      noiseSeeds: Uint32Array.from(copies, (copy) => copy.noiseSeed),
    })) {
      last = event;
      if (onStep) {
        onStep({
          step: event.step,
          answers: chooseAnswers(specialist, parsed, copies, event.samples).map(({ chosen }) => ({
            value: chosen.value,
            answer: chosen.answer,
            tokenConfidence: chosen.sample.tokenConfidence,
            confidence: chosen.sample.confidence,
            done: chosen.sample.done,
          })),
        });
      }
    }
    if (!last) throw new Error('unreachable: the recursion ran no step');
    return toResults(specialist, chooseAnswers(specialist, parsed, copies, last.samples));
  }

  /**
   * Without per-step callbacks, every copy streams through a continuous batcher: a finished
   * sample's slot is refilled at once instead of idling until its whole batch is done.
   */
  async function solveContinuously(parsed: Input[], options: ResolvedSolveOptions, batchSize: number): Promise<SolveResult<Answer>[]> {
    const copies = expandCopies(specialist, parsed, options);
    // One batcher per grid size: a batch's samples share one shape.
    const batchers = new Map<LoadedModelV1, ContinuousBatcher>();
    const batcherFor = (input: Input) => {
      const target = modelFor(input);
      let batcher = batchers.get(target);
      if (!batcher) {
        batcher = new ContinuousBatcher(target, { maxBatchSize: batchSize, maxQueue: copies.length });
        batchers.set(target, batcher);
      }
      return batcher;
    };
    const samples = await Promise.all(
      copies.map((copy) =>
        batcherFor(copy.input).submit(batchRequestFor(specialist, copy, options)),
      ),
    );
    return toResults(specialist, chooseAnswers(specialist, parsed, copies, samples));
  }

  return {
    specialist,
    model,
    async solve(input, options) {
      const { onStep, resolved } = splitOptions(options, false);
      const parsed = specialist.parseInput(input);
      const [result] = await gate(() => solveBatch([parsed], resolved, onStep));
      return result!;
    },
    solveMany: (inputs, options) => gate(() => solveManyNow(inputs, options)),
    dispose: () => model.dispose(),
  };

  async function solveManyNow(inputs: readonly unknown[], options: SolveManyOptions<Answer> | undefined): Promise<SolveResult<Answer>[]> {
    {
      const { onStep, batchSize = 64, scheduling = 'continuous', resolved } = splitOptions(options, true);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 65_536) {
        throw new InvalidInputError({ field: 'options.batchSize', message: 'must be an integer from 1 to 65536', value: batchSize });
      }
      if (scheduling !== 'continuous' && scheduling !== 'static') {
        throw new InvalidInputError({ field: 'options.scheduling', message: "expected 'continuous' or 'static'", value: scheduling });
      }
      if (!Array.isArray(inputs)) throw new InvalidInputError({ field: 'inputs', message: 'expected an array of inputs', value: inputs });
      // Parse everything first so a bad input fails before any compute is spent.
      const parsed = inputs.map((input, index) => {
        try {
          return specialist.parseInput(input);
        } catch (error) {
          if (InvalidInputError.isInstance(error)) {
            throw new InvalidInputError({ field: `[${index}].${error.field}`, message: error.message, value: input, cause: error });
          }
          throw error;
        }
      });
      if (parsed.length === 0) return [];
      if (!onStep && scheduling === 'continuous') return solveContinuously(parsed, resolved, batchSize);
      // A batch holds `batchSize` samples, so with augmentation fewer inputs go in each.
      const perBatch = Math.max(1, Math.floor(batchSize / resolved.copies));
      const results: SolveResult<Answer>[] = new Array(parsed.length);
      for (const indices of groupByModel(parsed).values()) {
        for (let start = 0; start < indices.length; start += perBatch) {
          const batch = indices.slice(start, start + perBatch);
          (await solveBatch(batch.map((index) => parsed[index]!), resolved, onStep)).forEach((result, position) => (results[batch[position]!] = result));
        }
      }
      return results;
    }
  }
}
