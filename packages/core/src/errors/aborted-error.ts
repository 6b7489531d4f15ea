import { TrmError } from './trm-error';

const marker = Symbol.for('trm.error.aborted');

/** The caller's AbortSignal fired before the work finished. */
export class AbortedError extends TrmError {
  private readonly [marker] = true;

  constructor(options: { cause?: unknown } = {}) {
    super({ name: 'AbortedError', message: 'the operation was aborted', cause: options.cause });
  }

  static isInstance(error: unknown): error is AbortedError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
