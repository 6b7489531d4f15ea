import { InvalidInputError } from '@trm/core';

const marker = Symbol.for('trm.error.ambiguous-input');

/** Two or more specialists accept an input equally well; name the task explicitly. */
export class AmbiguousInputError extends InvalidInputError {
  private readonly [marker] = true;
  readonly candidates: readonly string[];

  constructor(options: { candidates: readonly string[]; value: unknown }) {
    super({
      field: 'task',
      message: `the input fits ${options.candidates.join(' and ')} equally; pass { task, input } to choose`,
      value: options.value,
    });
    this.name = 'AmbiguousInputError';
    this.candidates = options.candidates;
  }

  static isInstance(error: unknown): error is AmbiguousInputError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
