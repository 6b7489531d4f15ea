import { type Architecture, type ModelManifest, type Recursion, createRandom } from '@trm/core';
import type { TrainingDataSource } from '../training/training-data-source';
import { createHash } from 'node:crypto';

/** A small architecture for tests: fast to export, run and differentiate. */
export function tinyArchitecture(overrides: Partial<Architecture> = {}): Architecture {
  return {
    family: 'trm',
    mixer: 'mlp',
    hiddenSize: 32,
    layers: 2,
    heads: 2,
    channelInnerSize: 64,
    sequenceInnerSize: 48,
    rmsNormEpsilon: 1e-5,
    ropeTheta: 10000,
    vocabularySize: 11,
    sequenceLength: 81,
    puzzleEmbeddingLength: 1,
    puzzleIdentifiers: 1,
    ...overrides,
  };
}

export function manifestFor(architecture: Architecture, recursion: Recursion, onnx: Uint8Array, task = 'test-task'): ModelManifest {
  return {
    specificationVersion: 'v1',
    id: `${task}:test-${architecture.mixer}`,
    task,
    architecture,
    recursion,
    vocabulary: { size: architecture.vocabularySize, labels: Array.from({ length: architecture.vocabularySize }, (_, index) => String(index)) },
    weights: [{ path: 'model.onnx', format: 'onnx', sha256: createHash('sha256').update(onnx).digest('hex'), bytes: onnx.length }],
    training: { engine: 'none', data: 'random init', steps: 0, examples: 0, seed: 1, commit: 'test', wallSeconds: 0, command: 'test', hyperparameters: {} },
    metrics: [],
    createdAt: new Date(0).toISOString(),
  };
}

/** Noisy copy task: the answer is the input with about half its cells blanked (token 1). */
export function noisyCopy(seed: number): TrainingDataSource {
  const random = createRandom(seed);
  return {
    description: 'noisy copy',
    next() {
      const labels = Int32Array.from({ length: 81 }, () => 2 + random.int(9));
      return { tokens: Int32Array.from(labels, (label) => (random.next() < 0.5 ? 1 : label)), labels };
    },
  };
}
