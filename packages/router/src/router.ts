import {
  type InferenceRuntimeV1,
  InvalidInputError,
  type SolveCallOptionsV1,
  type SolveManyOptionsV1,
  type SolveOptionsV1,
  type SolveResultV1,
  type SolveStepAnswer,
  type SpecialistV1,
  TrmError,
  checkRuntime,
  checkSettingKeys,
  checkSpecialist,
  createSolveEngine,
  parseInputs,
  resolveCall,
  resolveSolveOptions,
} from '@trm/core';
import { z } from 'zod';
import { AmbiguousInputError } from './ambiguous-input-error';

export interface RouteDecision {
  readonly task: string;
  readonly score: number;
  /** Why this specialist: an explicit task, or the detection scores. */
  readonly reason: string;
}

/** The shared result of solving (printable `answer`, typed `value`, steps, verified, cost). */
export type RouterResult = SolveResultV1<unknown>;

/** The shared solve options: maxSteps, minSteps, fixedSteps, verifySteps, patience, copies, noise, seed, signal; and onStep. */
export type RouterSolveOptions = SolveCallOptionsV1<unknown>;

/** An input checked and routed by `router.parse`. */
export type RoutedInput = RouteDecision & { readonly input: unknown };

export interface RouterSettings {
  readonly specialists: readonly SpecialistV1<any, any>[];
  readonly runtime: InferenceRuntimeV1;
  /** Continuous-batching bounds, per model and grid size: slots per step (default 64), requests that may wait (default 1024). */
  readonly batching?: { readonly maxBatchSize?: number; readonly maxQueue?: number };
  /** Solve options every request gets unless it sets its own (a service's policy). */
  readonly defaults?: Omit<SolveOptionsV1, 'signal'>;
}

export interface TaskDescription {
  readonly task: string;
  readonly modelId: string;
  /** JSON Schema of the raw inputs the task accepts (from its zod `inputSchema`), if declared. */
  readonly inputJsonSchema: unknown;
}

export interface Router {
  readonly tasks: readonly string[];
  /** Each specialist with its model id and input schema, for clients and service docs. */
  describe(): TaskDescription[];
  /** Which specialist would take this input, and why. */
  route(input: unknown): RouteDecision;
  /**
   * The route and the chosen task's parsed input; a bad input throws that task's own error.
   * `solve` and `solveMany` take what it returns without parsing again (check at the door, solve later).
   */
  parse(input: unknown): RoutedInput;
  solve(input: unknown, options?: RouterSolveOptions): Promise<RouterResult>;
  /** Solves every input (order kept), the same result shape as a solver's; a bad input fails the call before any compute, naming `[index]`. */
  solveMany(inputs: readonly unknown[], options?: SolveManyOptionsV1<unknown>): Promise<RouterResult[]>;
  dispose(): Promise<void>;
}

/** `{ task, input }` names its task; anything else is the input itself. */
function splitRequest(input: unknown): { task?: string; payload: unknown } {
  if (typeof input === 'object' && input !== null && !Array.isArray(input) && 'task' in input) {
    const { task, input: payload } = input as { task: unknown; input?: unknown };
    if (typeof task !== 'string') throw new InvalidInputError({ field: 'task', message: 'must be a string', value: task });
    return { task, payload: payload === undefined ? input : payload };
  }
  return { payload: input };
}

/** Checks the router's settings; returns its specialists by task. */
function checkSettings(settings: RouterSettings): Map<string, SpecialistV1<any, any>> {
  if (typeof settings !== 'object' || settings === null) throw new InvalidInputError({ field: 'settings', message: 'expected { specialists, runtime }', value: settings });
  checkSettingKeys(settings, ['specialists', 'runtime', 'batching', 'defaults'], '');
  if (!Array.isArray(settings.specialists)) throw new InvalidInputError({ field: 'specialists', message: 'expected an array of specialists', value: settings.specialists });
  settings.specialists.forEach((specialist, index) => checkSpecialist(specialist, `specialists[${index}]`));
  checkRuntime(settings.runtime, 'runtime');
  const specialists = new Map(settings.specialists.map((specialist) => [specialist.task, specialist]));
  if (specialists.size < settings.specialists.length) throw new InvalidInputError({ field: 'specialists', message: 'two specialists for one task: give one per task', value: settings.specialists.map((specialist) => specialist.task) });
  if (specialists.size === 0) throw new InvalidInputError({ field: 'specialists', message: 'give at least one specialist' });
  return specialists;
}

