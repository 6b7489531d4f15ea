import type { ModelSourceV1 } from '@trm/core';
import { readModelWeights } from '@trm/runtime-node';

const read = new WeakMap<ModelSourceV1, Promise<Uint8Array>>();

/** A model's weight bytes, read and checked by the runtime's own reader once per model, however many times a command needs them. */
export function modelBytes(source: ModelSourceV1): Promise<Uint8Array> {
  let bytes = read.get(source);
  if (!bytes) {
    bytes = readModelWeights(source);
    read.set(source, bytes);
  }
  return bytes;
}
