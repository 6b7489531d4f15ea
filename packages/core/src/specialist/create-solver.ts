import type { HaltingInput } from '../recursion/halting';
import { type RecursionStepEvent, type SampleState, iterateRecursion } from '../recursion/run-recursion';
import { createRandom } from '../util/random';
import { ContinuousBatcher } from '../batching/continuous-batcher';
import { parseHalting } from '../recursion/halting';
import type { InferenceRuntimeV1, LoadedModelV1 } from '../runtime/inference-runtime';
import { InvalidInputError } from '../errors/invalid-input-error';
import { hasGrid } from '../manifest/architecture';
import { modelAtGrid } from '../runtime/runtime-helpers';
import type { SpecialistV1 } from './specialist';

export interface SolveOptions<Answer> {
  readonly halting?: HaltingInput;
  readonly signal?: AbortSignal;
  /**
   * Check answers with the task's verifier while recursing: a verified answer stops at once, and
   * an answer that fails keeps recursing up to `maxSteps` (think longer when unsure).
   */
  readonly verify?: { readonly maxSteps: number };
  /**
   * Test-time augmentation: solve this many copies of each input (the first unchanged, the rest
   * randomly augmented) in one batch; prefer an answer that verifies, else the most common one.
   */
  readonly copies?: number;
  /**
   * Stochastic restarts: standard deviation of Gaussian noise on the latent state of every copy
   * but the first, so copies explore different recursion paths (combine with `copies`).
   */
  readonly noise?: number;
  /** Seed of the augmentations and the noise. */
  readonly seed?: number;
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
  readonly answers: readonly { answer: Answer; tokenConfidence: Float32Array; confidence: number; done: boolean }[];
}

export interface SolveResult<Answer> {
  readonly task: string;
  readonly modelId: string;
  readonly answer: Answer;
  /** The answer in its printable form. */
  readonly text: string;
  /** Supervision steps of the copy whose answer was chosen. */
  readonly steps: number;
  /** True only when the task's verifier accepted the answer. */
  readonly verified: boolean;
  /** True when the halting head stopped the recursion (rather than the step bound or the verifier). */
  readonly halted: boolean;
  /** True when `halting.patience` stopped it: the answer had stopped changing without verifying. */
  readonly converged: boolean;
  /** sigmoid(q_halt) at the last step. */
  readonly confidence: number;
  readonly tokenConfidence: Float32Array;
  /** How the answer was obtained and what it cost. */
  readonly cost: {
    /** Copies solved (1 without test-time augmentation). */
    readonly copies: number;
    /** Copies whose answer verified. */
    readonly verifiedCopies: number;
    /** Supervision steps summed over the copies: the compute spent on this request. */
    readonly sampleSteps: number;
  };
}

export interface Solver<Input, Answer> {
  readonly specialist: SpecialistV1<Input, Answer>;
  readonly model: LoadedModelV1;
  solve(input: unknown, options?: SolveOptions<Answer>): Promise<SolveResult<Answer>>;
  /** Solves many inputs in batches of `batchSize` samples (default 64); results keep the input order. */
  solveMany(inputs: readonly unknown[], options?: SolveManyOptions<Answer>): Promise<SolveResult<Answer>[]>;
  dispose(): Promise<void>;
}

interface Copy<Input, Answer> {
  readonly original: number;
  readonly input: Input;
  readonly restore: (answer: Answer) => Answer;
  /** Std of the latent-state noise of this copy. */
  readonly noise: number;
}

