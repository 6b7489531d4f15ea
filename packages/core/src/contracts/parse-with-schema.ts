import type { z } from 'zod';
import { InvalidInputError } from './errors/invalid-input-error';

/** Parses a public option with its zod schema; a bad value is an InvalidInputError naming `<field>.<path>`. */
export function parseWithSchema<Schema extends z.ZodType>(schema: Schema, value: unknown, field: string): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidInputError({ field: [field, ...(issue?.path ?? [])].join('.'), message: issue?.message ?? 'invalid', value, cause: result.error });
  }
  return result.data;
}
