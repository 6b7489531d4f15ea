import type { HaltingInput } from '@trm/core';
import { numberOption } from './arguments';

export const haltingFlags = {
  'max-steps': { type: 'string' },
  'min-steps': { type: 'string' },
  'fixed-steps': { type: 'string' },
} as const;

/** --fixed-steps N runs exactly N steps; otherwise adaptive halting within --min-steps/--max-steps. */
export function haltingFromFlags(values: Record<string, unknown>): HaltingInput {
  if (values['fixed-steps'] !== undefined) return { mode: 'fixed', steps: numberOption(values, 'fixed-steps', 16, { integer: true, min: 1 }) };
  return {
    mode: 'adaptive',
    minSteps: numberOption(values, 'min-steps', 1, { integer: true, min: 1 }),
    maxSteps: numberOption(values, 'max-steps', 16, { integer: true, min: 1 }),
  };
}
