import { InvalidInputError } from '../errors/invalid-input-error';
import { ModelLoadError } from '../errors/model-load-error';
import type { ModelManifest } from '../manifest/model-manifest';
import { sha256Hex } from '../util/sha256';
import { createRandom } from '../util/random';
import type { StepInputV1 } from './inference-runtime';

/** Shared by runtimes: checks weights against the manifest's size and sha256. */
export async function verifyWeights(bytes: Uint8Array, manifest: ModelManifest, source: string): Promise<void> {
  const expected = manifest.weights[0]!;
  if (bytes.length !== expected.bytes) {
    throw new ModelLoadError({ source, message: `weights are ${bytes.length} bytes, the manifest says ${expected.bytes}`, field: 'weights' });
  }
  const actual = await sha256Hex(bytes);
  if (actual !== expected.sha256) {
    throw new ModelLoadError({ source, message: `weights sha256 ${actual} differs from the manifest's ${expected.sha256}`, field: 'weights' });
  }
}

/** The graph's `reset` input: 1 for slots that start fresh (no state, new slot, or asked to). */
export function resetFlags(input: StepInputV1): Float32Array {
  const previous = input.state;
  if (input.carry && input.carry.length !== input.batchSize) {
    throw new InvalidInputError({ field: 'carry', message: `expected one source slot per slot (${input.batchSize})`, value: input.carry.length });
  }
  const reset = new Float32Array(input.batchSize);
  for (let slot = 0; slot < input.batchSize; slot++) {
    const source = input.carry?.[slot] ?? slot;
    reset[slot] = !previous || source < 0 || source >= previous.batchSize || input.reset?.[slot] === 1 ? 1 : 0;
  }
  return reset;
}

/** True when the step keeps every slot where it was and the batch size unchanged: state goes straight back in. */
export function keepsSlots(input: StepInputV1): boolean {
  if (!input.state || input.state.batchSize !== input.batchSize) return false;
  return !input.carry || input.carry.every((source, slot) => source === slot);
}

/**
 * A [batchSize, ...] copy of a state tensor's data laid out for this step: each slot takes the row
 * of the slot it continues (`carry`, default the same slot); fresh slots are zero (the graph resets them).
 */
export function carriedStateData(source: Float32Array, previousBatchSize: number, input: StepInputV1): Float32Array {
  const perSlot = source.length / previousBatchSize;
  const data = new Float32Array(input.batchSize * perSlot);
  for (let slot = 0; slot < input.batchSize; slot++) {
    const from = input.carry?.[slot] ?? slot;
    if (from < 0 || from >= previousBatchSize || input.reset?.[slot] === 1) continue;
    data.set(source.subarray(from * perSlot, (from + 1) * perSlot), slot * perSlot);
  }
  return data;
}

/** Adds N(0, std[slot]^2) to each slot's part of a [batch, ...] state, in place. */
export function addStateNoise(data: Float32Array, batchSize: number, noise: { std: Float32Array; seed: number }): void {
  const perSlot = data.length / batchSize;
  const random = createRandom(noise.seed);
  for (let slot = 0; slot < batchSize; slot++) {
    const std = noise.std[slot] ?? 0;
    if (std <= 0) continue;
    const end = (slot + 1) * perSlot;
    for (let index = slot * perSlot; index < end; index += 2) {
      // Box-Muller: two normal samples per pair of uniforms.
      const radius = std * Math.sqrt(-2 * Math.log(1 - random.next()));
      const angle = 2 * Math.PI * random.next();
      data[index] += radius * Math.cos(angle);
      if (index + 1 < end) data[index + 1] += radius * Math.sin(angle);
    }
  }
}
