import { InvalidInputError } from '@trm/core';
import { createNodeRuntime, maxThreads, type NodeDevice } from '@trm/runtime-node';
import { numberOption } from './arguments';

export const runtimeFlags = {
  device: { type: 'string' },
  threads: { type: 'string' },
} as const;

export function runtimeFromFlags(values: Record<string, unknown>) {
  const device = (values.device ?? 'cpu') as NodeDevice;
  if (!['auto', 'cpu', 'cuda'].includes(device)) throw new InvalidInputError({ field: '--device', message: 'expected auto, cpu or cuda', value: device });
  const threads = values.threads === undefined ? undefined : numberOption(values, 'threads', 0, { integer: true, min: 1, max: maxThreads });
  return createNodeRuntime({ device, intraOpThreads: threads });
}
