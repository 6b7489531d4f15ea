// Writes the tiny untrained model that runtime tests load (run from packages/trainer after a build).
import { exportStepToOnnx, initializeParameters } from '@trm/trainer';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
const architecture = { family: 'trm', mixer: 'mlp', hiddenSize: 8, layers: 2, heads: 1, channelInnerSize: 16, sequenceInnerSize: 16, rmsNormEpsilon: 1e-5, ropeTheta: 10000, vocabularySize: 11, sequenceLength: 81, puzzleEmbeddingLength: 1, puzzleIdentifiers: 1 };
const recursion = { latentSteps: 1, cycles: 1, maxSupervisionSteps: 16 };
const parameters = initializeParameters(architecture, 1);
parameters.get('head.halt.weight').fill(0.3);
const onnx = exportStepToOnnx({ architecture, recursion, parameters });
const dir = new URL(`../../../${process.argv[2]}/`, import.meta.url).pathname.replace(/\/$/, "");
writeFileSync(`${dir}/tiny.onnx`, onnx);
writeFileSync(`${dir}/tiny.manifest.json`, JSON.stringify({
  specificationVersion: 'v1', id: 'sudoku:test-tiny', task: 'sudoku', architecture, recursion,
  vocabulary: { size: 11, labels: ['<pad>', '.', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
  weights: [{ path: 'tiny.onnx', format: 'onnx', sha256: createHash('sha256').update(onnx).digest('hex'), bytes: onnx.length }],
  training: { engine: 'none', data: 'untrained: random initialisation (seed 1), for runtime tests', steps: 0, examples: 0, seed: 1, commit: 'n/a', wallSeconds: 0, command: 'node packages/trainer/scripts/make-runtime-fixture.mjs packages/runtime-node/fixtures', hyperparameters: {} },
  metrics: [], createdAt: new Date().toISOString() }, null, 2) + '\n');
