import { type Architecture, InvalidInputError, type ModelManifest } from '@trm/core';
import { type ParameterValues, trmParameterSpecs } from '../network/trm-parameters';
import { readOnnxInitializers } from './read-onnx';

/**
 * A trained model's weights (its ONNX initializers) as trainer parameters for `architecture`,
 * which may name other puzzles than the model: each puzzle of `puzzleNames` takes the embedding of
 * the same-named one if the model has it, else the model's unseen-puzzle embedding (row 0). Used
 * to adapt a model to new tasks and to train on from a shipped model.
 */
export function parametersFromModel(options: { manifest: ModelManifest; weights: Uint8Array; architecture: Architecture; puzzleNames?: readonly string[] }): ParameterValues {
  const { manifest, architecture } = options;
  const initializers = readOnnxInitializers(options.weights);
  const parameters: ParameterValues = new Map();
  const hidden = architecture.hiddenSize * architecture.puzzleEmbeddingLength;
  for (const spec of trmParameterSpecs(architecture)) {
    const found = initializers.get(spec.name);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.name === 'embedding.puzzle' && options.puzzleNames) {
      if (!found) throw new InvalidInputError({ field: 'weights', message: 'the model has no embedding.puzzle initializer' });
      const rows = found.data.length / hidden;
      if (!Number.isInteger(rows) || rows < 1) throw new InvalidInputError({ field: 'weights', message: `embedding.puzzle holds ${found.data.length} values, not rows of ${hidden}`, value: found.data.length });
      const oldNames = manifest.puzzles?.names ?? [];
      const table = new Float32Array(size);
      table.set(found.data.subarray(0, hidden), 0);
      options.puzzleNames.forEach((name, index) => {
        const old = oldNames.indexOf(name);
        const row = old >= 0 && old + 1 < rows ? old + 1 : 0;
        table.set(found.data.subarray(row * hidden, (row + 1) * hidden), (index + 1) * hidden);
      });
      parameters.set(spec.name, table);
      continue;
    }
    if (!found || found.data.length !== size) throw new InvalidInputError({ field: 'weights', message: `parameter ${spec.name}: ${found ? `${found.data.length} values, expected ${size}` : 'missing from the ONNX file'}`, value: spec.name });
    parameters.set(spec.name, found.data.slice());
  }
  return parameters;
}
