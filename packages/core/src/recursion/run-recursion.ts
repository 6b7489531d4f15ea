import { AbortedError } from '../errors/aborted-error';
import { InvalidInputError } from '../errors/invalid-input-error';
import type { LoadedModelV1, RecursionStateV1 } from '../runtime/inference-runtime';
import { type HaltingInput, parseHalting, stopDecision, unchangedAfter } from './halting';
import { mixSeeds } from '../util/random';

export interface RecursionRequest {
  /** [batchSize, sequenceLength] token ids. */
  readonly tokens: Int32Array;
  readonly batchSize: number;
  readonly puzzleIdentifiers?: Int32Array;
  readonly halting?: HaltingInput;
  readonly signal?: AbortSignal;
  /**
   * Optional answer check (e.g. the task's verifier). With adaptive halting, a sample whose answer
   * is accepted stops at once, and one that would stop unaccepted thinks on up to
   * `verification.maxSteps`.
   */
  readonly verification?: {
    readonly accept: (sample: number, tokens: Int32Array) => boolean;
    readonly maxSteps: number;
  };
  /** Per sample std of Gaussian noise on the latent state before every step after the first. */
  readonly stateNoise?: Float32Array;
  /** Per sample seed of that noise (default 0 each): a sample's noise follows its seed and step only. */
  readonly noiseSeeds?: Uint32Array;
}

/** One sample's answer after a step (or at the step where it halted). */
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
  /** True once the sample has stopped (halted by q_halt or by the step bound). */
  readonly done: boolean;
  /** True when q_halt > 0 stopped it (not the step bound). */
  readonly halted: boolean;
  /** True when `patience` stopped it: the answer had stopped changing without verifying. */
  readonly converged: boolean;
  /** The verification hook's verdict on this answer (undefined without a hook). */
  readonly accepted?: boolean;
}

export interface RecursionStepEvent {
  /** 1-based supervision step just completed. */
  readonly step: number;
  readonly samples: readonly SampleState[];
}

/**
 * Runs supervision steps on one batch, yielding every step's answers so a caller can show the
 * answer improving. Samples that have stopped keep the answer of their last step.
 */
export async function* iterateRecursion(model: LoadedModelV1, request: RecursionRequest): AsyncGenerator<RecursionStepEvent> {
  const halting = parseHalting(request.halting);
  const { batchSize, tokens } = request;
  const sequenceLength = model.manifest.architecture.sequenceLength;
  const vocabularySize = model.manifest.architecture.vocabularySize;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidInputError({ field: 'batchSize', message: 'must be a positive integer', value: batchSize });
  }
  if (request.stateNoise && request.stateNoise.length !== batchSize) {
    throw new InvalidInputError({ field: 'stateNoise', message: `expected one standard deviation per sample (${batchSize})`, value: request.stateNoise.length });
  }
  if (tokens.length !== batchSize * sequenceLength) {
    throw new InvalidInputError({
      field: 'tokens',
      message: `expected ${batchSize} x ${sequenceLength} = ${batchSize * sequenceLength} token ids, got ${tokens.length}`,
      value: tokens.length,
    });
  }
  const haltingMaxSteps = halting.mode === 'fixed' ? halting.steps : halting.maxSteps;
  const minSteps = halting.mode === 'fixed' ? halting.steps : Math.min(halting.minSteps, halting.maxSteps);
  // Verification only extends adaptive runs: a fixed step count stays exact.
  const verification = halting.mode === 'adaptive' ? request.verification : undefined;
  if (verification && (!Number.isInteger(verification.maxSteps) || verification.maxSteps < 1 || verification.maxSteps > 4096)) {
    throw new InvalidInputError({ field: 'verification.maxSteps', message: 'must be an integer from 1 to 4096', value: verification.maxSteps });
  }
  const maxSteps = Math.max(haltingMaxSteps, verification?.maxSteps ?? 0);

  const samples: SampleState[] = new Array(batchSize);
  const unchangedSteps = new Int32Array(batchSize);
  const patience = halting.mode === 'adaptive' ? halting.patience : undefined;
  let state: RecursionStateV1 | null = null;
  try {
    for (let step = 1; step <= maxSteps; step++) {
      if (request.signal?.aborted) throw new AbortedError({ cause: request.signal.reason });
      const stateNoise = request.stateNoise && state ? { std: request.stateNoise, seeds: Uint32Array.from({ length: batchSize }, (_, sample) => mixSeeds(request.noiseSeeds?.[sample] ?? 0, step)) } : undefined;
      const output = await model.doStep({ batchSize, tokens, state, puzzleIdentifiers: request.puzzleIdentifiers, stateNoise });
      state?.dispose();
      state = output.state;
      let allDone = true;
      for (let sample = 0; sample < batchSize; sample++) {
        if (samples[sample]?.done) continue;
        const qHalt = output.qHalt[sample];
        const decoded = decodeLogits(output.logits, sample, sequenceLength, vocabularySize);
        const accepted = verification?.accept(sample, decoded.tokens);
        // Comparing answers costs a pass over the sequence; only patience needs it.
        if (patience !== undefined) unchangedSteps[sample] = unchangedAfter(samples[sample]?.tokens, decoded.tokens, unchangedSteps[sample]!);
        const { done, halted, converged } = stopDecision({
          step,
          qHalt,
          adaptive: halting.mode === 'adaptive',
          minSteps,
          maxSteps: haltingMaxSteps,
          accepted,
          verificationMaxSteps: verification?.maxSteps,
          patience,
          unchangedSteps: unchangedSteps[sample],
        });
        samples[sample] = {
          ...decoded,
          confidence: 1 / (1 + Math.exp(-qHalt)),
          qHalt,
          steps: step,
          done,
          halted,
          converged,
          accepted,
        };
        if (!done) allDone = false;
      }
      yield { step, samples: samples.slice() };
      if (allDone) break;
    }
  } finally {
    state?.dispose();
  }
}

/** Runs the recursion to the end and returns each sample's final state. */
export async function runRecursion(
  model: LoadedModelV1,
  request: RecursionRequest & { onStep?: (event: RecursionStepEvent) => void },
): Promise<readonly SampleState[]> {
  let last: RecursionStepEvent | undefined;
  for await (const event of iterateRecursion(model, request)) {
    request.onStep?.(event);
    last = event;
  }
  if (!last) throw new Error('unreachable: the recursion ran no step');
  return last.samples;
}

/** Arg-max token and its softmax probability at every position of one sample. */
export function decodeLogits(logits: Float32Array, sample: number, sequenceLength: number, vocabularySize: number) {
  const tokens = new Int32Array(sequenceLength);
  const tokenConfidence = new Float32Array(sequenceLength);
  for (let position = 0; position < sequenceLength; position++) {
    const offset = (sample * sequenceLength + position) * vocabularySize;
    let best = 0;
    let bestValue = -Infinity;
    for (let token = 0; token < vocabularySize; token++) {
      const value = logits[offset + token];
      if (value > bestValue) {
        bestValue = value;
        best = token;
      }
    }
    let sum = 0;
    for (let token = 0; token < vocabularySize; token++) sum += Math.exp(logits[offset + token] - bestValue);
    tokens[position] = best;
    tokenConfidence[position] = 1 / sum;
  }
  return { tokens, tokenConfidence };
}
