import { AbortedError } from '../errors/aborted-error';
import { InvalidInputError } from '../errors/invalid-input-error';
import { QueueFullError } from '../errors/queue-full-error';
import { RuntimeError } from '../errors/runtime-error';
import { stopDecision, unchangedAfter } from '../recursion/halting';
import { decodeLogits, type SampleState } from '../recursion/run-recursion';
import type { LoadedModelV1, RecursionStateV1 } from '../runtime/inference-runtime';
import { mixSeeds } from '../util/random';

export interface BatchRequest {
  /** [sequenceLength] token ids. */
  readonly tokens: Int32Array;
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
  readonly signal?: AbortSignal;
}

export interface ContinuousBatcherSettings {
  /** Slots run together in one step (default 64). */
  readonly maxBatchSize?: number;
  /** Requests that may wait for a slot; one more is a QueueFullError (default 1024). */
  readonly maxQueue?: number;
}

interface Pending {
  readonly request: BatchRequest;
  resolve: (state: SampleState) => void;
  reject: (error: unknown) => void;
  steps: number;
  /** The last step's answer and how many steps before it gave the same one. */
  previousTokens?: Int32Array;
  unchangedSteps: number;
}

/**
 * Continuous batching for recursive models: one running batch; after every supervision step the
 * samples that stopped leave with their answers and queued requests take their slots (the
 * runtime restarts a slot when told to reset it). A request's answer does not depend on its
 * neighbours: slots never mix.
 */
export class ContinuousBatcher {
  private readonly maxBatchSize: number;
  private readonly maxQueue: number;
  private readonly queue: Pending[] = [];
  private running = false;
  /** Slots holding a request in the running batch. */
  private active = 0;
  private closed = false;
  /** Steps run and sample-steps spent on real requests (the rest of the batch idles). */
  readonly statistics = { steps: 0, sampleSteps: 0, slotSteps: 0 };

  constructor(
    private readonly model: LoadedModelV1,
    settings: ContinuousBatcherSettings = {},
  ) {
    this.maxBatchSize = settings.maxBatchSize ?? 64;
    this.maxQueue = settings.maxQueue ?? 1024;
    if (!Number.isInteger(this.maxBatchSize) || this.maxBatchSize < 1) {
      throw new InvalidInputError({ field: 'maxBatchSize', message: 'must be a positive integer', value: this.maxBatchSize });
    }
    if (!Number.isInteger(this.maxQueue) || this.maxQueue < 0) {
      throw new InvalidInputError({ field: 'maxQueue', message: 'must be a non-negative integer', value: this.maxQueue });
    }
  }

  /** Waiting requests (not yet in a slot). */
  get queued(): number {
    return this.queue.length;
  }

