// Writes the tiny untrained models that runtime tests load (run from packages/trainer after a build):
// an MLP-mixer sudoku model, and a conv-mixer maze model whose one graph runs any square grid.
import { exportStepToOnnx, initializeParameters } from '@trm/trainer';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
const dir = new URL(`../../../${process.argv[2]}/`, import.meta.url).pathname.replace(/\/$/, "");
const command = 'node packages/trainer/scripts/make-runtime-fixture.mjs packages/runtime-node/fixtures';

function write(name, task, labels, architecture, recursion) {
  const parameters = initializeParameters(architecture, 1);
  parameters.get('head.halt.weight').fill(0.3);
  const onnx = exportStepToOnnx({ architecture, recursion, parameters });
  writeFileSync(`${dir}/${name}.onnx`, onnx);
  writeFileSync(`${dir}/${name}.manifest.json`, JSON.stringify({
    specificationVersion: 'v1', id: `${task}:test-${name}`, task, architecture, recursion,
    vocabulary: { size: labels.length, labels },
    weights: [{ path: `${name}.onnx`, format: 'onnx', sha256: createHash('sha256').update(onnx).digest('hex'), bytes: onnx.length }],
    training: { engine: 'none', data: 'untrained: random initialisation (seed 1), for runtime tests', steps: 0, examples: 0, seed: 1, commit: 'n/a', wallSeconds: 0, command, hyperparameters: {} },
    metrics: [], createdAt: new Date().toISOString() }, null, 2) + '\n');
}

const base = { family: 'trm', hiddenSize: 8, layers: 2, heads: 1, channelInnerSize: 16, sequenceInnerSize: 16, rmsNormEpsilon: 1e-5, ropeTheta: 10000, puzzleEmbeddingLength: 1, puzzleIdentifiers: 1 };
const recursion = { latentSteps: 1, cycles: 1, maxSupervisionSteps: 16 };
write('tiny', 'sudoku', ['<pad>', '.', '1', '2', '3', '4', '5', '6', '7', '8', '9'], { ...base, mixer: 'mlp', vocabularySize: 11, sequenceLength: 81 }, recursion);
write('tiny-conv', 'maze', ['<pad>', '#', ' ', 'S', 'G', 'o'], { ...base, mixer: 'conv', grid: { height: 8, width: 8 }, kernelSize: 3, dilation: 1, vocabularySize: 6, sequenceLength: 64 }, recursion);
