import { z } from 'zod';

/** One bound for every step count, on every path (solver, router, CLI, service, recursion loop). */
export const maxStepCount = 4096;
export const stepCountSchema = z.number().int().min(1).max(maxStepCount);

/**
 * The options every way of solving shares (solver, router, CLI flags, HTTP service), with one
 * meaning each. Unknown keys are refused, so a misspelt option never goes silently unused.
 */
export const solveOptionsSchema = z
  .strictObject({
    /** Step budget: adaptive halting (q_halt > 0) within it (default 16). */
    maxSteps: stepCountSchema.optional(),
    /** Steps before the halting head may stop a sample (default 1). */
    minSteps: stepCountSchema.optional(),
    /** Run exactly this many steps, ignoring the halting head (excludes the other step options). */
    fixedSteps: stepCountSchema.optional(),
    /** Check answers with the task's rules while recursing: a verified answer stops at once, one that fails thinks on up to this many steps. */
    verifySteps: stepCountSchema.optional(),
    /** Stop an answer that has not changed for this many steps without verifying. */
    patience: stepCountSchema.optional(),
    /** Test-time augmentation: solve this many copies (the first unchanged, the rest augmented and/or noised); prefer one that verifies, else the most common. */
    copies: z.number().int().min(1).max(1024).optional(),
    /** Std of Gaussian noise on the latent state of every copy but the first (stochastic restarts). */
    noise: z.number().min(0).max(100).optional(),
    /** Seed of the augmentations and the noise; a request's copies follow it alone, whatever shares the batch. */
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    /**
     * Search on the task's candidate sets (tasks that declare a domain): where the network's answer
     * does not verify, narrow by the rules and branch on a position with few candidates, in the
     * network's order, up to this many network steps per input; past it the result abstains.
     * Default: the manifest's `search.steps` (a model that searches by default), candidate models
     * 2000. 0: the network alone, for a token model that would search by default.
     */
    searchSteps: z.number().int().min(0).max(1_000_000).optional(),
    /**
     * Candidate models in a search: a candidate whose keep probability is under this is dropped
     * (default: the manifest's `search.keepThreshold`, else 0.1). Lower drops less (more branching,
     * fewer dead ends from wrong drops).
     */
    keepThreshold: z.number().gt(0).lt(1).optional(),
    /**
     * In a search: a state's likeliest child is ordered by the scores of the network step above it
     * instead of running one, so the network runs again only after a dead end (default: the
     * manifest's `search.dive`, else false). Cheaper where the rules seldom dead-end.
     */
    dive: z.boolean().optional(),
    signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'expected an AbortSignal').optional(),
  })
  .superRefine((options, context) => {
    if (options.fixedSteps !== undefined) {
      for (const key of ['maxSteps', 'minSteps', 'verifySteps', 'patience'] as const) {
        if (options[key] !== undefined) context.addIssue({ code: 'custom', path: [key], message: 'fixedSteps runs an exact number of steps: leave this out' });
      }
    }
    if (options.searchSteps !== undefined && options.searchSteps > 0 && (options.copies ?? 1) > 1) context.addIssue({ code: 'custom', path: ['copies'], message: 'a search solves one copy: leave copies out with searchSteps' });
    if (options.minSteps !== undefined && options.minSteps > (options.maxSteps ?? 16)) context.addIssue({ code: 'custom', path: ['minSteps'], message: `must be at most maxSteps (${options.maxSteps ?? 16})` });
    if (options.verifySteps !== undefined && options.minSteps !== undefined && options.verifySteps < options.minSteps) context.addIssue({ code: 'custom', path: ['verifySteps'], message: 'must be at least minSteps' });
  });

export type SolveOptionsV1 = z.input<typeof solveOptionsSchema>;

/** Options of one call of `solve`: the shared ones, plus a per-step callback. */
export interface SolveCallOptionsV1<Answer = unknown> extends SolveOptionsV1 {
  /**
   * Called after every step the call runs, with each input's current answer (streamed through
   * the same batches as every other request: it changes no scheduling).
   */
  readonly onStep?: (event: SolveStepEvent<Answer>) => void;
}

/** Options of one call of `solveMany`. */
export interface SolveManyOptionsV1<Answer = unknown> extends SolveCallOptionsV1<Answer> {
  /** Samples run together in one step (default 64). */
  readonly batchSize?: number;
  /**
   * 'continuous' (default): a sample that stops leaves at once and the next input takes its slot.
   * 'static': a batch runs until its last sample stops, then the next batch starts (the baseline
   * continuous batching is measured against).
   */
  readonly scheduling?: 'continuous' | 'static';
}

/** One input's current answer during a call (its chosen copy so far). */
export interface SolveStepAnswer<Answer = unknown> {
  readonly value: Answer;
  readonly answer: string;
  readonly tokenConfidence: Float32Array;
  readonly confidence: number;
  /** Supervision steps of this copy so far. */
  readonly steps: number;
  /** True once every copy of this input has stopped. */
  readonly done: boolean;
  /**
   * With `searchSteps`: per position, the tokens the state being searched still allows (their
   * names joined, e.g. "379": pencil marks), and the branch points and dead ends so far.
   */
  readonly candidates?: readonly string[];
  readonly branches?: number;
  readonly deadEnds?: number;
}

export interface SolveStepEvent<Answer = unknown> {
  /**
   * 1-based count of this call's events: one after every step of each batch the call runs in
   * (inputs that share one batch, as a single solve's copies do: the steps it has run).
   */
  readonly step: number;
  /** Per input of the call, in order: its current answer; undefined until it has run a step. */
  readonly answers: readonly (SolveStepAnswer<Answer> | undefined)[];
}

/** One result of solving, the same from the solver, the router, the CLI and the HTTP service. */
export interface SolveResultV1<Answer = unknown> {
  readonly task: string;
  readonly modelId: string;
  /** The answer in the task's printable form (one line, as in its data files). */
  readonly answer: string;
  /** The answer as the task's typed value (e.g. digits, grid cells). */
  readonly value: Answer;
  /** Supervision steps of the copy whose answer was chosen. */
  readonly steps: number;
  /** True only when the task's verifier accepted the answer for this very input. */
  readonly verified: boolean;
  /** True when the halting head stopped the recursion (rather than the step bound or the verifier). */
  readonly halted: boolean;
  /** True when `patience` stopped it: the answer had stopped changing without verifying. */
  readonly converged: boolean;
  /** sigmoid(q_halt) at the last step. */
  readonly confidence: number;
  readonly tokenConfidence: Float32Array;
  /**
   * With `searchSteps`: true when the budget ran out before an answer verified. The answer is then
   * the network's last guess, never offered as right (`verified` is false), and `candidates`
   * holds what the search had left.
   */
  readonly abstained?: boolean;
  /** With an abstention: per position, the tokens still possible (their names joined, e.g. "379"). */
  readonly candidates?: readonly string[];
  /** How the answer was obtained and what it cost. */
  readonly cost: {
    /** With `searchSteps`: the search's branch points, states it found contradictory, and states the network ran on. */
    readonly branches?: number;
    readonly deadEnds?: number;
    readonly nodes?: number;
    /**
     * With `searchSteps` and a candidate model: candidates the network dropped, and states whose
     * drops led nowhere and were split again without them (the cost of a wrong drop).
     */
    readonly eliminations?: number;
    readonly fallbacks?: number;
    /** Copies solved (1 without test-time augmentation). */
    readonly copies: number;
    /** Copies whose answer verified. */
    readonly verifiedCopies: number;
    /** Supervision steps summed over the copies: the compute spent on this request. */
    readonly sampleSteps: number;
  };
}
