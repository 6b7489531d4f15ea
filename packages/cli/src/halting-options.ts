import { InvalidInputError, type ModelManifest, type ResolvedSolveOptions, type SolveOptionsV1, describeSolveOptions, resolveSolveOptions, solveOptionsSchema } from '@trm/core';
import { numberOption } from './arguments';

/** The solve options as flags: one name each, the same meaning as in the solver, router and service. */
export const haltingFlags = {
  'max-steps': { type: 'string' },
  'min-steps': { type: 'string' },
  'fixed-steps': { type: 'string' },
  'verify-steps': { type: 'string' },
  patience: { type: 'string' },
  copies: { type: 'string' },
  noise: { type: 'string' },
  seed: { type: 'string' },
  'search-steps': { type: 'string' },
  'keep-threshold': { type: 'string' },
  dive: { type: 'boolean' },
  'no-dive': { type: 'boolean' },
} as const;

const flagOf = { maxSteps: '--max-steps', minSteps: '--min-steps', fixedSteps: '--fixed-steps', verifySteps: '--verify-steps', patience: '--patience', copies: '--copies', noise: '--noise', seed: '--seed', searchSteps: '--search-steps', keepThreshold: '--keep-threshold' } as const;

/**
 * --max-steps N: adaptive halting within N steps; --fixed-steps N: exactly N. --verify-steps N:
 * check answers with the rules while recursing, stop when one verifies, think on up to N steps
 * when it does not. --patience P: stop an answer that has not changed for P steps. --copies K:
 * test-time augmentation; --noise S: latent noise on every copy but the first; --seed.
 * --search-steps N: search the task's candidate sets (narrow, branch) up to N network steps per
 * input, abstaining past it. --keep-threshold P: a candidate model's search drops candidates kept
 * with probability under P (default: the manifest's search.keepThreshold, else 0.1). --dive /
 * --no-dive: follow a network step's scores down, stepping again only after a dead end (default:
 * the manifest's search.dive).
 */
export function solveOptionsFromFlags(values: Record<string, unknown>): { options: SolveOptionsV1; resolved: ResolvedSolveOptions } {
  // Each flag is checked against the library's own bounds (read from its schema), so a message
  // states the range the solver accepts (1-4096 for steps) and cannot drift from it.
  const read = (key: keyof typeof flagOf) => {
    const flag = flagOf[key].slice(2);
    if (values[flag] === undefined) return undefined;
    const bounds = solveOptionsSchema.shape[key].unwrap();
    // Bounds the schema states as exclusive (0 < keepThreshold < 1) are checked by the schema itself.
    return numberOption(values, flag, 0, { integer: bounds.isInt, min: bounds.minValue ?? -Infinity, max: bounds.maxValue ?? Infinity });
  };
  const options: SolveOptionsV1 = Object.fromEntries(
    (Object.keys(flagOf) as (keyof typeof flagOf)[]).map((key) => [key, read(key)] as const).filter(([, value]) => value !== undefined),
  );
  if (values.dive === true && values['no-dive'] === true) throw new InvalidInputError({ field: '--dive', message: 'give --dive or --no-dive, not both' });
  if (values.dive === true || values['no-dive'] === true) options.dive = values.dive === true;
  try {
    return { options, resolved: resolveSolveOptions(options, 'flags') };
  } catch (error) {
    if (!InvalidInputError.isInstance(error)) throw error;
    // Name the flag, not the option key behind it.
    const key = (error.field ?? '').replace(/^flags\.?/, '') as keyof typeof flagOf;
    throw new InvalidInputError({ field: flagOf[key] ?? 'flags', message: error.message.replace(/^[^:]*: /, ''), value: options[key], cause: error });
  }
}

/** The inference settings as recorded with a measurement. */
export function describeInference(resolved: ResolvedSolveOptions, manifest?: ModelManifest): Record<string, string | number | boolean> {
  return describeSolveOptions(resolved, manifest);
}
