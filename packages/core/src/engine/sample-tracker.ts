import { RuntimeError } from '../contracts/errors/runtime-error';
import type { Halting } from './halting';

/** One sample's answer after a step (or at the step where it stopped). */
export interface SampleState {
  /** Arg-max token per position. */
  readonly tokens: Int32Array;
  /** Softmax probability of the chosen token per position. */
  readonly tokenConfidence: Float32Array;
  /** sigmoid(q_halt): the model's belief that the whole answer is right. */
  readonly confidence: number;
  readonly qHalt: number;
  /** Supervision steps this sample has used. */
  readonly steps: number;
  /** True once the sample has stopped (halted by q_halt, the step bound, the verifier or patience). */
  readonly done: boolean;
  /** True when q_halt > 0 stopped it (not the step bound). */
  readonly halted: boolean;
  /** True when `patience` stopped it: the answer had stopped changing without verifying. */
  readonly converged: boolean;
  /** The verification hook's verdict on this answer (undefined without a hook). */
  readonly accepted?: boolean;
  /** With `keepProbabilities`, once done: the softmax over tokens at every position, [sequenceLength x vocabulary]. */
  readonly probabilities?: Float32Array;
  /** Candidate models, with `keepProbabilities`, once done: the keep logit of every candidate, [sequenceLength x vocabulary]. */
  readonly keepLogits?: Float32Array;
}

/** When one sample stops: its halting, and optionally the task's check of its answer. */
export interface StopRule {
  readonly halting: Halting;
  /**
   * With adaptive halting, an accepted answer stops at once and one that would stop unaccepted
   * thinks on up to `maxSteps` (ignored with fixed halting: a fixed count stays exact).
   */
  readonly verification?: { readonly maxSteps: number; readonly accept: (tokens: Int32Array) => boolean };
  /** Keep the last step's token distribution (what a search orders its branches by). */
  readonly keepProbabilities?: boolean;
}

/**
 * The per-sample stop logic, the one every loop uses (single solves, batches, continuous
 * batching): feed it each step's logits and halting logit; it says whether the sample is done.
 */
export class SampleTracker {
  private steps = 0;
  private previous: Int32Array | undefined;
  /** How many steps in a row before the last one gave the same answer. */
  private unchanged = 0;
  private readonly adaptive: boolean;
  private readonly minSteps: number;
  private readonly maxSteps: number;
  private readonly patience: number | undefined;
  private readonly verification: StopRule['verification'];
  private readonly keepProbabilities: boolean;

  constructor(rule: StopRule) {
    this.keepProbabilities = rule.keepProbabilities === true;
    const { halting } = rule;
    this.adaptive = halting.mode === 'adaptive';
    this.maxSteps = halting.mode === 'fixed' ? halting.steps : halting.maxSteps;
    this.minSteps = halting.mode === 'fixed' ? halting.steps : Math.min(halting.minSteps, halting.maxSteps);
    this.patience = halting.mode === 'adaptive' ? halting.patience : undefined;
    this.verification = this.adaptive ? rule.verification : undefined;
  }

  /** Steps run so far. */
  get stepsRun(): number {
    return this.steps;
  }

  /** The most steps this sample can run. */
  get stepBound(): number {
    return Math.max(this.maxSteps, this.verification?.maxSteps ?? 0);
  }

  /** Records one step of this sample (slot `slot` of the step's output); what `accept` throws propagates. */
  observe(logits: Float32Array, qHalt: number, slot: number, sequenceLength: number, vocabularySize: number, keepLogits?: Float32Array): SampleState {
    if (Number.isNaN(qHalt)) throw nonFinite('qHalt');
    const step = ++this.steps;
    // A search orders its branches by the whole distribution: decoding computes it anyway.
    const decoded = decodeLogits(logits, slot, sequenceLength, vocabularySize, this.keepProbabilities);
    const accepted = this.verification?.accept(decoded.tokens);
    // Comparing answers costs a pass over the sequence; only patience needs it.
    if (this.patience !== undefined) {
      this.unchanged = sameTokens(this.previous, decoded.tokens) ? this.unchanged + 1 : 0;
      this.previous = decoded.tokens;
    }
    const halted = this.adaptive && step >= this.minSteps && qHalt > 0;
    let done = halted || step >= this.maxSteps;
    if (accepted !== undefined && this.verification) done = (accepted && step >= this.minSteps) || (done && step >= this.verification.maxSteps);
    const converged = !done && this.patience !== undefined && step >= this.minSteps && this.unchanged >= this.patience;
    const { probabilities, ...answer } = decoded;
    const finished = done || converged;
    const size = sequenceLength * vocabularySize;
    return {
      ...answer,
      confidence: 1 / (1 + Math.exp(-qHalt)),
      qHalt,
      steps: step,
      done: finished,
      halted,
      converged,
      accepted,
      ...(probabilities && finished ? { probabilities } : {}),
      ...(keepLogits && this.keepProbabilities && finished ? { keepLogits: keepLogits.slice(slot * size, (slot + 1) * size) } : {}),
    };
  }
}

function sameTokens(previous: Int32Array | undefined, current: Int32Array): boolean {
  if (!previous || previous.length !== current.length) return false;
  for (let index = 0; index < current.length; index++) if (previous[index] !== current[index]) return false;
  return true;
}

/** Arg-max token and its softmax probability at every position of one sample; with `keepProbabilities`, the whole softmax too. */
export function decodeLogits(logits: Float32Array, sample: number, sequenceLength: number, vocabularySize: number, keepProbabilities = false) {
  const tokens = new Int32Array(sequenceLength);
  const tokenConfidence = new Float32Array(sequenceLength);
  const probabilities = keepProbabilities ? new Float32Array(sequenceLength * vocabularySize) : undefined;
  for (let position = 0; position < sequenceLength; position++) {
    const offset = (sample * sequenceLength + position) * vocabularySize;
    let best = 0;
    let bestValue = -Infinity;
    for (let token = 0; token < vocabularySize; token++) {
      const value = logits[offset + token]!;
      if (value > bestValue) {
        bestValue = value;
        best = token;
      }
    }
    let sum = 0;
    for (let token = 0; token < vocabularySize; token++) {
      const weight = Math.exp(logits[offset + token]! - bestValue);
      sum += weight;
      if (probabilities) probabilities[position * vocabularySize + token] = weight;
    }
    // NaN or infinite logits (broken weights) must not read as an answer of zeros.
    if (!Number.isFinite(sum) || bestValue === -Infinity) throw nonFinite('logits', position);
    tokens[position] = best;
    tokenConfidence[position] = 1 / sum;
    if (probabilities) for (let token = 0; token < vocabularySize; token++) probabilities[position * vocabularySize + token]! /= sum;
  }
  return { tokens, tokenConfidence, ...(probabilities ? { probabilities } : {}) };
}

function nonFinite(output: 'logits' | 'qHalt', position?: number): RuntimeError {
  const where = position === undefined ? '' : ` at position ${position}`;
  return new RuntimeError({
    field: output,
    message: `the model's ${output === 'logits' ? 'logits' : 'halting logit'}${where} are not finite numbers (NaN or infinite): its weights are broken (a training run that diverged?); train or export it again and check it with \`trm eval\``,
  });
}
