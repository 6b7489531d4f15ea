import { readsCandidates } from '../contracts/manifest/architecture';
import { AbortedError } from '../contracts/errors/aborted-error';
import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import { QueueFullError } from '../contracts/errors/queue-full-error';
import { RuntimeError } from '../contracts/errors/runtime-error';
import type { LoadedModelV1, RecursionStateV1 } from '../contracts/inference-runtime';
import { mixSeeds } from '../util/random';
import type { Halting } from './halting';
import { SampleTracker, type SampleState } from './sample-tracker';

/** One slot's work: a sequence to recurse on, and when it stops. */
export interface BatchRequest {
  /** [sequenceLength] token ids. */
  readonly tokens: Int32Array;
  /** Candidate models: the state's candidate mask [sequenceLength x vocabulary] the network reads. */
  readonly candidates?: Uint8Array;
  readonly puzzleIdentifier?: number;
  /** Adaptive halting bounds of this request. */
  readonly minSteps?: number;
  readonly maxSteps?: number;
  /** false: ignore q_halt and run exactly maxSteps (default true). */
  readonly adaptive?: boolean;
  /** Stop once the answer has not changed for this many steps without verifying (adaptive only). */
  readonly patience?: number;
  /** Std of Gaussian noise on this request's latent state before each step after its first. */
  readonly noise?: number;
  /** Seed of that noise (drawn per step from it alone, whatever shares the batch; default 0). */
  readonly noiseSeed?: number;
  /** Verifier hook: an accepted answer stops at once; otherwise think on up to `verification.maxSteps`. */
  readonly verification?: { readonly accept: (tokens: Int32Array) => boolean; readonly maxSteps: number };
  /** Return the last step's token distribution with the answer (`SampleState.probabilities`). */
  readonly keepProbabilities?: boolean;
  /** Called after every step this request runs, with its answer so far (the last one has `done`). */
  readonly onStep?: (state: SampleState) => void;
  readonly signal?: AbortSignal;
  /** The call this request belongs to: `cancel(owner, reason)` ends all of its requests at once. */
  readonly owner?: object;
}

export interface ContinuousBatcherSettings {
  /** Slots run together in one step (default 64). */
  readonly maxBatchSize?: number;
  /** Requests that may wait for a slot; one more is a QueueFullError (default 1024). */
  readonly maxQueue?: number;
  /**
   * 'continuous' (default): a freed slot takes the next waiting request at the next step.
   * 'static': waiting requests enter only when the whole batch has finished.
   */
  readonly scheduling?: 'continuous' | 'static';
}

interface Pending {
  readonly request: BatchRequest;
  readonly tracker: SampleTracker;
  resolve: (state: SampleState) => void;
  reject: (error: unknown) => void;
  steps: number;
}

function haltingOf(request: BatchRequest): Halting {
  const maxSteps = request.maxSteps ?? 16;
  if (request.adaptive === false) return { mode: 'fixed', steps: maxSteps };
  return { mode: 'adaptive', minSteps: request.minSteps ?? 1, maxSteps, ...(request.patience !== undefined ? { patience: request.patience } : {}) };
}

/**
 * Continuous batching for recursive models: one running batch; after every supervision step the
 * samples that stopped leave with their answers and waiting requests take their slots (the
 * runtime restarts a slot when told to reset it). A request's answer does not depend on its
 * neighbours: slots never mix. Requests submitted together (`submitGroup`) enter together.
 */
export class ContinuousBatcher {
  private readonly maxBatchSize: number;
  private readonly maxQueue: number;
  private readonly scheduling: 'continuous' | 'static';
  /** Waiting groups, first in first out; a group enters when all of it fits (or the batch is empty). */
  private readonly queue: Pending[][] = [];
  private waiting = 0;
  private running = false;
  /** Slots holding a request in the running batch. */
  private active = 0;
  private closed = false;
  private shutdownReason: Error | null = null;
  private finished: Promise<void> = Promise.resolve();
  /** Calls cancelled, with why: their requests end when met (one mark per call, not a listener per request). */
  private readonly cancelled = new WeakMap<object, unknown>();
  /** Steps run and sample-steps spent on real requests (the rest of the batch idles). */
  readonly statistics = { steps: 0, sampleSteps: 0, slotSteps: 0 };

