import type { HaltingInput } from '@trm/core';
import { numberOption } from './arguments';

export const haltingFlags = {
  'max-steps': { type: 'string' },
  'min-steps': { type: 'string' },
  'fixed-steps': { type: 'string' },
  'verify-steps': { type: 'string' },
  patience: { type: 'string' },
  copies: { type: 'string' },
  noise: { type: 'string' },
  seed: { type: 'string' },
} as const;

/**
 * --verify-steps N: check answers with the rules while recursing, stop when one verifies, and
 * think on up to N steps when it does not. --patience P: stop an answer that has not changed for
 * P steps without verifying. --copies K: test-time augmentation with K copies;
 * --noise S adds latent noise of std S to every copy but the first (stochastic restarts).
 */
export function inferenceFromFlags(values: Record<string, unknown>) {
  const verifySteps = values['verify-steps'] === undefined ? undefined : numberOption(values, 'verify-steps', 16, { integer: true, min: 1 });
  return {
    halting: haltingFromFlags(values),
    verify: verifySteps === undefined ? undefined : { maxSteps: verifySteps },
    copies: numberOption(values, 'copies', 1, { integer: true, min: 1 }),
    noise: numberOption(values, 'noise', 0, { min: 0 }),
    seed: numberOption(values, 'seed', 0, { integer: true }),
  };
}

/** The inference settings as recorded with a measurement. */
export function describeInference(inference: ReturnType<typeof inferenceFromFlags>): Record<string, string | number | boolean> {
  const { halting, verify, copies, noise } = inference;
  const settings: Record<string, string | number | boolean> =
    halting.mode === 'fixed' ? { halting: 'fixed', steps: halting.steps } : { halting: 'adaptive', minSteps: halting.minSteps ?? 1, maxSteps: halting.maxSteps ?? 16 };
  if (halting.mode === 'adaptive' && halting.patience !== undefined) settings.patience = halting.patience;
  if (verify) settings.verifySteps = verify.maxSteps;
  if (copies > 1) settings.copies = copies;
  if (noise > 0) settings.noise = noise;
  return settings;
}

/** --fixed-steps N runs exactly N steps; otherwise adaptive halting within --min-steps/--max-steps. */
export function haltingFromFlags(values: Record<string, unknown>): HaltingInput {
  if (values['fixed-steps'] !== undefined) return { mode: 'fixed', steps: numberOption(values, 'fixed-steps', 16, { integer: true, min: 1 }) };
  return {
    mode: 'adaptive',
    minSteps: numberOption(values, 'min-steps', 1, { integer: true, min: 1 }),
    maxSteps: numberOption(values, 'max-steps', 16, { integer: true, min: 1 }),
    ...(values.patience === undefined ? {} : { patience: numberOption(values, 'patience', 4, { integer: true, min: 1 }) }),
  };
}
