import { TrmError } from './trm-error';

/** The caller's AbortSignal fired before the work finished. */
export class AbortedError extends TrmError {
  static override readonly kind: string = 'trm.error.aborted';

  constructor(options: { cause?: unknown } = {}) {
    super({ name: 'AbortedError', message: 'the operation was aborted', cause: options.cause });
  }
}
