import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ModelLoadError, type ModelSourceV1, parseModelManifest, sha256Hex } from '@trm/core';

const read = new WeakMap<ModelSourceV1, Promise<Uint8Array>>();

/**
 * The bytes of a model's first weight file, wherever its source keeps them, checked against the
 * manifest's sha256: read once per model, however many times a command needs them.
 */
export function modelBytes(source: ModelSourceV1, field = '--model'): Promise<Uint8Array> {
  let bytes = read.get(source);
  if (!bytes) {
    bytes = readNow(source, field);
    read.set(source, bytes);
  }
  return bytes;
}

async function readNow(source: ModelSourceV1, field: string): Promise<Uint8Array> {
  const weights = source.weights;
  const manifest = parseModelManifest(source.manifest);
  const file = manifest.weights[0]!;
  let bytes: Uint8Array;
  if (weights instanceof Uint8Array) bytes = weights;
  else if (typeof weights === 'function') bytes = await weights();
  else {
    const path = weights instanceof URL || weights.startsWith('file:') ? fileURLToPath(weights) : weights;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (error) {
      throw new ModelLoadError({ source: String(path), message: `cannot read weights: ${(error as Error).message}`, field, cause: error });
    }
  }
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== file.sha256) throw new ModelLoadError({ source: manifest.id, message: `weights sha256 ${sha256} differs from the manifest's ${file.sha256}`, field: `${field}: weights[0].sha256` });
  return bytes;
}
