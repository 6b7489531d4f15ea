import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import type { InferenceRuntimeV1, LoadedModelV1 } from '../contracts/inference-runtime';
import type { SolveCallOptionsV1, SolveManyOptionsV1, SolveResultV1, SolveStepEvent } from '../contracts/solve-options';
import type { SpecialistV1 } from '../contracts/specialist';
import { checkRuntime, checkSettingKeys, checkSpecialist } from './check-settings';
import { resolveCall } from './resolve-options';
import { createSolveEngine } from './solve-engine';

export type SolveOptions<Answer> = SolveCallOptionsV1<Answer>;
export type SolveManyOptions<Answer> = SolveManyOptionsV1<Answer>;
export type { SolveStepEvent };
export type SolveResult<Answer> = SolveResultV1<Answer>;

export interface Solver<Input, Answer> {
  readonly specialist: SpecialistV1<Input, Answer>;
  readonly model: LoadedModelV1;
  solve(input: unknown, options?: SolveOptions<Answer>): Promise<SolveResult<Answer>>;
  /** Solves many inputs in batches of `batchSize` samples (default 64); results keep the input order. */
  solveMany(inputs: readonly unknown[], options?: SolveManyOptions<Answer>): Promise<SolveResult<Answer>[]>;
  dispose(): Promise<void>;
}

export interface SolverSettings<Input, Answer> {
  readonly specialist: SpecialistV1<Input, Answer>;
  readonly runtime: InferenceRuntimeV1;
  /** Continuous-batching bounds: slots per step (default 64) and requests that may wait (default 1024). */
  readonly batching?: { readonly maxBatchSize?: number; readonly maxQueue?: number };
}

/**
 * Parses every input before any compute is spent; a bad one is an InvalidInputError naming
 * `[index].<field>` (`rename` may give an error of its own class instead).
 */
export function parseInputs<Input>(inputs: readonly unknown[], parse: (input: unknown, index: number) => Input, rename?: (error: InvalidInputError, index: number) => Error | undefined): Input[] {
  if (!Array.isArray(inputs)) throw new InvalidInputError({ field: 'inputs', message: 'expected an array of inputs', value: inputs });
  return inputs.map((input, index) => {
    try {
      return parse(input, index);
    } catch (error) {
      if (!InvalidInputError.isInstance(error)) throw error;
      throw rename?.(error, index) ?? new InvalidInputError({ field: `[${index}].${error.field}`, message: error.message, value: input, cause: error });
    }
  });
}

/** Loads a specialist's model into a runtime and returns a solver for it: the engine with one specialist. */
export async function createSolver<Input, Answer>(settings: SolverSettings<Input, Answer>): Promise<Solver<Input, Answer>> {
  if (typeof settings !== 'object' || settings === null) throw new InvalidInputError({ field: 'settings', message: 'expected { specialist, runtime }', value: settings });
  checkSettingKeys(settings, ['specialist', 'runtime', 'batching'], '', {
    maxQueued: 'use batching: { maxQueue }',
    maxConcurrent: 'calls share one continuous batch now; batching: { maxBatchSize } bounds the work per step',
  });
  checkSpecialist(settings.specialist, 'specialist');
  checkRuntime(settings.runtime, 'runtime');
  const { specialist } = settings;
  const engine = createSolveEngine({ runtime: settings.runtime, ...settings.batching });
  const model = await engine.model(specialist);
  return {
    specialist,
    model,
    async solve(input, options) {
      const call = resolveCall<Answer>(options, { many: false });
      const [result] = await engine.run(specialist, [specialist.parseInput(input)], call);
      return result!;
    },
    async solveMany(inputs, options) {
      const call = resolveCall<Answer>(options, { many: true });
      return engine.run(specialist, parseInputs(inputs, (input) => specialist.parseInput(input)), call);
    },
    dispose: () => engine.dispose('the solver was disposed'),
  };
}
