import { TrmError } from './trm-error';

/** Weights could not be read, failed their checksum, or the runtime refused them. */
export class ModelLoadError extends TrmError {
  static override readonly kind: string = 'trm.error.model-load';
  readonly source: string;

  constructor(options: { source: string; message: string; field?: string; cause?: unknown }) {
    super({ name: 'ModelLoadError', message: `${options.source}: ${options.message}`, field: options.field, cause: options.cause });
    this.source = options.source;
  }
}
