import { type Random, allDecided, candidateCount, dropUnkept } from '@trm/core';
import type { TrainingDataSource } from './training-data-source';

/** A task's candidate sets in token space: what the trainer needs of its domain. */
export interface CandidateRules {
  /** The mask [length x vocabulary] of an example's input tokens: givens decided, the rest open. */
  candidates(tokens: Int32Array): Uint8Array;
  /** Sound narrowing by the rules, in place; false on a contradiction. */
  narrow(tokens: Int32Array, mask: Uint8Array): boolean;
  /**
   * Tasks with several valid answers: the tokens that answers compatible with a state put at each
   * position (null when none is). Without it the target is what of the example's label the state
   * still holds (exact for tasks with one answer, and free).
   */
  target?(tokens: Int32Array, mask: Uint8Array): Uint8Array | null;
}

export interface CandidatePoolOptions {
  batchSize: number;
  length: number;
  vocabulary: number;
  rules: CandidateRules;
  random: Random;
  /** A candidate whose keep probability falls below this is dropped when a state advances (0.1). */
  threshold?: number;
  /**
   * Steps an example lives in its slot (32). A state that ends (solved, contradicted) before that
   * restarts from the same example with new hints, as LDT's chains restart from the puzzle: the
   * states stay on-policy while the data source makes a few examples per step, not dozens.
   */
  maxAge?: number;
  /** Share of new states that start with a random part of their open positions filled with the answer (0.5). */
  hintShare?: number;
  /** BCE weights of a true and a false candidate (4 and 0.5: LDT's 8:1). */
  positiveWeight?: number;
  negativeWeight?: number;
  /** Weight of the answer cross-entropy at open positions of states that still hold the answer (1). */
  answerWeight?: number;
  /** Softmax temperature of the guess when deduction stalls (1.5, as in LDT). */
  temperature?: number;
}

/** What the states did at one advance, for the step's metrics. */
export interface PoolAdvance {
  /** Candidates the network dropped, per state. */
  eliminations: number;
  /** Share of states that held the answer and lost part of it to the network's drops. */
  unsound: number;
  /** States that stalled and were split by a guess. */
  guesses: number;
  /** States that ended solved or contradicted (by the rules), and examples that aged out. */
  solved: number;
  contradicted: number;
  aged: number;
}

/**
 * The on-policy state pool of a candidate model (LDT's, inside the trainer): each slot holds one
 * state of one example, a candidate mask the model narrows step after step. After each optimizer
 * step the slot advances on that step's own outputs: candidates under the keep threshold are
 * dropped, the rules narrow, and a state that did not change is split by sampling a candidate at
 * its narrowest position. Off-path states (a guess or a drop that lost the answer) stay and are
 * trained on with the answer's remains as target, until the rules find the contradiction.
 */
export class CandidatePool {
  readonly candidates: Float32Array;
  readonly keepTarget: Float32Array;
  readonly keepWeight: Float32Array;
  readonly labels: Int32Array;
  readonly cellWeight: Float32Array;
  readonly puzzleIdentifiers: Int32Array;
  private readonly masks: Uint8Array[];
  private readonly inputs: Int32Array[];
  private readonly ages: Int32Array;
  /** Per slot: 0 running, 1 a new example, 2 a restart of its example. */
  private readonly refillFlags: Uint8Array;
  private readonly examplesOf: { tokens: Int32Array; labels: Int32Array; puzzleIdentifier?: number }[] = [];
  private readonly settings: Required<Omit<CandidatePoolOptions, 'rules' | 'random'>>;
  examples = 0;

  constructor(private readonly options: CandidatePoolOptions) {
    const { batchSize, length, vocabulary } = options;
    this.settings = {
      batchSize,
      length,
      vocabulary,
      threshold: options.threshold ?? 0.1,
      maxAge: options.maxAge ?? 32,
      hintShare: options.hintShare ?? 0.5,
      positiveWeight: options.positiveWeight ?? 4,
      negativeWeight: options.negativeWeight ?? 0.5,
      answerWeight: options.answerWeight ?? 1,
      temperature: options.temperature ?? 1.5,
    };
    const cells = batchSize * length;
    this.candidates = new Float32Array(cells * vocabulary);
    this.keepTarget = new Float32Array(cells * vocabulary);
    this.keepWeight = new Float32Array(cells * vocabulary);
    this.labels = new Int32Array(cells);
    this.cellWeight = new Float32Array(cells);
    this.puzzleIdentifiers = new Int32Array(batchSize);
    this.masks = Array.from({ length: batchSize }, () => new Uint8Array(length * vocabulary));
    this.inputs = Array.from({ length: batchSize }, () => new Int32Array(length));
    this.ages = new Int32Array(batchSize);
    this.refillFlags = new Uint8Array(batchSize).fill(1);
  }

