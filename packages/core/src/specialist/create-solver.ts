import type { HaltingInput } from '../recursion/halting';
import { type RecursionStepEvent, iterateRecursion } from '../recursion/run-recursion';
import type { InferenceRuntimeV1, LoadedModelV1 } from '../runtime/inference-runtime';
import { InvalidInputError } from '../errors/invalid-input-error';
import type { SpecialistV1 } from './specialist';

export interface SolveOptions<Answer> {
  readonly halting?: HaltingInput;
  readonly signal?: AbortSignal;
  /** Called after every supervision step with each request's current answer. */
  readonly onStep?: (event: SolveStepEvent<Answer>) => void;
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
  /** Supervision steps used. */
  readonly steps: number;
  /** True only when the task's verifier accepted the answer. */
  readonly verified: boolean;
  /** True when the halting head stopped the recursion (rather than the step bound). */
  readonly halted: boolean;
  /** sigmoid(q_halt) at the last step. */
  readonly confidence: number;
  readonly tokenConfidence: Float32Array;
}

export interface Solver<Input, Answer> {
  readonly specialist: SpecialistV1<Input, Answer>;
  readonly model: LoadedModelV1;
  solve(input: unknown, options?: SolveOptions<Answer>): Promise<SolveResult<Answer>>;
  /** Solves many inputs in batches of `batchSize` (default 64); results keep the input order. */
  solveMany(inputs: readonly unknown[], options?: SolveOptions<Answer> & { batchSize?: number }): Promise<SolveResult<Answer>[]>;
  dispose(): Promise<void>;
}

/** Loads a specialist's model into a runtime and returns a solver for it. */
export async function createSolver<Input, Answer>(settings: {
  specialist: SpecialistV1<Input, Answer>;
  runtime: InferenceRuntimeV1;
}): Promise<Solver<Input, Answer>> {
  const { specialist, runtime } = settings;
  const model = await runtime.load(specialist.model);

  async function solveBatch(parsed: Input[], options: SolveOptions<Answer>): Promise<SolveResult<Answer>[]> {
    const sequenceLength = model.manifest.architecture.sequenceLength;
    const tokens = new Int32Array(parsed.length * sequenceLength);
    parsed.forEach((input, index) => tokens.set(specialist.encode(input), index * sequenceLength));
    let last: RecursionStepEvent | undefined;
    for await (const event of iterateRecursion(model, {
      tokens,
      batchSize: parsed.length,
      halting: options.halting,
      signal: options.signal,
    })) {
      last = event;
      options.onStep?.({
        step: event.step,
        answers: event.samples.map((sample, index) => ({
          answer: specialist.decode(sample.tokens, parsed[index]),
          tokenConfidence: sample.tokenConfidence,
          confidence: sample.confidence,
          done: sample.done,
        })),
      });
    }
    if (!last) throw new Error('unreachable: the recursion ran no step');
    return last.samples.map((sample, index) => {
      const answer = specialist.decode(sample.tokens, parsed[index]);
      return {
        task: specialist.task,
        modelId: specialist.modelId,
        answer,
        text: specialist.formatAnswer(answer),
        steps: sample.steps,
        verified: specialist.verify(parsed[index], answer),
        halted: sample.halted,
        confidence: sample.confidence,
        tokenConfidence: sample.tokenConfidence,
      };
    });
  }

  return {
    specialist,
    model,
    async solve(input, options = {}) {
      const [result] = await solveBatch([specialist.parseInput(input)], options);
      return result;
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
      const results: SolveResult<Answer>[] = [];
      for (let start = 0; start < parsed.length; start += batchSize) {
        results.push(...(await solveBatch(parsed.slice(start, start + batchSize), options)));
      }
      return results;
    },
    dispose: () => model.dispose(),
  };
}
