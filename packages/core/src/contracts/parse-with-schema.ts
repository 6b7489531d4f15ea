import type { z } from 'zod';
import { InvalidInputError } from './errors/invalid-input-error';

/** Parses a public option with its zod schema; a bad value is an InvalidInputError naming `<field>.<path>`. */
export function parseWithSchema<Schema extends z.ZodType>(schema: Schema, value: unknown, field: string): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    // Zod quotes the keys it refuses ('Unrecognized key: "..."') and paths hold the caller's keys:
    // both are cut, so a megabyte-long key is never sent back in an error.
    const path = (issue?.path ?? []).map((segment) => clip(String(segment), 60));
    throw new InvalidInputError({ field: [field, ...path].join('.'), message: clip(issue?.message ?? 'invalid', 200), value, cause: result.error });
  }
  return result.data;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
