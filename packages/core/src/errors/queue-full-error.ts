import { TrmError } from './trm-error';

const marker = Symbol.for('trm.error.queue-full');

/** A bounded request queue is full: the caller should retry later (HTTP 503). */
export class QueueFullError extends TrmError {
  private readonly [marker] = true;
  readonly capacity: number;

  constructor(options: { capacity: number; message?: string }) {
    super({ name: 'QueueFullError', message: options.message ?? `the queue is full (${options.capacity} waiting requests)`, field: 'queue' });
    this.capacity = options.capacity;
  }

  static isInstance(error: unknown): error is QueueFullError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
