export { TrmError } from './trm-error';
export { InvalidInputError } from './invalid-input-error';
export { ManifestError } from './manifest-error';
export { ModelLoadError } from './model-load-error';
export { UnsupportedDeviceError } from './unsupported-device-error';
export { RuntimeError } from './runtime-error';
export { AbortedError } from './aborted-error';
export { QueueFullError } from './queue-full-error';