  constructor(
    private readonly model: LoadedModelV1,
    settings: ContinuousBatcherSettings = {},
  ) {
    this.maxBatchSize = settings.maxBatchSize ?? 64;
    this.maxQueue = settings.maxQueue ?? 1024;
    this.scheduling = settings.scheduling ?? 'continuous';
    if (!Number.isInteger(this.maxBatchSize) || this.maxBatchSize < 1) {
      throw new InvalidInputError({ field: 'maxBatchSize', message: 'must be a positive integer', value: this.maxBatchSize });
    }
    if (!Number.isInteger(this.maxQueue) || this.maxQueue < 0) {
      throw new InvalidInputError({ field: 'maxQueue', message: 'must be a non-negative integer', value: this.maxQueue });
    }
    if (this.scheduling !== 'continuous' && this.scheduling !== 'static') {
      throw new InvalidInputError({ field: 'scheduling', message: "expected 'continuous' or 'static'", value: this.scheduling });
    }
  }

  /** Waiting requests (not yet in a slot). */
  get queued(): number {
    return this.waiting;
  }

  /** True when nothing waits and no batch runs. */
  get idle(): boolean {
    return !this.running && this.waiting === 0;
  }

  submit(request: BatchRequest): Promise<SampleState> {
    try {
      return this.submitGroup([request])[0]!;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Submits requests that enter the batch together (a request's copies), or none of them: when
   * they do not all fit in the queue this throws a QueueFullError at once, so a refused request
   * leaves nothing behind. `bounded: false` skips the queue bound, for the later parts of a call
   * already admitted (they come at the pace its earlier parts finish).
   */
  submitGroup(requests: readonly BatchRequest[], options: { bounded?: boolean } = {}): Promise<SampleState>[] {
    if (this.closed) throw new InvalidInputError({ field: 'batcher', message: 'the batcher is closed' });
    const length = this.model.manifest.architecture.sequenceLength;
    const wrong = requests.find((request) => request.tokens.length !== length);
    if (wrong) throw new InvalidInputError({ field: 'tokens', message: `expected ${length} token ids, got ${wrong.tokens.length}`, value: wrong.tokens.length });
    if (readsCandidates(this.model.manifest.architecture)) {
      const size = length * this.model.manifest.architecture.vocabularySize;
      const bad = requests.find((request) => request.candidates?.length !== size);
      if (bad) throw new InvalidInputError({ field: 'candidates', message: `this model reads candidate sets: each request needs a mask of ${size} values (positions x vocabulary), got ${bad.candidates?.length ?? 'none'}`, value: bad.candidates?.length });
    }
    const stopped = requests.map((request) => this.stopReason(request)).find((reason) => reason !== undefined);
    if (stopped) throw new AbortedError({ cause: stopped.cause });
    // Requests that will get a slot at the next step do not count against the queue bound.
    // A group larger than the queue and the batch together can never fit: it may enter an empty queue (in parts).
    const neverFits = requests.length > this.maxQueue + this.maxBatchSize;
    if (options.bounded !== false && this.waiting + requests.length > this.maxQueue + this.maxBatchSize - this.active && !(neverFits && this.waiting === 0)) {
      throw new QueueFullError({ capacity: this.maxQueue });
    }
    const group: Pending[] = [];
    const promises = requests.map(
      (request) =>
        new Promise<SampleState>((resolve, reject) => {
          const pending: Pending = { request, tracker: new SampleTracker({ halting: haltingOf(request), verification: request.verification, keepProbabilities: request.keepProbabilities }), resolve, reject, steps: 0 };
          group.push(pending);
          const signal = request.signal;
          if (!signal) return;
          // Aborting a request that still waits settles it at once and frees its place in the queue.
          const onAbort = () => {
            if (this.unqueue(pending)) reject(new AbortedError({ cause: signal.reason }));
          };
          signal.addEventListener('abort', onAbort, { once: true });
          const settle = () => signal.removeEventListener('abort', onAbort);
          pending.resolve = (state) => (settle(), resolve(state));
          pending.reject = (error) => (settle(), reject(error));
        }),
    );
    this.queue.push(group);
    this.waiting += group.length;
    if (!this.running) {
      this.running = true;
      // Start after the current task, so requests submitted together share the first step.
      setTimeout(() => void this.run(), 0);
    }
    return promises;
  }

  /** Why this request must stop (its signal fired, or its call was cancelled), if it must. */
  private stopReason(request: BatchRequest): { cause: unknown } | undefined {
    if (request.signal?.aborted) return { cause: request.signal.reason };
    if (request.owner && this.cancelled.has(request.owner)) return { cause: this.cancelled.get(request.owner) };
    return undefined;
  }

  /**
   * Ends every request of one call with an AbortedError giving `reason`: waiting ones at once,
   * running ones after the current step (their slots then free up for others).
   */
  cancel(owner: object, reason: unknown): void {
    this.cancelled.set(owner, reason);
    for (const group of [...this.queue]) {
      for (const pending of group.filter((entry) => entry.request.owner === owner)) {
        this.unqueue(pending);
        pending.reject(new AbortedError({ cause: reason }));
      }
    }
  }

  /** Takes a waiting request out of the queue; false when it already holds a slot. */
  private unqueue(pending: Pending): boolean {
    for (const [index, group] of this.queue.entries()) {
      const at = group.indexOf(pending);
      if (at < 0) continue;
      group.splice(at, 1);
      if (group.length === 0) this.queue.splice(index, 1);
      this.waiting--;
      return true;
    }
    return false;
  }

  /** Refuses new requests; running and queued ones finish. */
  close() {
    this.closed = true;
  }

  /**
   * Refuses new requests and ends the others with an AbortedError naming the shutdown: queued
   * ones at once, running ones after the current step. Resolves once no step runs, so the model
   * can be disposed safely.
   */
  async shutdown(reason = 'the batcher was shut down'): Promise<void> {
    this.closed = true;
    this.shutdownReason = new Error(reason);
    for (const group of this.queue.splice(0)) for (const pending of group) pending.reject(new AbortedError({ cause: this.shutdownReason }));
    this.waiting = 0;
    await this.finished;
  }

  private async run() {
    let done!: () => void;
    this.finished = new Promise((resolve) => (done = resolve));
    try {
      while (this.queue.length > 0) await this.runBatch();
    } finally {
      this.running = false;
      done();
    }
  }

  /** Moves waiting groups into free slots, first come first served. */
  private admit(slots: (Pending | null)[], tokens: Int32Array, puzzleIdentifiers: Int32Array, reset: Uint8Array, sequenceLength: number, masks: Uint8Array | undefined): void {
    let free = slots.reduce((count, slot) => count + (slot ? 0 : 1), 0);
    if (this.scheduling === 'static' && free < slots.length) return;
    let slot = 0;
    while (this.queue.length > 0 && free > 0) {
      const group = this.queue[0]!;
      // A group waits for room to enter whole, unless it could never fit (then it enters in parts).
      if (group.length > free && free < slots.length) break;
      while (group.length > 0 && free > 0) {
        const next = group.shift()!;
        this.waiting--;
        const stopped = this.stopReason(next.request);
        if (stopped) {
          next.reject(new AbortedError({ cause: stopped.cause }));
          continue;
        }
        while (slots[slot]) slot++;
        slots[slot] = next;
        tokens.set(next.request.tokens, slot * sequenceLength);
        if (masks) masks.set(next.request.candidates!, slot * (masks.length / slots.length));
        puzzleIdentifiers[slot] = next.request.puzzleIdentifier ?? 0;
        reset[slot] = 1;
        free--;
      }
      if (group.length === 0) this.queue.shift();
    }
  }

  /**
   * The running batch: slots fill lowest first; each step runs as many slots as the highest
   * occupied one needs (the runtime resizes the carried state), so the batch grows with demand
   * and shrinks as requests leave; running samples move down into freed slots (`carry`).
   */
  private async runBatch() {
    const { sequenceLength, vocabularySize, input } = this.model.manifest.architecture;
    const capacity = this.maxBatchSize;
    const slots: (Pending | null)[] = new Array(capacity).fill(null);
    const tokens = new Int32Array(capacity * sequenceLength);
    const masks = input === 'candidates' ? new Uint8Array(capacity * sequenceLength * vocabularySize) : undefined;
    const puzzleIdentifiers = new Int32Array(capacity);
    const reset = new Uint8Array(capacity);
    let state: RecursionStateV1 | null = null;
    let width = 0;
    try {
      for (;;) {
        if (this.shutdownReason) {
          for (const pending of slots) pending?.reject(new AbortedError({ cause: this.shutdownReason }));
          return;
        }
        reset.fill(0);
        this.admit(slots, tokens, puzzleIdentifiers, reset, sequenceLength, masks);
        const active = slots.filter((slot) => slot !== null).length;
        this.active = active;
        if (active === 0) return;
        // A static batch keeps its finished samples' slots until the last one stops (the baseline
        // continuous batching is measured against); a continuous one packs and shrinks.
        const carry = this.scheduling === 'static' ? undefined : this.pack(slots, tokens, puzzleIdentifiers, reset, sequenceLength, masks);
        if (this.scheduling === 'continuous' || reset.some((flag) => flag === 1)) width = slots.findLastIndex((slot) => slot !== null) + 1;
        const batchSize = width;
        let output;
        try {
          output = await this.model.doStep({
            batchSize,
            tokens: tokens.subarray(0, batchSize * sequenceLength),
            ...(masks ? { candidates: masks.subarray(0, batchSize * sequenceLength * vocabularySize) } : {}),
            state,
            reset: reset.subarray(0, batchSize),
            carry: carry?.subarray(0, batchSize),
            puzzleIdentifiers: puzzleIdentifiers.subarray(0, batchSize),
            stateNoise: this.stateNoise(slots, reset, batchSize),
          });
        } catch (error) {
          for (const pending of slots) pending?.reject(error);
          return;
        }
        state?.dispose();
        state = output.state;
        this.statistics.steps++;
        this.statistics.slotSteps += batchSize;
        this.statistics.sampleSteps += active;
        this.observe(slots, output.logits, output.qHalt, batchSize, output.keepLogits);
      }
    } finally {
      this.active = 0;
      state?.dispose();
    }
  }

  /**
   * With nothing left to refill the holes, moves the last running samples into them: a step
   * costs what its highest slot costs, so a drained batch would keep paying for freed slots.
   * Returns the `carry` map of the move, if any.
   */
  private pack(slots: (Pending | null)[], tokens: Int32Array, puzzleIdentifiers: Int32Array, reset: Uint8Array, sequenceLength: number, masks: Uint8Array | undefined): Int32Array | undefined {
    const maskSize = masks ? masks.length / slots.length : 0;
    let carry: Int32Array | undefined;
    for (let low = 0, high = slots.length - 1; ; low++, high--) {
      while (low < slots.length && slots[low]) low++;
      while (high >= 0 && !slots[high]) high--;
      if (low >= high) break;
      carry ??= Int32Array.from({ length: slots.length }, (_, slot) => slot);
      slots[low] = slots[high]!;
      slots[high] = null;
      carry[low] = high;
      tokens.copyWithin(low * sequenceLength, high * sequenceLength, (high + 1) * sequenceLength);
      masks?.copyWithin(low * maskSize, high * maskSize, (high + 1) * maskSize);
      puzzleIdentifiers[low] = puzzleIdentifiers[high]!;
      reset[low] = reset[high]!;
      reset[high] = 0;
    }
    return carry;
  }

  /** Per slot noise of this step: none on a slot's first step; a request's noise follows its own seed and step. */
  private stateNoise(slots: readonly (Pending | null)[], reset: Uint8Array, batchSize: number) {
    if (!slots.some((slot) => slot?.request.noise)) return undefined;
    const std = Float32Array.from({ length: batchSize }, (_, slot) => (slots[slot] && !reset[slot] ? (slots[slot]!.request.noise ?? 0) : 0));
    const seeds = Uint32Array.from({ length: batchSize }, (_, slot) => (slots[slot] ? mixSeeds(slots[slot]!.request.noiseSeed ?? 0, slots[slot]!.steps + 1) : 0));
    return std.some((value) => value > 0) ? { std, seeds } : undefined;
  }

  /** Each running request's answer after this step: it streams, and leaves its slot once done. */
  private observe(slots: (Pending | null)[], logits: Float32Array, qHalt: Float32Array, batchSize: number, keepLogits: Float32Array | undefined) {
    const { sequenceLength, vocabularySize } = this.model.manifest.architecture;
    for (let slot = 0; slot < batchSize; slot++) {
      const pending = slots[slot];
      if (!pending) continue;
      const stopped = this.stopReason(pending.request);
      if (stopped) {
        pending.reject(new AbortedError({ cause: stopped.cause }));
        slots[slot] = null;
        continue;
      }
      pending.steps++;
      let sample: SampleState;
      try {
        sample = pending.tracker.observe(logits, qHalt[slot]!, slot, sequenceLength, vocabularySize, keepLogits);
        pending.request.onStep?.(sample);
      } catch (error) {
        // A task's verify, decode or step callback that throws fails its own request only; the batch goes on.
        const broken = RuntimeError.isInstance(error) && (error.field === 'logits' || error.field === 'qHalt');
        pending.reject(broken ? error : new RuntimeError({ message: `the task's answer check or the step callback failed: ${(error as Error)?.message ?? String(error)}`, field: 'verification', cause: error }));
        slots[slot] = null;
        continue;
      }
      if (sample.done) {
        pending.resolve(sample);
        slots[slot] = null;
      }
    }
  }
}
