import { z } from 'zod';
import { InvalidInputError } from '../errors/invalid-input-error';

export const haltingSchema = z.discriminatedUnion('mode', [
  z.object({
    /** Each sample stops at the first step whose halting logit is > 0, within the bounds. */
    mode: z.literal('adaptive'),
    minSteps: z.number().int().min(1).default(1),
    maxSteps: z.number().int().min(1).max(1024).default(16),
  }),
  z.object({
    /** Every sample runs exactly `steps` supervision steps. */
    mode: z.literal('fixed'),
    steps: z.number().int().min(1).max(1024),
  }),
]);
export type HaltingInput = z.input<typeof haltingSchema>;
export type Halting = z.infer<typeof haltingSchema>;

export const defaultHalting: Halting = { mode: 'adaptive', minSteps: 1, maxSteps: 16 };

/**
 * Whether a sample stops after `step` steps: at q_halt > 0 once past minSteps (adaptive), or at
 * maxSteps; with a verifier, an accepted answer stops at once and an unaccepted one thinks on
 * up to verificationMaxSteps.
 */
export function stopDecision(options: {
  step: number;
  qHalt: number;
  adaptive: boolean;
  minSteps: number;
  maxSteps: number;
  accepted?: boolean;
  verificationMaxSteps?: number;
}): { done: boolean; halted: boolean } {
  const { step, qHalt, adaptive, minSteps, maxSteps, accepted, verificationMaxSteps } = options;
  const halted = adaptive && step >= minSteps && qHalt > 0;
  let done = halted || step >= maxSteps;
  if (accepted !== undefined && verificationMaxSteps !== undefined) {
    done = (accepted && step >= minSteps) || (done && step >= verificationMaxSteps);
  }
  return { done, halted };
}

/** Validates halting settings; a bad value is an InvalidInputError naming `halting.<field>`. */
export function parseHalting(input: HaltingInput | undefined): Halting {
  if (input === undefined) return defaultHalting;
  const result = haltingSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = ['halting', ...(issue?.path ?? [])].join('.');
    throw new InvalidInputError({ field, message: issue?.message ?? 'invalid', value: input, cause: result.error });
  }
  return result.data;
}
