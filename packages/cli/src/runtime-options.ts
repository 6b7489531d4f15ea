import { parseDevice } from '@trm/core';
import { createNodeRuntime, maxThreads } from '@trm/runtime-node';
import { numberOption } from './arguments';

export const runtimeFlags = {
  device: { type: 'string' },
  threads: { type: 'string' },
} as const;

/**
 * The Node runtime for `--device` and `--threads`: the library's device words and default
 * ('auto': CUDA where it works, else the CPU; 'cuda' still means 'gpu'); another word is an
 * UnsupportedDeviceError naming `device`.
 */
export function runtimeFromFlags(values: Record<string, unknown>) {
  const device = parseDevice(values.device, 'node');
  const threads = values.threads === undefined ? undefined : numberOption(values, 'threads', 0, { integer: true, min: 1, max: maxThreads });
  return createNodeRuntime({ device, threads });
}
