import { TrmError } from './trm-error';

const marker = Symbol.for('trm.error.manifest');

/** A model manifest failed validation or does not match its weights. */
export class ManifestError extends TrmError {
  private readonly [marker] = true;

  constructor(options: { message: string; field?: string; cause?: unknown }) {
    super({ name: 'ManifestError', ...options });
  }

  static isInstance(error: unknown): error is ManifestError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
