import { TrmError } from './trm-error';

/** A model manifest failed validation or does not match its weights. */
export class ManifestError extends TrmError {
  static override readonly kind: string = 'trm.error.manifest';

  constructor(options: { message: string; field?: string; cause?: unknown }) {
    super({ name: 'ManifestError', ...options });
  }
}
