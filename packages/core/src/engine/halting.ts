import { z } from 'zod';
import { stepCountSchema } from '../contracts/solve-options';
import { parseWithSchema } from '../contracts/parse-with-schema';

/** The halting of the low-level recursion loop (`runRecursion`); the solve options map onto it. */
export const haltingSchema = z.discriminatedUnion('mode', [
  z.object({
    /** Each sample stops at the first step whose halting logit is > 0, within the bounds. */
    mode: z.literal('adaptive'),
    minSteps: stepCountSchema.default(1),
    maxSteps: stepCountSchema.default(16),
    /**
     * Also stop a sample whose answer has not changed for this many steps (and did not verify):
     * a frozen answer gains nothing from more steps. Off when absent.
     */
    patience: stepCountSchema.optional(),
  }),
  z.object({
    /** Every sample runs exactly `steps` supervision steps. */
    mode: z.literal('fixed'),
    steps: stepCountSchema,
  }),
]);
export type HaltingInput = z.input<typeof haltingSchema>;
export type Halting = z.infer<typeof haltingSchema>;

export const defaultHalting: Halting = { mode: 'adaptive', minSteps: 1, maxSteps: 16 };

/** Validates halting settings; a bad value is an InvalidInputError naming `halting.<field>`. */
export function parseHalting(input: HaltingInput | undefined): Halting {
  if (input === undefined) return defaultHalting;
  return parseWithSchema(haltingSchema, input, 'halting');
}
