import { TrmError } from './trm-error';

/** The runtime failed while running a step (the backend's own message is kept in `cause`). */
export class RuntimeError extends TrmError {
  static override readonly kind: string = 'trm.error.runtime';

  constructor(options: { message: string; field?: string; cause?: unknown }) {
    super({ name: 'RuntimeError', ...options });
  }
}
