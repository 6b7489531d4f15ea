const marker = Symbol.for('trm.error');

/** Base class of every error the SDK throws; `isInstance` works across duplicated copies of the package. */
export class TrmError extends Error {
  private readonly [marker] = true;
  /** Path of the offending field in the caller's input or manifest, when there is one. */
  readonly field: string | undefined;

  constructor(options: { name?: string; message: string; field?: string; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = options.name ?? 'TrmError';
    this.field = options.field;
  }

  static isInstance(error: unknown): error is TrmError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