  /** New states in the slots that ended, then the feeds (masks, targets, weights) of every slot. */
  refill(data: TrainingDataSource) {
    const { batchSize, length, vocabulary, hintShare } = this.settings;
    for (let slot = 0; slot < batchSize; slot++) {
      if (!this.refillFlags[slot]) continue;
      // One example per slot, so a data source that makes a batch ahead is never overdrawn.
      if (this.refillFlags[slot] === 1) {
        this.examplesOf[slot] = data.next();
        this.examples++;
        // The first batch starts at staggered ages, so examples do not all age out at once.
        this.ages[slot] = this.examples <= batchSize ? slot % this.settings.maxAge : 0;
      }
      const example = this.examplesOf[slot]!;
      const mask = this.options.rules.candidates(example.tokens);
      if (this.options.random.next() < hintShare) {
        // Hints that let the rules decide everything teach nothing: then the bare puzzle.
        const hinted = mask.slice();
        this.hint(hinted, example.labels);
        if (this.options.rules.narrow(example.tokens, hinted) && !allDecided(hinted, vocabulary)) mask.set(hinted);
      }
      // A contradictory puzzle stays as it is: the rules close it at the first advance.
      this.options.rules.narrow(example.tokens, mask);
      this.inputs[slot]!.set(example.tokens);
      this.labels.set(example.labels, slot * length);
      this.masks[slot]!.set(mask);
      this.puzzleIdentifiers[slot] = example.puzzleIdentifier ?? 0;
      this.refillFlags[slot] = 0;
    }
    this.writeFeeds();
  }

  /** Fills a random share (up to 60%) of the open positions with the answer's token (LDT's correct hints). */
  private hint(mask: Uint8Array, labels: Int32Array) {
    const { length, vocabulary } = this.settings;
    const share = 0.6 * this.options.random.next();
    for (let position = 0; position < length; position++) {
      if (candidateCount(mask, position, vocabulary) < 2 || this.options.random.next() >= share) continue;
      const label = labels[position]!;
      if (!mask[position * vocabulary + label]) continue;
      mask.fill(0, position * vocabulary, (position + 1) * vocabulary);
      mask[position * vocabulary + label] = 1;
    }
  }

  private writeFeeds() {
    const { batchSize, length, vocabulary, positiveWeight, negativeWeight, answerWeight } = this.settings;
    const normal = 1 / (batchSize * length);
    this.keepWeight.fill(0);
    this.keepTarget.fill(0);
    this.cellWeight.fill(0);
    for (let slot = 0; slot < batchSize; slot++) {
      const mask = this.masks[slot]!;
      const base = slot * length;
      // Several answers: the union of those still compatible; else what of the label the state holds.
      const compatible = this.options.rules.target ? this.options.rules.target(this.inputs[slot]!, mask) : undefined;
      const onPath = compatible === undefined ? holdsAnswer(mask, this.labels, base, length, vocabulary) : compatible !== null;
      for (let position = 0; position < length; position++) {
        const cell = (base + position) * vocabulary;
        for (let token = 0; token < vocabulary; token++) this.candidates[cell + token] = mask[position * vocabulary + token]!;
        if (candidateCount(mask, position, vocabulary) < 2) continue;
        // The target is what of the answer the state still holds (LDT): off the answer's path a
        // position that lost it has an empty target, so the network learns to empty it.
        let answers = 0;
        let answer = -1;
        for (let token = 0; token < vocabulary; token++) {
          if (!mask[position * vocabulary + token]) continue;
          const keep = compatible === undefined ? (token === this.labels[base + position] ? 1 : 0) : compatible?.[position * vocabulary + token] ? 1 : 0;
          this.keepTarget[cell + token] = keep;
          this.keepWeight[cell + token] = (keep ? positiveWeight : negativeWeight) * normal;
          if (keep) [answers, answer] = [answers + 1, token];
        }
        // The answer's cross-entropy where the compatible answers agree on one token.
        if (onPath && answers === 1) {
          this.labels[base + position] = answer;
          this.cellWeight[base + position] = answerWeight * normal;
        }
      }
    }
  }

