// What a runtime refuses at load and at the first step, on real exported graphs: a model is
// checked against its manifest before it runs, and broken weights never read as an answer.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManifestError, ModelLoadError, RuntimeError, createSolver, parseModelManifest, runRecursion, type ModelManifest, type SpecialistV1 } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { initializeParameters } from '../network/trm-parameters';
import { exportStepToOnnx } from '../onnx/export-onnx';

const architecture = { family: 'trm', hiddenSize: 8, layers: 2, heads: 1, channelInnerSize: 16, sequenceInnerSize: 16, rmsNormEpsilon: 1e-5, ropeTheta: 10000, puzzleEmbeddingLength: 1, puzzleIdentifiers: 1, mixer: 'mlp', vocabularySize: 11, sequenceLength: 81 } as const;
const recursion = { latentSteps: 1, cycles: 1, maxSupervisionSteps: 16 };

function manifestFor(onnx: Uint8Array, changes: Partial<typeof architecture> | Record<string, unknown> = {}): ModelManifest {
  return {
    specificationVersion: 'v1', id: 'sudoku:load-checks', task: 'sudoku', architecture: { ...architecture, ...changes }, recursion,
    vocabulary: { size: 11, labels: ['<pad>', '.', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
    weights: [{ path: 'w.onnx', format: 'onnx', sha256: createHash('sha256').update(onnx).digest('hex'), bytes: onnx.length }],
    training: { engine: 'none', data: 'untrained', steps: 0, examples: 0, seed: 1, commit: 'n/a', wallSeconds: 0, command: 'test', hyperparameters: {} },
    metrics: [], createdAt: '2026-12-06T00:00:00.000Z',
  } as unknown as ModelManifest;
}

/** Every occurrence of one ASCII name replaced by another of the same length (a renamed graph value). */
function renamed(onnx: Uint8Array, from: string, to: string): Uint8Array {
  const bytes = Buffer.from(onnx);
  let count = 0;
  for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1)) {
    bytes.write(to, at, 'latin1');
    count++;
  }
  expect(count).toBeGreaterThan(0);
  return new Uint8Array(bytes);
}

const good = exportStepToOnnx({ architecture, recursion, parameters: initializeParameters(architecture, 1) });
const runtime = createNodeRuntime({ device: 'cpu', threads: 1 });

describe('load-time checks against the manifest', () => {
  it('a manifest whose sizes cannot be buffers is a ManifestError naming the field, not a RangeError', () => {
    for (const changes of [{ hiddenSize: 1e9 }, { sequenceLength: 1e7 }, { hiddenSize: 16_384, sequenceLength: 65_536 }]) {
      let caught: unknown;
      try {
        parseModelManifest(manifestFor(good, changes));
      } catch (error) {
        caught = error;
      }
      expect(ManifestError.isInstance(caught), String(caught)).toBe(true);
      expect((caught as ManifestError).message).toMatch(/hiddenSize|sequenceLength/);
    }
  });

  it('a graph with a renamed output, its sha256 in the manifest, is refused at load naming the output', async () => {
    for (const [from, to] of [['q_halt', 'q_hal2'], ['logits', 'logitz'], ['reset', 'rezet']] as const) {
      const onnx = renamed(good, from, to);
      const loading = runtime.load({ manifest: manifestFor(onnx), weights: onnx });
      await expect(loading).rejects.toBeInstanceOf(ModelLoadError);
      await expect(loading).rejects.toThrow(new RegExp(`"${from}" is missing`));
    }
  });

  it('a graph of another size than its manifest says is refused at load naming the value and axis', async () => {
    await expect(runtime.load({ manifest: manifestFor(good, { hiddenSize: 16, channelInnerSize: 32 }), weights: good })).rejects.toThrow(/"y" has size 8 on axis 2, the manifest implies 16/);
    const twelve = { ...manifestFor(good, { vocabularySize: 12 }), vocabulary: { size: 12, labels: ['<pad>', '.', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'x'] } } as ModelManifest;
    await expect(runtime.load({ manifest: twelve, weights: good })).rejects.toThrow(/"logits" has size 11 on axis 2, the manifest implies 12/);
  });

  it('the graph as exported loads and runs', async () => {
    const model = await runtime.load({ manifest: manifestFor(good), weights: good });
    const [sample] = await runRecursion(model, { tokens: new Int32Array(81).fill(1), batchSize: 1, halting: { mode: 'fixed', steps: 2 } });
    expect(sample!.steps).toBe(2);
    await model.dispose();
  });
});

describe('non-finite weights at inference', () => {
  it('NaN weights fail the request with a typed RuntimeError, never an answer of zeros with confidence NaN', async () => {
    const parameters = initializeParameters(architecture, 1);
    parameters.get('head.answer')!.fill(Number.NaN);
    const onnx = exportStepToOnnx({ architecture, recursion, parameters });
    const model = await runtime.load({ manifest: manifestFor(onnx), weights: onnx });
    await expect(runRecursion(model, { tokens: new Int32Array(81).fill(1), batchSize: 1, halting: { mode: 'fixed', steps: 1 } })).rejects.toThrow(expect.objectContaining({ field: 'logits' }));
    await model.dispose();
    // The same through a solver (the continuous batcher), and the solver keeps serving.
    // A plain specialist over the broken model: 81 tokens in, the tokens back as the answer.
    const specialist: SpecialistV1<string, string> = {
      specificationVersion: 'v1', task: 'sudoku', modelId: 'sudoku:load-checks', model: { manifest: manifestFor(onnx), weights: onnx },
      parseInput: (input) => String(input), detect: () => 1, encode: () => new Int32Array(81).fill(1), decode: (tokens) => tokens.join(''), verify: () => false, formatAnswer: (answer) => answer,
    };
    const solver = await createSolver({ specialist, runtime });
    const puzzle = '.'.repeat(81);
    const outcome = await solver.solve(puzzle).then(() => undefined, (error: unknown) => error);
    expect(RuntimeError.isInstance(outcome)).toBe(true);
    expect((outcome as RuntimeError).message).toMatch(/not finite/);
    await solver.dispose();
  });
});
