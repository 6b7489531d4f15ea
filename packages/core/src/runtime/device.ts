import { z } from 'zod';
import { UnsupportedDeviceError } from '../contracts/errors/unsupported-device-error';

/**
 * The device words every path takes (library runtimes, CLI, service, trainer): 'auto' uses the
 * GPU where it works and the CPU otherwise, 'cpu' the CPU, 'gpu' the GPU or a typed error.
 * In Node the GPU is CUDA; in the browser it is WebGPU and the CPU is WebAssembly.
 */
export const deviceSchema = z.enum(['auto', 'cpu', 'gpu']);
export type Device = z.infer<typeof deviceSchema>;

/** What every path uses when no device is given. */
export const defaultDevice: Device = 'auto';

/** The backend words each platform took before the shared ones, still accepted for the same meaning. */
export const deviceAliases = {
  node: { cuda: 'gpu' },
  web: { webgpu: 'gpu', wasm: 'cpu' },
} as const satisfies Record<string, Record<string, Device>>;

export type DevicePlatform = keyof typeof deviceAliases;
/** A device word a platform accepts: the shared words or one of its aliases. */
export type DeviceName<Platform extends DevicePlatform = DevicePlatform> = Device | keyof (typeof deviceAliases)[Platform];

/** Every word a platform accepts, shared words first. */
export function deviceNames(platform: DevicePlatform): readonly string[] {
  return [...deviceSchema.options, ...Object.keys(deviceAliases[platform])];
}

/**
 * A device word (or an alias of the platform) as its shared word; undefined is the default.
 * Anything else is an `UnsupportedDeviceError` (field `device`) listing the accepted words.
 */
export function parseDevice(value: unknown, platform: DevicePlatform): Device {
  if (value === undefined) return defaultDevice;
  const shared = deviceSchema.safeParse(value);
  if (shared.success) return shared.data;
  const aliases: Readonly<Record<string, Device>> = deviceAliases[platform];
  if (typeof value === 'string' && Object.hasOwn(aliases, value)) return aliases[value]!;
  const words = Object.keys(aliases);
  throw new UnsupportedDeviceError({
    device: String(value),
    supported: deviceNames(platform),
    message: `device "${String(value)}" is not a device word; use auto, cpu or gpu${words.length ? ` (also accepted here: ${words.map((word) => `${word} for ${aliases[word]}`).join(', ')})` : ''}`,
  });
}