/**
 * Routing by detection: an explicit `{ task, input }` wins, else the highest `detect` score. A
 * near miss scores low but above 0 (a task's detect says "looks like mine"), so it is routed and
 * fails with that task's own parser error ("expected 81 cells, got 80"); when no task scores,
 * the error quotes the parser of each task whose input schema takes the input's shape.
 */
function createRouting(specialists: ReadonlyMap<string, SpecialistV1<any, any>>) {
  const scoreOf = (specialist: SpecialistV1<any, any>, payload: unknown): number => {
    let score: unknown;
    try {
      score = specialist.detect(payload);
    } catch {
      return 0; // a task's detect that throws declines; it never breaks routing for the others
    }
    return typeof score === 'number' && Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
  };
  const parses = (specialist: SpecialistV1<any, any>, payload: unknown): boolean => {
    try {
      specialist.parseInput(payload);
      return true;
    } catch {
      return false;
    }
  };
  const refuse = (payload: unknown, summary: string): never => {
    // Each task whose input schema takes this shape says, in its own words, what is wrong.
    const likely = [...specialists.values()].filter((specialist) => !specialist.inputSchema || specialist.inputSchema.safeParse(payload).success);
    const errors: { task: string; error: TrmError }[] = [];
    for (const specialist of likely) {
      try {
        specialist.parseInput(payload);
      } catch (error) {
        if (TrmError.isInstance(error)) errors.push({ task: specialist.task, error });
      }
    }
    const said = errors.map(({ task, error }) => `; as ${task}: ${error.message}`).join('');
    const [first] = errors;
    throw new InvalidInputError({ field: errors.length === 1 && first!.error.field ? `input.${first!.error.field}` : 'input', message: `no specialist accepts this input (scores: ${summary})${said}`, value: payload, cause: first?.error });
  };
  return (input: unknown): RouteDecision => {
    const { task, payload } = splitRequest(input);
    if (task !== undefined) {
      if (!specialists.has(task)) {
        // The name is the caller's and may be megabytes long: quoted short, never whole.
        const named = JSON.stringify(task.length > 60 ? `${task.slice(0, 57)}...` : task);
        throw new InvalidInputError({ field: 'task', message: `no specialist for ${named}; available: ${[...specialists.keys()].join(', ')}`, value: task });
      }
      return { task, score: 1, reason: 'explicit task' };
    }
    const scores = [...specialists.values()].map((specialist) => ({ task: specialist.task, score: scoreOf(specialist, payload) }));
    const best = Math.max(...scores.map((entry) => entry.score));
    const summary = scores.map((entry) => `${entry.task} ${entry.score.toFixed(2)}`).join(', ');
    if (best <= 0) return refuse(payload, summary);
    let winners = scores.filter((entry) => entry.score === best);
    if (winners.length > 1) {
      // A tie goes to the one task whose parser takes the input: a task whose detect claims
      // everything cannot take another task's inputs from it.
      const parsing = winners.filter((entry) => parses(specialists.get(entry.task)!, payload));
      if (parsing.length !== 1) throw new AmbiguousInputError({ candidates: (parsing.length > 1 ? parsing : winners).map((entry) => entry.task), value: payload });
      winners = parsing;
    }
    return { task: winners[0]!.task, score: best, reason: `detected (scores: ${summary})` };
  };
}

/**
 * One entry point for mixed requests: detection and routing on the solving engine, which loads
 * each specialist's model once on first use and batches every request for it continuously.
 */
