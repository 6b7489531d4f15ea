import { TrmError } from '@trm/core';

/**
 * Training produced a non-finite loss or weight (too high a learning rate, usually). Nothing
 * non-finite is checkpointed or exported: the last checkpoint written is the last good one.
 */
export class TrainingDivergedError extends TrmError {
  static override readonly kind: string = 'trm.error.training-diverged';
  /** The optimizer step that produced the value. */
  readonly step: number;

  constructor(options: { step: number; message: string; field?: string; cause?: unknown }) {
    super({ name: 'TrainingDivergedError', message: `step ${options.step}: ${options.message}`, field: options.field, cause: options.cause });
    this.step = options.step;
  }
}
