import { InvalidInputError } from '../contracts/errors/invalid-input-error';

const methods = ['parseInput', 'detect', 'encode', 'decode', 'verify', 'formatAnswer'] as const;

/** A specialist as the solver and router need it; anything else is an InvalidInputError naming the field. */
export function checkSpecialist(value: unknown, field: string): void {
  if (typeof value !== 'object' || value === null) throw new InvalidInputError({ field, message: 'expected a specialist (the default instance of a task package, or createSpecialist(task, model))', value });
  const specialist = value as Record<string, unknown>;
  if (specialist.specificationVersion !== 'v1') throw new InvalidInputError({ field: `${field}.specificationVersion`, message: "expected 'v1'", value: specialist.specificationVersion });
  if (typeof specialist.task !== 'string') throw new InvalidInputError({ field: `${field}.task`, message: 'expected the task name', value: specialist.task });
  for (const method of methods) {
    if (typeof specialist[method] !== 'function') throw new InvalidInputError({ field: `${field}.${method}`, message: 'expected a function', value: specialist[method] });
  }
  if (typeof specialist.model !== 'object' || specialist.model === null) throw new InvalidInputError({ field: `${field}.model`, message: 'expected { manifest, weights }', value: specialist.model });
}

/** A runtime (an object with `load`), else an InvalidInputError naming the field. */
export function checkRuntime(value: unknown, field: string): void {
  if (typeof value !== 'object' || value === null || typeof (value as { load?: unknown }).load !== 'function') {
    throw new InvalidInputError({ field, message: 'expected a runtime (e.g. createNodeRuntime() or createWebRuntime())', value });
  }
}

/** Refuses keys a settings object does not take, naming the key (a misspelt setting never goes silently unused). */
export function checkSettingKeys(settings: object, known: readonly string[], field: string, hints: Readonly<Record<string, string>> = {}): void {
  for (const key of Object.keys(settings)) {
    if (!known.includes(key)) {
      throw new InvalidInputError({ field: field ? `${field}.${key}` : key, message: `unknown setting; expected ${known.join(', ')}${Object.hasOwn(hints, key) ? ` (${hints[key]})` : ''}`, value: (settings as Record<string, unknown>)[key] });
    }
  }
}
