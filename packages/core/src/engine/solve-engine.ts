import { AbortedError } from '../contracts/errors/aborted-error';
import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import type { InferenceRuntimeV1, LoadedModelV1 } from '../contracts/inference-runtime';
import type { SolveResultV1 } from '../contracts/solve-options';
import type { SpecialistV1 } from '../contracts/specialist';
import { modelAtGrid } from '../runtime/runtime-helpers';
import { ContinuousBatcher } from './continuous-batcher';
import type { ResolvedCall } from './resolve-options';
import { SolveCall } from './solve-call';

export interface SolveEngineSettings {
  readonly runtime: InferenceRuntimeV1;
  /** Slots run together in one step (default 64); a call may ask for its own batch size. */
  readonly maxBatchSize?: number;
  /** Requests that may wait for a slot, per batch; one more is a QueueFullError (default 1024). */
  readonly maxQueue?: number;
}

/**
 * The solving engine under every door (solver, router, one-liner, CLI, service): it loads each
 * specialist's model once, views it at each grid size, and runs every request through a
 * continuous batcher per (view, batch size, scheduling). A request is a group of slots (its
 * copies) that enter together; a call of many inputs feeds them at the pace its slots free up.
 */
export interface SolveEngine {
  /** The specialist's model, loaded on first use (a failed load is retried by the next call). */
  model(specialist: SpecialistV1<any, any>): Promise<LoadedModelV1>;
  /** Solves parsed inputs of one specialist under options resolved at the caller's door; results keep the input order. */
  run<Input, Answer>(specialist: SpecialistV1<Input, Answer>, inputs: readonly Input[], call: ResolvedCall<Answer>): Promise<SolveResultV1<Answer>[]>;
  /** Steps run, and sample-steps spent on requests and on all slots, summed over every batcher. */
  statistics(): { steps: number; sampleSteps: number; slotSteps: number };
  /** Ends waiting and running requests with an AbortedError giving `reason`, then frees the models. */
  dispose(reason?: string): Promise<void>;
}

class Engine implements SolveEngine {
  private readonly models = new Map<SpecialistV1<any, any>, Promise<LoadedModelV1>>();
  private readonly views = new Map<LoadedModelV1, Map<string, LoadedModelV1>>();
  private readonly viewIds = new WeakMap<LoadedModelV1, number>();
  private nextViewId = 0;
  private readonly batchers = new Map<string, ContinuousBatcher>();
  private disposed: Error | null = null;

  constructor(
    private readonly runtime: InferenceRuntimeV1,
    private readonly maxBatchSize: number,
    private readonly maxQueue: number,
  ) {}

  model(specialist: SpecialistV1<any, any>): Promise<LoadedModelV1> {
    let loading = this.models.get(specialist);
    if (!loading) {
      loading = this.runtime.load(specialist.model);
      loading.catch(() => this.models.delete(specialist));
      this.models.set(specialist, loading);
    }
    return loading;
  }

  /** The batcher of the model at this grid (itself, or a view of it: conv models run any size). */
  private batcherFor(loaded: LoadedModelV1, grid: { height: number; width: number } | undefined, batchSize: number, scheduling: 'continuous' | 'static'): ContinuousBatcher {
    let byGrid = this.views.get(loaded);
    if (!byGrid) this.views.set(loaded, (byGrid = new Map()));
    const gridKey = grid ? `${grid.height}x${grid.width}` : 'own';
    let view = byGrid.get(gridKey);
    if (!view) byGrid.set(gridKey, (view = modelAtGrid(loaded, grid)));
    if (!this.viewIds.has(view)) this.viewIds.set(view, this.nextViewId++);
    const key = `${this.viewIds.get(view)}|${batchSize}|${scheduling}`;
    let batcher = this.batchers.get(key);
    if (!batcher) this.batchers.set(key, (batcher = new ContinuousBatcher(view, { maxBatchSize: batchSize, maxQueue: this.maxQueue, scheduling })));
    return batcher;
  }

  async run<Input, Answer>(specialist: SpecialistV1<Input, Answer>, inputs: readonly Input[], call: ResolvedCall<Answer>): Promise<SolveResultV1<Answer>[]> {
    if (this.disposed) throw new AbortedError({ cause: this.disposed });
    const loaded = await this.model(specialist);
    if (this.disposed) throw new AbortedError({ cause: this.disposed });
    if (inputs.length === 0) return [];
    const batchSize = call.batchSize ?? this.maxBatchSize;
    const solveCall = new SolveCall(specialist, inputs, call, (input) => this.batcherFor(loaded, specialist.grid?.(input), batchSize, call.scheduling), () => this.disposed);
    try {
      return await solveCall.run(batchSize);
    } finally {
      // A batch of a size only this call asked for goes once idle; the engine's own size stays.
      if (batchSize !== this.maxBatchSize) {
        for (const [key, batcher] of this.batchers) if (solveCall.batchers.has(batcher) && batcher.idle) this.batchers.delete(key);
      }
    }
  }

  statistics() {
    const total = { steps: 0, sampleSteps: 0, slotSteps: 0 };
    for (const batcher of this.batchers.values()) {
      total.steps += batcher.statistics.steps;
      total.sampleSteps += batcher.statistics.sampleSteps;
      total.slotSteps += batcher.statistics.slotSteps;
    }
    return total;
  }

  async dispose(reason = 'the engine was disposed'): Promise<void> {
    this.disposed ??= new Error(reason);
    await Promise.all([...this.batchers.values()].map((batcher) => batcher.shutdown(reason)));
    this.batchers.clear();
    const loading = [...this.models.values()];
    this.models.clear();
    this.views.clear();
    for (const entry of await Promise.allSettled(loading)) if (entry.status === 'fulfilled') await entry.value.dispose();
  }
}

export function createSolveEngine(settings: SolveEngineSettings): SolveEngine {
  const maxBatchSize = settings.maxBatchSize ?? 64;
  const maxQueue = settings.maxQueue ?? 1024;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1 || maxBatchSize > 65_536) throw new InvalidInputError({ field: 'maxBatchSize', message: 'must be an integer from 1 to 65536', value: maxBatchSize });
  if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new InvalidInputError({ field: 'maxQueue', message: 'must be a non-negative integer', value: maxQueue });
  return new Engine(settings.runtime, maxBatchSize, maxQueue);
}