/** Loads a specialist's model into a runtime and returns a solver for it. */
export async function createSolver<Input, Answer>(settings: {
  specialist: SpecialistV1<Input, Answer>;
  runtime: InferenceRuntimeV1;
}): Promise<Solver<Input, Answer>> {
  const { specialist, runtime } = settings;
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

  function expand(parsed: Input[], options: SolveOptions<Answer>): Copy<Input, Answer>[] {
    const copies = options.copies ?? 1;
    if (!Number.isInteger(copies) || copies < 1 || copies > 1024) {
      throw new InvalidInputError({ field: 'copies', message: 'must be an integer from 1 to 1024', value: copies });
    }
    const noise = options.noise ?? 0;
    if (!Number.isFinite(noise) || noise < 0) throw new InvalidInputError({ field: 'noise', message: 'must be a number >= 0', value: noise });
    // With noise, copies differ by their noise alone when the task cannot augment.
    if (copies > 1 && !specialist.augment && noise === 0) {
      throw new InvalidInputError({ field: 'copies', message: `the ${specialist.task} specialist has no augmentations; add noise for restarts`, value: copies });
    }
    const random = createRandom(options.seed ?? 0);
    return parsed.flatMap((input, original) =>
      Array.from({ length: copies }, (_, copy) => {
        if (copy === 0 || !specialist.augment) return { original, input, restore: (answer: Answer) => answer, noise: copy === 0 ? 0 : noise };
        return { original, ...specialist.augment(input, random), noise };
      }),
    );
  }

  /** Picks one answer per original: a verified one (most confident), else the most common. */
  function select(parsed: Input[], copies: Copy<Input, Answer>[], samples: readonly SampleState[]) {
    const groups = parsed.map(() => [] as { answer: Answer; text: string; verified: boolean; sample: SampleState }[]);
    samples.forEach((sample, index) => {
      const copy = copies[index]!;
      const answer = copy.restore(specialist.decode(sample.tokens, copy.input));
      groups[copy.original]!.push({ answer, text: specialist.formatAnswer(answer), verified: specialist.verify(parsed[copy.original]!, answer), sample });
    });
    return groups.map((group) => {
      const verified = group.filter((entry) => entry.verified);
      const pool = verified.length > 0 ? verified : group;
      const votes = new Map<string, { count: number; confidence: number }>();
      for (const entry of pool) {
        const vote = votes.get(entry.text) ?? { count: 0, confidence: 0 };
        votes.set(entry.text, { count: vote.count + 1, confidence: vote.confidence + entry.sample.confidence });
      }
      const score = (entry: (typeof pool)[number]) => {
        const vote = votes.get(entry.text)!;
        return vote.count * 1e6 + vote.confidence / vote.count;
      };
      const chosen = pool.reduce((best, entry) => (score(entry) > score(best) ? entry : best));
      return {
        chosen,
        verifiedCopies: verified.length,
        sampleSteps: group.reduce((sum, entry) => sum + entry.sample.steps, 0),
        copies: group.length,
      };
    });
  }

  async function solveBatch(parsed: Input[], options: SolveOptions<Answer>): Promise<SolveResult<Answer>[]> {
    const model = modelFor(parsed[0]!);
    const sequenceLength = model.manifest.architecture.sequenceLength;
    const copies = expand(parsed, options);
    const tokens = new Int32Array(copies.length * sequenceLength);
    copies.forEach((copy, index) => tokens.set(specialist.encode(copy.input), index * sequenceLength));
    const verification = options.verify
      ? {
          maxSteps: options.verify.maxSteps,
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
      halting: options.halting,
      signal: options.signal,
      verification,
      stateNoise: copies.some((copy) => copy.noise > 0) ? Float32Array.from(copies, (copy) => copy.noise) : undefined,
      seed: options.seed,
    })) {
      last = event;
      if (options.onStep) {
        options.onStep({
          step: event.step,
          answers: select(parsed, copies, event.samples).map(({ chosen }) => ({
            answer: chosen.answer,
            tokenConfidence: chosen.sample.tokenConfidence,
            confidence: chosen.sample.confidence,
            done: chosen.sample.done,
          })),
        });
      }
    }
    if (!last) throw new Error('unreachable: the recursion ran no step');
    return results(parsed, copies, last.samples);
  }

  /**
   * Without per-step callbacks, every copy streams through a continuous batcher: a finished
   * sample's slot is refilled at once instead of idling until its whole batch is done.
   */
  async function solveContinuously(parsed: Input[], options: SolveOptions<Answer>, batchSize: number): Promise<SolveResult<Answer>[]> {
    const halting = parseHalting(options.halting);
    const copies = expand(parsed, options);
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
        batcherFor(copy.input).submit({
          tokens: specialist.encode(copy.input),
          adaptive: halting.mode === 'adaptive',
          minSteps: halting.mode === 'adaptive' ? halting.minSteps : halting.steps,
          maxSteps: halting.mode === 'adaptive' ? halting.maxSteps : halting.steps,
          patience: halting.mode === 'adaptive' ? halting.patience : undefined,
          noise: copy.noise,
          signal: options.signal,
          verification:
            options.verify && halting.mode === 'adaptive'
              ? { maxSteps: options.verify.maxSteps, accept: (tokens) => specialist.verify(copy.input, specialist.decode(tokens, copy.input)) }
              : undefined,
        }),
      ),
    );
    return results(parsed, copies, samples);
  }

  function results(parsed: Input[], copies: Copy<Input, Answer>[], samples: readonly SampleState[]): SolveResult<Answer>[] {
    return select(parsed, copies, samples).map(({ chosen, verifiedCopies, sampleSteps, copies: count }) => ({
      task: specialist.task,
      modelId: specialist.modelId,
      answer: chosen.answer,
      text: chosen.text,
      steps: chosen.sample.steps,
      verified: chosen.verified,
      halted: chosen.sample.halted,
      converged: chosen.sample.converged,
      confidence: chosen.sample.confidence,
      tokenConfidence: chosen.sample.tokenConfidence,
      cost: { copies: count, verifiedCopies, sampleSteps },
    }));
  }

  return {
    specialist,
    model,
    async solve(input, options = {}) {
      const [result] = await solveBatch([specialist.parseInput(input)], options);
      return result!;
    },
    async solveMany(inputs, options = {}) {
      const batchSize = options.batchSize ?? 64;
      if (!Number.isInteger(batchSize) || batchSize < 1) {
        throw new InvalidInputError({ field: 'batchSize', message: 'must be a positive integer', value: batchSize });
      }
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
      const scheduling = options.scheduling ?? 'continuous';
      if (scheduling !== 'continuous' && scheduling !== 'static') {
        throw new InvalidInputError({ field: 'scheduling', message: "expected 'continuous' or 'static'", value: scheduling });
      }
      if (!options.onStep && scheduling === 'continuous') return solveContinuously(parsed, options, batchSize);
      // A batch holds `batchSize` samples, so with augmentation fewer inputs go in each.
      const perBatch = Math.max(1, Math.floor(batchSize / (options.copies ?? 1)));
      const results: SolveResult<Answer>[] = new Array(parsed.length);
      for (const indices of groupByModel(parsed).values()) {
        for (let start = 0; start < indices.length; start += perBatch) {
          const batch = indices.slice(start, start + perBatch);
          (await solveBatch(batch.map((index) => parsed[index]!), options)).forEach((result, position) => (results[batch[position]!] = result));
        }
      }
      return results;
    },
    dispose: () => model.dispose(),
  };
}