  submit(request: BatchRequest): Promise<SampleState> {
    if (this.closed) return Promise.reject(new InvalidInputError({ field: 'batcher', message: 'the batcher is closed' }));
    const length = this.model.manifest.architecture.sequenceLength;
    if (request.tokens.length !== length) {
      return Promise.reject(new InvalidInputError({ field: 'tokens', message: `expected ${length} token ids, got ${request.tokens.length}`, value: request.tokens.length }));
    }
    if (request.signal?.aborted) return Promise.reject(new AbortedError({ cause: request.signal.reason }));
    // Requests that will get a slot at the next step do not count against the queue bound.
    if (this.queue.length >= this.maxQueue + this.maxBatchSize - this.active) return Promise.reject(new QueueFullError({ capacity: this.maxQueue }));
    return new Promise<SampleState>((resolve, reject) => {
      const pending: Pending = { request, resolve, reject, steps: 0, unchangedSteps: 0 };
      this.queue.push(pending);
      // Aborting a request that still waits settles it at once and frees its place in the queue.
      const signal = request.signal;
      if (signal) {
        const onAbort = () => {
          const index = this.queue.indexOf(pending);
          if (index < 0) return; // already in a slot: the step loop rejects it after this step
          this.queue.splice(index, 1);
          reject(new AbortedError({ cause: signal.reason }));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        const settle = () => signal.removeEventListener('abort', onAbort);
        pending.resolve = (state) => (settle(), resolve(state));
        pending.reject = (error) => (settle(), reject(error));
      }
      if (!this.running) {
        this.running = true;
        // Start after the current task, so requests submitted together share the first step.
        setTimeout(() => void this.run(), 0);
      }
    });
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
    for (const pending of this.queue.splice(0)) pending.reject(new AbortedError({ cause: this.shutdownReason }));
    await this.finished;
  }

  private shutdownReason: Error | null = null;
  private finished: Promise<void> = Promise.resolve();

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

  /**
   * The running batch: slots fill lowest first; each step runs as many slots as the highest
   * occupied one needs (the runtime resizes the carried state), so the batch grows with demand
   * and shrinks as requests leave; running samples move down into freed slots (`carry`).
   */
  private async runBatch() {
    const { sequenceLength, vocabularySize } = this.model.manifest.architecture;
    const capacity = this.maxBatchSize;
    const slots: (Pending | null)[] = new Array(capacity).fill(null);
    const tokens = new Int32Array(capacity * sequenceLength);
    const puzzleIdentifiers = new Int32Array(capacity);
    const reset = new Uint8Array(capacity);
    let state: RecursionStateV1 | null = null;
    try {
      for (;;) {
        if (this.shutdownReason) {
          for (const pending of slots) pending?.reject(new AbortedError({ cause: this.shutdownReason }));
          return;
        }
        // Fill free slots from the queue; they restart from the initial state.
        reset.fill(0);
        for (let slot = 0; slot < capacity && this.queue.length > 0; slot++) {
          if (slots[slot]) continue;
          let next = this.queue.shift();
          while (next?.request.signal?.aborted) {
            next.reject(new AbortedError({ cause: next.request.signal.reason }));
            next = this.queue.shift();
          }
          if (!next) break;
          slots[slot] = next;
          tokens.set(next.request.tokens, slot * sequenceLength);
          puzzleIdentifiers[slot] = next.request.puzzleIdentifier ?? 0;
          reset[slot] = 1;
        }
        const active = slots.filter((slot) => slot !== null).length;
        this.active = active;
        if (active === 0) return;
        // With nothing left to refill the holes, move the last running samples into them: a step
        // costs what its highest slot costs, so a drained batch would keep paying for freed slots.
        let carry: Int32Array | undefined;
        for (let low = 0, high = capacity - 1; ; low++, high--) {
          while (low < capacity && slots[low]) low++;
          while (high >= 0 && !slots[high]) high--;
          if (low >= high) break;
          carry ??= Int32Array.from({ length: capacity }, (_, slot) => slot);
          slots[low] = slots[high]!;
          slots[high] = null;
          carry[low] = high;
          tokens.copyWithin(low * sequenceLength, high * sequenceLength, (high + 1) * sequenceLength);
          puzzleIdentifiers[low] = puzzleIdentifiers[high]!;
          reset[low] = reset[high]!;
          reset[high] = 0;
        }
        const batchSize = slots.findLastIndex((slot) => slot !== null) + 1;
        let stateNoise: { std: Float32Array; seeds: Uint32Array } | undefined;
        if (slots.some((slot) => slot?.request.noise)) {
          // No noise on a slot's first step: it starts from the initial state.
          const std = Float32Array.from({ length: batchSize }, (_, slot) => (slots[slot] && !reset[slot] ? (slots[slot]!.request.noise ?? 0) : 0));
          // The noise before a request's step k follows its own seed and k only.
          const seeds = Uint32Array.from({ length: batchSize }, (_, slot) => (slots[slot] ? mixSeeds(slots[slot]!.request.noiseSeed ?? 0, slots[slot]!.steps + 1) : 0));
          if (std.some((value) => value > 0)) stateNoise = { std, seeds };
        }
        let output;
        try {
          output = await this.model.doStep({
            batchSize,
            tokens: tokens.subarray(0, batchSize * sequenceLength),
            state,
            reset: reset.subarray(0, batchSize),
            carry: carry?.subarray(0, batchSize),
            puzzleIdentifiers: puzzleIdentifiers.subarray(0, batchSize),
            stateNoise,
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
        for (let slot = 0; slot < batchSize; slot++) {
          const pending = slots[slot];
          if (!pending) continue;
          if (pending.request.signal?.aborted) {
            pending.reject(new AbortedError({ cause: pending.request.signal.reason }));
            slots[slot] = null;
            continue;
          }
          pending.steps++;
          const { request, steps } = pending;
          const qHalt = output.qHalt[slot]!;
          const decoded = decodeLogits(output.logits, slot, sequenceLength, vocabularySize);
          let accepted: boolean | undefined;
          try {
            accepted = request.verification?.accept(decoded.tokens);
          } catch (error) {
            // A task's verify or decode that throws fails its own request only; the batch goes on.
            pending.reject(new RuntimeError({ message: `the task's answer check failed: ${(error as Error)?.message ?? String(error)}`, field: 'verification', cause: error }));
            slots[slot] = null;
            continue;
          }
          if (request.patience !== undefined) {
            pending.unchangedSteps = unchangedAfter(pending.previousTokens, decoded.tokens, pending.unchangedSteps);
            pending.previousTokens = decoded.tokens;
          }
          const { done, halted, converged } = stopDecision({
            step: steps,
            qHalt,
            adaptive: request.adaptive ?? true,
            minSteps: request.minSteps ?? 1,
            maxSteps: request.maxSteps ?? 16,
            accepted,
            verificationMaxSteps: request.verification?.maxSteps,
            patience: request.patience,
            unchangedSteps: pending.unchangedSteps,
          });
          if (done) {
            pending.resolve({ ...decoded, confidence: 1 / (1 + Math.exp(-qHalt)), qHalt, steps, done, halted, converged, accepted });
            slots[slot] = null;
          }
        }
      }
    } finally {
      this.active = 0;
      state?.dispose();
    }
  }
}
