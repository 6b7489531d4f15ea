import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidInputError } from '@trm/core';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors that name the flag. */
export function parseCommandArguments<T extends OptionSpec>(argv: string[], options: T) {
  // parseArgs takes the "-1" of "--max-steps -1" for a flag and calls it ambiguous; no flag is a
  // digit, so it is the value, and reaches the flag's range check ("expected an integer >= 1").
  const args: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') {
      args.push(...argv.slice(index));
      break;
    }
    const next = argv[index + 1];
    if (arg.startsWith('--') && options[arg.slice(2)]?.type === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      args.push(`${arg}=${next}`);
      index++;
    } else args.push(arg);
  }
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true } as const);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const flag = /'(-{1,2}[\w-]+)/.exec(message)?.[1] ?? 'arguments';
    throw new InvalidInputError({ field: flag, message, cause: error });
  }
}

export function numberOption(values: Record<string, unknown>, name: string, fallback: number, check: { integer?: boolean; min?: number; max?: number } = {}): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  // Decimal only: Number() would read "0x10" as 16 and "" as 0.
  const value = typeof raw === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw.trim()) ? Number(raw) : typeof raw === 'number' ? raw : Number.NaN;
  const min = check.min ?? -Infinity;
  const max = check.max ?? Infinity;
  if (!Number.isFinite(value) || (check.integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new InvalidInputError({
      field: `--${name}`,
      message: `expected ${check.integer ? 'an integer' : 'a number'}${Number.isFinite(min) ? ` >= ${min}` : ''}${Number.isFinite(max) ? `${Number.isFinite(min) ? ' and' : ''} <= ${max}` : ''}`,
      value: raw,
    });
  }
  return value;
}
