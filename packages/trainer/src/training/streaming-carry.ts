import { type Architecture, type Random, type Recursion, createRandom } from '@trm/core';
import type { TrainingDataSource } from './training-data-source';

/**
 * The reference's streaming carry, shared by every engine: each slot of the batch holds one
 * example across optimizer steps; a slot that halted (q_halt > 0 after its minimum, or the step
 * bound) is refilled with a new example and restarts from the initial state.
 */
export class StreamingCarry {
  readonly tokens: Int32Array;
  /** What each slot's cross-entropy trains on at the coming step (its step target, else the answer). */
  readonly labels: Int32Array;
  /** Each slot's answer: what halting and exact accuracy judge against. */
  readonly finalLabels: Int32Array;
  readonly puzzleIdentifiers: Int32Array;
  /** 1 for slots that start a new example at the next step. */
  readonly reset: Float32Array;
  private readonly slotSteps: Int32Array;
  private readonly slotMinimumSteps: Int32Array;
  private readonly slotStepLabels: (readonly Int32Array[] | undefined)[];
  examples = 0;

  constructor(
    readonly batchSize: number,
    private readonly sequenceLength: number,
    private readonly maxSteps: number,
    /** Probability that a new slot gets a random minimum of 2..maxSteps steps (exploration). */
    private readonly explorationProbability: number,
    private readonly random: Random,
    /**
     * A task's own correctness, for tasks with several valid answers: a slot whose prediction it
     * accepts counts as right, and that answer becomes the slot's target from the next step on.
     */
    private readonly judge?: (tokens: Int32Array, predicted: Int32Array) => boolean,
  ) {
    this.tokens = new Int32Array(batchSize * sequenceLength);
    this.labels = new Int32Array(batchSize * sequenceLength);
    this.finalLabels = new Int32Array(batchSize * sequenceLength);
    this.slotStepLabels = new Array(batchSize).fill(undefined);
    this.puzzleIdentifiers = new Int32Array(batchSize);
    this.reset = new Float32Array(batchSize).fill(1);
    this.slotSteps = new Int32Array(batchSize);
    this.slotMinimumSteps = new Int32Array(batchSize);
  }

  /** The carry of a trainer, restored to its example count when resuming. */
  static forTrainer(options: {
    architecture: Architecture;
    recursion: Recursion;
    batchSize: number;
    seed: number;
    explorationProbability?: number;
    initial?: { examples: number };
    judge?: (tokens: Int32Array, predicted: Int32Array) => boolean;
  }): StreamingCarry {
    const carry = new StreamingCarry(
      options.batchSize,
      options.architecture.sequenceLength,
      options.recursion.maxSupervisionSteps,
      options.explorationProbability ?? 0.1,
      createRandom(options.seed ^ 0x5eed),
      options.judge,
    );
    carry.examples = options.initial?.examples ?? 0;
    return carry;
  }

  /** Puts a new example into every slot flagged for reset, then sets every slot's target for the coming step. */
  refill(data: TrainingDataSource) {
    for (let slot = 0; slot < this.batchSize; slot++) {
      if (this.reset[slot] !== 1) continue;
      const example = data.next();
      this.tokens.set(example.tokens, slot * this.sequenceLength);
      this.finalLabels.set(example.labels, slot * this.sequenceLength);
      this.slotStepLabels[slot] = example.stepLabels;
      this.puzzleIdentifiers[slot] = example.puzzleIdentifier ?? 0;
      this.slotSteps[slot] = 0;
      this.slotMinimumSteps[slot] = this.random.next() < this.explorationProbability ? 2 + this.random.int(this.maxSteps - 1) : 1;
      this.examples++;
    }
    for (let slot = 0; slot < this.batchSize; slot++) {
      const offset = slot * this.sequenceLength;
      const target = this.slotStepLabels[slot]?.[this.slotSteps[slot]!];
      this.labels.set(target ?? this.finalLabels.subarray(offset, offset + this.sequenceLength), offset);
    }
  }

  /**
   * Counts the step and decides which slots halt; returns statistics of the halted ones.
   * `predictions` ([batch * length] token ids) let the task's judge accept answers other than the label.
   */
  advance(qHalt: ArrayLike<number>, exactByLabel: ArrayLike<number>, predictions?: ArrayLike<number | bigint>) {
    const exact = Float32Array.from(exactByLabel);
    let accepted = 0;
    if (this.judge && predictions) {
      const length = this.sequenceLength;
      for (let slot = 0; slot < this.batchSize; slot++) {
        if (exact[slot] === 1) continue;
        const predicted = Int32Array.from({ length }, (_, cell) => Number(predictions[slot * length + cell]!));
        if (!this.judge(this.tokens.subarray(slot * length, (slot + 1) * length), predicted)) continue;
        // A valid answer other than the label: right, and the target from now on (no contradiction to learn).
        exact[slot] = 1;
        this.finalLabels.set(predicted, slot * length);
        accepted++;
      }
    }
    let halted = 0;
    let haltedExact = 0;
    let haltSteps = 0;
    for (let slot = 0; slot < this.batchSize; slot++) {
      const steps = ++this.slotSteps[slot]!;
      const stop = steps >= this.maxSteps || (qHalt[slot]! > 0 && steps >= this.slotMinimumSteps[slot]!);
      this.reset[slot] = stop ? 1 : 0;
      if (stop) {
        halted++;
        haltedExact += exact[slot]!;
        haltSteps += steps;
      }
    }
    return {
      halted,
      haltedExactAccuracy: halted > 0 ? haltedExact / halted : null,
      meanHaltSteps: halted > 0 ? haltSteps / halted : null,
      /** Slots whose answer differed from the label but the task's judge accepted. */
      acceptedOtherAnswers: accepted,
    };
  }
}
