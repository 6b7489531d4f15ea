import { TrmError } from './trm-error';

const marker = Symbol.for('trm.error.model-load');

/** Weights could not be read, failed their checksum, or the runtime refused them. */
export class ModelLoadError extends TrmError {
  private readonly [marker] = true;
  readonly source: string;

  constructor(options: { source: string; message: string; field?: string; cause?: unknown }) {
    super({ name: 'ModelLoadError', message: `${options.source}: ${options.message}`, field: options.field, cause: options.cause });
    this.source = options.source;
  }

  static isInstance(error: unknown): error is ModelLoadError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