export function createRouter(settings: RouterSettings): Router {
  const specialists = checkSettings(settings);
  // Checked once here, so a bad policy fails at start, not on the first request.
  const { signal: _signal, ...defaults } = (settings.defaults ?? {}) as SolveOptionsV1;
  resolveSolveOptions(defaults, 'defaults');
  const engine = createSolveEngine({ runtime: settings.runtime, ...settings.batching });
  const route = createRouting(specialists);
  let disposed = false;

  // What parse() returned: solve and solveMany take it as it is, without parsing it again.
  const parsedInputs = new WeakSet<object>();
  const parse = (input: unknown): RoutedInput => {
    if (typeof input === 'object' && input !== null && parsedInputs.has(input)) return input as RoutedInput;
    const decision = route(input);
    const routed = Object.freeze({ ...decision, input: specialists.get(decision.task)!.parseInput(splitRequest(input).payload) });
    parsedInputs.add(routed);
    return routed;
  };
  const checkOpen = () => {
    if (disposed) throw new InvalidInputError({ field: 'router', message: 'the router was disposed: create another' });
  };

  async function solveMany(inputs: readonly unknown[], options?: SolveManyOptionsV1<unknown>): Promise<RouterResult[]> {
    checkOpen();
    const call = resolveCall<unknown>(options, { many: true, defaults });
    const parsed = parseInputs(inputs, (input) => parse(input), (error, index) =>
      // A tie keeps its class and candidates, named by its index.
      AmbiguousInputError.isInstance(error) ? new AmbiguousInputError({ candidates: error.candidates, value: inputs[index], field: `[${index}].task` }) : undefined,
    );
    // One engine run per task, side by side, under one signal: the first failure stops them all.
    const controller = new AbortController();
    const onAbort = () => controller.abort(call.options.signal!.reason);
    call.options.signal?.addEventListener('abort', onAbort, { once: true });
    const shared = { ...call.options, signal: controller.signal };
    let failure: { error: unknown } | undefined;
    const byTask = new Map<string, number[]>();
    parsed.forEach((entry, index) => {
      const indices = byTask.get(entry.task);
      if (indices) indices.push(index);
      else byTask.set(entry.task, [index]);
    });
    const results: RouterResult[] = new Array(parsed.length);
    const answers: (SolveStepAnswer<unknown> | undefined)[] = new Array(parsed.length).fill(undefined);
    let step = 0;
    try {
      await Promise.all(
        [...byTask].map(async ([task, indices]) => {
          const onStep = call.onStep && ((event: { answers: readonly (SolveStepAnswer<unknown> | undefined)[] }) => {
            event.answers.forEach((answer, at) => (answers[indices[at]!] = answer));
            call.onStep!({ step: ++step, answers: answers.slice() });
          });
          try {
            const solved = await engine.run(specialists.get(task)!, indices.map((index) => parsed[index]!.input), { ...call, options: shared, onStep });
            solved.forEach((result, at) => (results[indices[at]!] = result));
          } catch (error) {
            failure ??= { error };
            controller.abort(error);
          }
        }),
      );
    } finally {
      call.options.signal?.removeEventListener('abort', onAbort);
    }
    if (failure) throw failure.error;
    return results;
  }

  return {
    tasks: [...specialists.keys()],
    describe: () =>
      [...specialists.values()].map((specialist) => ({
        task: specialist.task,
        modelId: specialist.modelId,
        inputJsonSchema: specialist.inputSchema ? z.toJSONSchema(specialist.inputSchema, { unrepresentable: 'any' }) : null,
      })),
    route,
    parse,
    async solve(input, options) {
      checkOpen();
      const call = resolveCall<unknown>(options, { many: false, defaults });
      const { task, input: parsed } = parse(input);
      const [result] = await engine.run(specialists.get(task)!, [parsed], call);
      return result!;
    },
    solveMany,
    async dispose() {
      disposed = true;
      // Requests still queued or running end with an AbortedError saying why; the models go once no step runs.
      await engine.dispose('the router was disposed');
    },
  };
}
