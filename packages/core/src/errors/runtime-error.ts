import { TrmError } from './trm-error';

const marker = Symbol.for('trm.error.runtime');

/** The runtime failed while running a step (the backend's own message is kept in `cause`). */
export class RuntimeError extends TrmError {
  private readonly [marker] = true;

  constructor(options: { message: string; field?: string; cause?: unknown }) {
    super({ name: 'RuntimeError', ...options });
  }

  static isInstance(error: unknown): error is RuntimeError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
