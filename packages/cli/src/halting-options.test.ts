import { describe, expect, it } from 'vitest';
import { parseCommandArguments } from './arguments';
import { haltingFlags, solveOptionsFromFlags } from './halting-options';

const optionsFrom = (argv: string[]) => solveOptionsFromFlags(parseCommandArguments(argv, haltingFlags).values).options;

describe('solve option flags', () => {
  it('state the range the library enforces, whether the value follows a space or "="', () => {
    for (const flag of ['--max-steps', '--min-steps', '--fixed-steps', '--verify-steps', '--patience']) {
      for (const value of ['-1', '0', '4097', '1.5']) {
        for (const argv of [[flag, value], [`${flag}=${value}`]]) {
          expect(() => optionsFrom(argv), `${argv.join(' ')}`).toThrow(expect.objectContaining({ name: 'InvalidInputError', field: flag, message: `${flag}: expected an integer >= 1 and <= 4096` }));
        }
      }
    }
    expect(() => optionsFrom(['--copies', '0'])).toThrow(expect.objectContaining({ field: '--copies', message: '--copies: expected an integer >= 1 and <= 1024' }));
    expect(() => optionsFrom(['--noise', '-0.5'])).toThrow(expect.objectContaining({ field: '--noise', message: '--noise: expected a number >= 0 and <= 100' }));
    expect(() => optionsFrom(['--seed', '-1'])).toThrow(expect.objectContaining({ field: '--seed', message: '--seed: expected an integer >= 0 and <= 4294967295' }));
  });

  it('take the bounds themselves, and a negative-looking value only where a flag expects one', () => {
    expect(optionsFrom(['--max-steps', '4096', '--min-steps', '1', '--copies', '1024', '--noise', '0.5', '--seed', '0'])).toEqual({ maxSteps: 4096, minSteps: 1, copies: 1024, noise: 0.5, seed: 0 });
    expect(optionsFrom(['--fixed-steps', '1'])).toEqual({ fixedSteps: 1 });
    // After "--" everything is positional, as parseArgs has it.
    expect(parseCommandArguments(['--', '--max-steps', '-1'], haltingFlags).positionals).toEqual(['--max-steps', '-1']);
  });
});
