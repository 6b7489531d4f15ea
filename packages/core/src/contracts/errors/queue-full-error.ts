import { TrmError } from './trm-error';

/** A bounded request queue is full: the caller should retry later (HTTP 503). */
export class QueueFullError extends TrmError {
  static override readonly kind: string = 'trm.error.queue-full';
  readonly capacity: number;

  constructor(options: { capacity: number; message?: string }) {
    super({ name: 'QueueFullError', message: options.message ?? `the queue is full (${options.capacity} waiting requests)`, field: 'queue' });
    this.capacity = options.capacity;
  }
}
