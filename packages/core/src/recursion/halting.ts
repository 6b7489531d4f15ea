import { z } from 'zod';

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
