import { AbortedError } from '../contracts/errors/aborted-error';
import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import type { LoadedModelV1, RecursionStateV1 } from '../contracts/inference-runtime';
import { maxStepCount } from '../contracts/solve-options';
import { mixSeeds } from '../util/random';
import { type HaltingInput, parseHalting } from './halting';
import { SampleTracker, type SampleState } from './sample-tracker';

export type { SampleState } from './sample-tracker';

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

export interface RecursionStepEvent {
  /** 1-based supervision step just completed. */
  readonly step: number;
  readonly samples: readonly SampleState[];
}

function checkRequest(request: RecursionRequest, sequenceLength: number) {
  const { batchSize, tokens, verification } = request;
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
  if (verification && (!Number.isInteger(verification.maxSteps) || verification.maxSteps < 1 || verification.maxSteps > maxStepCount)) {
    throw new InvalidInputError({ field: 'verification.maxSteps', message: `must be an integer from 1 to ${maxStepCount}`, value: verification.maxSteps });
  }
}

/**
 * Runs supervision steps on one fixed batch (the low-level loop; solvers and routers run on the
 * engine's continuous batcher), yielding every step's answers. Samples that have stopped keep the
 * answer of their last step. Stop decisions are the engine's own (`SampleTracker`).
 */
export async function* iterateRecursion(model: LoadedModelV1, request: RecursionRequest): AsyncGenerator<RecursionStepEvent> {
  const halting = parseHalting(request.halting);
  const { batchSize, tokens } = request;
  const { sequenceLength, vocabularySize } = model.manifest.architecture;
  checkRequest(request, sequenceLength);
  const { verification } = request;
  const trackers = Array.from(
    { length: batchSize },
    (_, sample) => new SampleTracker({ halting, verification: verification && { maxSteps: verification.maxSteps, accept: (answer) => verification.accept(sample, answer) } }),
  );
  const maxSteps = Math.max(...trackers.map((tracker) => tracker.stepBound));
  const samples: SampleState[] = new Array(batchSize);
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
        samples[sample] = trackers[sample]!.observe(output.logits, output.qHalt[sample]!, sample, sequenceLength, vocabularySize);
        if (!samples[sample]!.done) allDone = false;
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
