import { type InferenceRuntimeV1, InvalidInputError, type SpecialistV1 } from '@trm/core';
import { type Router, type RouterResult, type RouterSolveOptions, createRouter } from '@trm/router';

export interface SolveFunctionOptions extends RouterSolveOptions {
  /** Skip detection: the task to solve this input as. */
  readonly task?: string;
}

/**
 * A one-call `solve(input, options?)` over a set of specialists, for the common case (what
 * `pipeline()` is to transformers.js): the router and runtime are made on the first call and
 * shared by later ones; `dispose()` frees them. `solve` and `disposeSolve` are one for the shipped models.
 */
export function createSolveFunction(settings: { specialists: () => readonly SpecialistV1<any, any>[]; runtime: () => InferenceRuntimeV1 }) {
  let router: Router | undefined;
  return {
    async solve(input: unknown, options?: SolveFunctionOptions): Promise<RouterResult> {
      if (input === undefined || input === null) throw new InvalidInputError({ field: 'input', message: 'give a puzzle: text, rows, or { task, input }', value: input });
      if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
        throw new InvalidInputError({ field: 'options', message: 'expected an object of solve options', value: options });
      }
      const { task, ...solveOptions } = options ?? {};
      if (task !== undefined && typeof task !== 'string') throw new InvalidInputError({ field: 'options.task', message: 'must be a task name', value: task });
      router ??= createRouter({ specialists: settings.specialists(), runtime: settings.runtime() });
      return router.solve(task === undefined ? input : { task, input }, solveOptions);
    },
    async dispose(): Promise<void> {
      const current = router;
      router = undefined;
      await current?.dispose();
    },
  };
}
