import { InvalidInputError } from '@trm/core';

/** Two or more specialists accept an input equally well; name the task explicitly. */
export class AmbiguousInputError extends InvalidInputError {
  static override readonly kind: string = 'trm.error.ambiguous-input';
  readonly candidates: readonly string[];

  constructor(options: { candidates: readonly string[]; value: unknown; field?: string }) {
    super({
      field: options.field ?? 'task',
      message: `the input fits ${options.candidates.join(' and ')} equally; pass { task, input } to choose`,
      value: options.value,
    });
    this.name = 'AmbiguousInputError';
    this.candidates = options.candidates;
  }
}