  /** Advances every state on the step's outputs and flags the ones to replace. */
  advance(keepLogits: Float32Array, logits: Float32Array): PoolAdvance {
    const { batchSize, length, vocabulary, threshold, maxAge, temperature } = this.settings;
    const result: PoolAdvance = { eliminations: 0, unsound: 0, guesses: 0, solved: 0, contradicted: 0, aged: 0 };
    let onPathStates = 0;
    for (let slot = 0; slot < batchSize; slot++) {
      const mask = this.masks[slot]!;
      const before = mask.slice();
      const base = slot * length;
      const onPath = holdsAnswer(mask, this.labels, base, length, vocabulary);
      result.eliminations += dropUnkept(mask, keepLogits.subarray(base * vocabulary, (base + length) * vocabulary), vocabulary, threshold);
      if (onPath) {
        onPathStates++;
        if (!holdsAnswer(mask, this.labels, base, length, vocabulary)) result.unsound++;
      }
      let alive = this.options.rules.narrow(this.inputs[slot]!, mask);
      if (alive && !allDecided(mask, vocabulary) && equal(mask, before)) {
        this.guess(mask, logits, base, temperature);
        result.guesses++;
        alive = this.options.rules.narrow(this.inputs[slot]!, mask);
      }
      const age = ++this.ages[slot]!;
      let ended = true;
      if (!alive) result.contradicted++;
      else if (allDecided(mask, vocabulary)) result.solved++;
      else ended = false;
      if (age >= maxAge) {
        result.aged++;
        this.refillFlags[slot] = 1;
      } else if (ended) this.refillFlags[slot] = 2;
    }
    result.eliminations /= batchSize;
    result.unsound = onPathStates > 0 ? result.unsound / onPathStates : 0;
    return result;
  }

  /** Pins the narrowest open position to a candidate sampled from the answer softmax. */
  private guess(mask: Uint8Array, logits: Float32Array, base: number, temperature: number) {
    const { length, vocabulary } = this.settings;
    let position = -1;
    let fewest = Infinity;
    for (let at = 0; at < length; at++) {
      const candidates = candidateCount(mask, at, vocabulary);
      if (candidates > 1 && candidates < fewest) [fewest, position] = [candidates, at];
    }
    const weights: number[] = [];
    let top = -Infinity;
    for (let token = 0; token < vocabulary; token++) if (mask[position * vocabulary + token]) top = Math.max(top, logits[(base + position) * vocabulary + token]!);
    let sum = 0;
    for (let token = 0; token < vocabulary; token++) {
      const raw = mask[position * vocabulary + token] ? Math.exp((logits[(base + position) * vocabulary + token]! - top) / temperature) : 0;
      const weight = Number.isFinite(raw) ? raw : 0;
      weights.push(weight);
      sum += weight;
    }
    let pick = this.options.random.next() * sum;
    let chosen = weights.findIndex((weight) => weight > 0);
    for (let token = 0; token < vocabulary; token++) {
      pick -= weights[token]!;
      if (weights[token]! > 0 && pick <= 0) {
        chosen = token;
        break;
      }
    }
    // Non-finite logits (a diverging run) weigh nothing: then the first live candidate.
    if (chosen < 0) chosen = [...mask.subarray(position * vocabulary, (position + 1) * vocabulary)].findIndex(Boolean);
    mask.fill(0, position * vocabulary, (position + 1) * vocabulary);
    mask[position * vocabulary + chosen] = 1;
  }
}

function holdsAnswer(mask: Uint8Array, labels: Int32Array, base: number, length: number, vocabulary: number): boolean {
  for (let position = 0; position < length; position++) if (!mask[position * vocabulary + labels[base + position]!]) return false;
  return true;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}
