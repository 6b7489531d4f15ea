import { TrmError } from './trm-error';

/** The caller passed something the SDK cannot use; `field` names where. */
export class InvalidInputError extends TrmError {
  static override readonly kind: string = 'trm.error.invalid-input';
  /** A short, printable summary of the value that was refused. */
  readonly received: string;

  constructor(options: { field: string; message: string; value?: unknown; cause?: unknown }) {
    super({ name: 'InvalidInputError', message: `${options.field}: ${options.message}`, field: options.field, cause: options.cause });
    this.received = summarize(options.value);
  }
}

function summarize(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
