import { z } from 'zod';
import { parseWithSchema } from '../util/parse-with-schema';

export const haltingSchema = z.discriminatedUnion('mode', [
  z.object({
    /** Each sample stops at the first step whose halting logit is > 0, within the bounds. */
    mode: z.literal('adaptive'),
    minSteps: z.number().int().min(1).default(1),
    maxSteps: z.number().int().min(1).max(1024).default(16),
    /**
     * Also stop a sample whose answer has not changed for this many steps (and did not verify):
     * a frozen answer gains nothing from more steps. Off when absent.
     */
    patience: z.number().int().min(1).max(1024).optional(),
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
 * up to verificationMaxSteps. With `patience`, an unaccepted answer that has been the same for
 * `patience` steps before this one stops too (converged).
 */
export function stopDecision(options: {
  step: number;
  qHalt: number;
  adaptive: boolean;
  minSteps: number;
  maxSteps: number;
  accepted?: boolean;
  verificationMaxSteps?: number;
  patience?: number;
  /** How many steps in a row before this one gave this very answer. */
  unchangedSteps?: number;
}): { done: boolean; halted: boolean; converged: boolean } {
  const { step, qHalt, adaptive, minSteps, maxSteps, accepted, verificationMaxSteps, patience, unchangedSteps = 0 } = options;
  const halted = adaptive && step >= minSteps && qHalt > 0;
  let done = halted || step >= maxSteps;
  if (accepted !== undefined && verificationMaxSteps !== undefined) {
    done = (accepted && step >= minSteps) || (done && step >= verificationMaxSteps);
  }
  const converged = !done && adaptive && patience !== undefined && step >= minSteps && unchangedSteps >= patience;
  return { done: done || converged, halted, converged };
}

/** Counts how long an answer has stayed the same: the run length after this step. */
export function unchangedAfter(previous: Int32Array | undefined, current: Int32Array, unchangedSteps: number): number {
  if (!previous || previous.length !== current.length) return 0;
  for (let index = 0; index < current.length; index++) if (previous[index] !== current[index]) return 0;
  return unchangedSteps + 1;
}

/** Validates halting settings; a bad value is an InvalidInputError naming `halting.<field>`. */
export function parseHalting(input: HaltingInput | undefined): Halting {
  if (input === undefined) return defaultHalting;
  return parseWithSchema(haltingSchema, input, 'halting');
}
