import { TrmError } from './trm-error';

/** The requested device or execution provider is not available in this runtime or on this machine. */
export class UnsupportedDeviceError extends TrmError {
  static override readonly kind: string = 'trm.error.unsupported-device';
  readonly device: string;
  readonly supported: readonly string[];

  constructor(options: { device: string; supported: readonly string[]; message?: string; cause?: unknown }) {
    super({
      name: 'UnsupportedDeviceError',
      field: 'device',
      message:
        options.message ??
        `device "${options.device}" is not available here; available: ${options.supported.join(', ') || 'none'}`,
      cause: options.cause,
    });
    this.device = options.device;
    this.supported = options.supported;
  }
}
