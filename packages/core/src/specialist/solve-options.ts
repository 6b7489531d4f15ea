import { z } from 'zod';
import { InvalidInputError } from '../errors/invalid-input-error';
import type { Halting } from '../recursion/halting';
import { parseWithSchema } from '../util/parse-with-schema';

const steps = z.number().int().min(1).max(4096);

/**
 * The options every way of solving shares (solver, router, CLI flags, HTTP service), with one
 * meaning each. Unknown keys are refused, so a misspelt option never goes silently unused.
 */
export const solveOptionsSchema = z
  .strictObject({
    /** Step budget: adaptive halting (q_halt > 0) within it (default 16). */
    maxSteps: steps.optional(),
    /** Steps before the halting head may stop a sample (default 1). */
    minSteps: steps.optional(),
    /** Run exactly this many steps, ignoring the halting head (excludes the other step options). */
    fixedSteps: steps.optional(),
    /** Check answers with the task's rules while recursing: a verified answer stops at once, one that fails thinks on up to this many steps. */
    verifySteps: steps.optional(),
    /** Stop an answer that has not changed for this many steps without verifying. */
    patience: steps.optional(),
    /** Test-time augmentation: solve this many copies (the first unchanged, the rest augmented and/or noised); prefer one that verifies, else the most common. */
    copies: z.number().int().min(1).max(1024).optional(),
    /** Std of Gaussian noise on the latent state of every copy but the first (stochastic restarts). */
    noise: z.number().min(0).max(100).optional(),
    /** Seed of the augmentations and the noise; a request's copies follow it alone, whatever shares the batch. */
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'expected an AbortSignal').optional(),
  })
  .superRefine((options, context) => {
    if (options.fixedSteps !== undefined) {
      for (const key of ['maxSteps', 'minSteps', 'verifySteps', 'patience'] as const) {
        if (options[key] !== undefined) context.addIssue({ code: 'custom', path: [key], message: 'fixedSteps runs an exact number of steps: leave this out' });
      }
    }
    if (options.minSteps !== undefined && options.minSteps > (options.maxSteps ?? 16)) context.addIssue({ code: 'custom', path: ['minSteps'], message: `must be at most maxSteps (${options.maxSteps ?? 16})` });
    if (options.verifySteps !== undefined && options.minSteps !== undefined && options.verifySteps < options.minSteps) context.addIssue({ code: 'custom', path: ['verifySteps'], message: 'must be at least minSteps' });
  });

export type SolveOptionsV1 = z.input<typeof solveOptionsSchema>;

/** Checked options, and what they mean to the recursion. */
export interface ResolvedSolveOptions {
  readonly halting: Halting;
  /** Think-longer bound while the answer does not verify (adaptive only). */
  readonly verifySteps?: number;
  readonly copies: number;
  readonly noise: number;
  readonly seed: number;
  readonly signal?: AbortSignal;
}

/** Validates solve options (an InvalidInputError names the key), applying `defaults` under them. */
export function resolveSolveOptions(options: unknown, field = 'options', defaults: SolveOptionsV1 = {}): ResolvedSolveOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new InvalidInputError({ field, message: 'expected an object of solve options', value: options });
  }
  // Keys given as undefined fall back to the defaults, as absent ones do.
  const given = Object.fromEntries(Object.entries((options ?? {}) as Record<string, unknown>).filter(([, value]) => value !== undefined));
  const merged = given.fixedSteps !== undefined ? { ...given } : { ...defaults, ...given };
  const parsed = parseWithSchema(solveOptionsSchema, merged, field);
  const halting: Halting =
    parsed.fixedSteps !== undefined
      ? { mode: 'fixed', steps: parsed.fixedSteps }
      : { mode: 'adaptive', minSteps: parsed.minSteps ?? 1, maxSteps: parsed.maxSteps ?? 16, ...(parsed.patience !== undefined ? { patience: parsed.patience } : {}) };
  return { halting, verifySteps: parsed.verifySteps, copies: parsed.copies ?? 1, noise: parsed.noise ?? 0, seed: parsed.seed ?? 0, signal: parsed.signal };
}

/** The options as recorded with a measurement (a manifest's metric settings). */
export function describeSolveOptions(options: ResolvedSolveOptions): Record<string, string | number | boolean> {
  const { halting } = options;
  const settings: Record<string, string | number | boolean> =
    halting.mode === 'fixed' ? { halting: 'fixed', steps: halting.steps } : { halting: 'adaptive', minSteps: halting.minSteps, maxSteps: halting.maxSteps };
  if (halting.mode === 'adaptive' && halting.patience !== undefined) settings.patience = halting.patience;
  if (options.verifySteps !== undefined) settings.verifySteps = options.verifySteps;
  if (options.copies > 1) settings.copies = options.copies;
  if (options.noise > 0) settings.noise = options.noise;
  return settings;
}
