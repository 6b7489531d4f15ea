import type { Architecture } from '../contracts/manifest/architecture';
import type { ModelManifest } from '../contracts/manifest/model-manifest';

/** A valid manifest for tests of code that never reads the weights. */
export function testManifest(architecture: Partial<Architecture> = {}): ModelManifest {
  const vocabularySize = architecture.vocabularySize ?? 11;
  return {
    specificationVersion: 'v1',
    id: 'test:mock',
    task: 'test',
    architecture: {
      family: 'trm',
      mixer: 'mlp',
      hiddenSize: 8,
      layers: 2,
      heads: 1,
      channelInnerSize: 16,
      sequenceInnerSize: 16,
      rmsNormEpsilon: 1e-5,
      ropeTheta: 10000,
      vocabularySize,
      sequenceLength: 81,
      puzzleEmbeddingLength: 1,
      puzzleIdentifiers: 1,
      ...architecture,
    },
    recursion: { latentSteps: 2, cycles: 2, maxSupervisionSteps: 16 },
    vocabulary: { size: vocabularySize, labels: Array.from({ length: vocabularySize }, (_, index) => String(index)) },
    weights: [{ path: 'model.onnx', format: 'onnx', sha256: '0'.repeat(64), bytes: 1 }],
    training: { engine: 'none', data: 'none', steps: 0, examples: 0, seed: 0, commit: 'none', wallSeconds: 0, command: 'none', hyperparameters: {} },
    metrics: [],
    createdAt: new Date(0).toISOString(),
  };
}
