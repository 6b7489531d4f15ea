import { describe, expect, it } from 'vitest';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { createRandom } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { initializeParameters } from '../network/trm-parameters';
import { exportStepToOnnx } from '../onnx/export-onnx';
import { readOnnxInitializers } from '../onnx/read-onnx';
import { manifestFor, tinyArchitecture } from '../testing/test-models';
import { OrtTrmTrainer } from '../training/ort-trainer';
import { adaptModel } from './adapt-model';

const recursion = { latentSteps: 1, cycles: 1, maxSupervisionSteps: 4 };
const architecture = tinyArchitecture({ mixer: 'conv', grid: { height: 4, width: 4 }, sequenceLength: 16, vocabularySize: 6, hiddenSize: 16, channelInnerSize: 32, prefixToCells: true, puzzleIdentifiers: 3 });

function model() {
  const parameters = initializeParameters(architecture, 5);
  const onnx = exportStepToOnnx({ architecture, recursion, parameters });
  return { parameters, onnx, manifest: { ...manifestFor(architecture, recursion, onnx), puzzles: { names: ['seen@0', 'seen@1'] } } };
}

/** The new puzzle's rule: every cell becomes token 5, whatever the input; only its embedding can tell. */
function newPuzzle(seed: number) {
  const random = createRandom(seed);
  return {
    description: 'all cells become 5',
    puzzleNames: ['fresh@0'],
    next: () => ({ tokens: Int32Array.from({ length: 16 }, () => 1 + random.int(4)), labels: new Int32Array(16).fill(5), puzzleIdentifier: 1 }),
  };
}

describe('test-time adaptation (adaptModel)', () => {
  it('reads back every initializer our exporter writes', () => {
    const { parameters, onnx } = model();
    const read = readOnnxInitializers(onnx);
    for (const [name, value] of parameters) {
      if (name.startsWith('initial.') || name.startsWith('embedding') || name.startsWith('layers') || name.startsWith('head')) expect(read.get(name)?.data, name).toEqual(value);
    }
    // Bytes as fs.readFile gives them (a Node Buffer, whose slices share one pool) read the same.
    const pooled = Buffer.concat([Buffer.from([1, 2, 3]), onnx]).subarray(3);
    expect(readOnnxInitializers(pooled)).toEqual(read);
  });

  it('embedding only: a trained model learns an unseen puzzle from examples, and no other weight moves', async () => {
    // A model that knows two puzzles (1: every cell becomes 5; 2: every cell becomes 4); only the embedding says which.
    const random = createRandom(9);
    const known = {
      description: 'two known puzzles',
      next: () => {
        const puzzleIdentifier = 1 + random.int(2);
        return { tokens: Int32Array.from({ length: 16 }, () => 1 + random.int(4)), labels: new Int32Array(16).fill(puzzleIdentifier === 1 ? 5 : 4), puzzleIdentifier };
      },
    };
    const trainer = await OrtTrmTrainer.create({ architecture, recursion, batchSize: 16, seed: 3, optimizer: { learningRate: 3e-3, warmupSteps: 20 }, threads: 1 });
    for (let step = 0; step < 150; step++) await trainer.trainStep(known);
    const onnx = exportStepToOnnx({ architecture, recursion, parameters: trainer.parameterValues('live') });
    trainer.dispose();
    const manifest = { ...manifestFor(architecture, recursion, onnx), puzzles: { names: ['fives', 'fours'] } };
    const foursOf = async (weights: Uint8Array, adaptedManifest: typeof manifest | Awaited<ReturnType<typeof adaptModel>>['manifest'], puzzle: number) => {
      const loaded = await createNodeRuntime({ device: 'cpu' }).load({ manifest: adaptedManifest, weights });
      const tokens = Int32Array.from({ length: 16 }, (_, index) => 1 + (index % 4));
      let state = null;
      let output;
      for (let step = 0; step < 4; step++) {
        output = await loaded.doStep({ batchSize: 1, tokens, state, puzzleIdentifiers: Int32Array.of(puzzle) });
        state = output.state;
      }
      await loaded.dispose();
      let fours = 0;
      for (let cell = 0; cell < 16; cell++) {
        const logits = output!.logits.subarray(cell * 6, cell * 6 + 6);
        if (logits.indexOf(Math.max(...logits)) === 4) fours++;
      }
      return fours;
    };
    expect(await foursOf(onnx, manifest, 2)).toBe(16); // the known "fours" puzzle
    const unseenBefore = await foursOf(onnx, manifest, 0);
    const fresh = createRandom(4);
    const data = { description: 'every cell becomes 4', puzzleNames: ['new-fours'], next: () => ({ tokens: Int32Array.from({ length: 16 }, () => 1 + fresh.int(4)), labels: new Int32Array(16).fill(4), puzzleIdentifier: 1 }) };
    const adapted = await adaptModel({ ort: ortNode, manifest, weights: onnx, data, steps: 80, batchSize: 8, learningRate: 2e-2 });
    expect(adapted.manifest.puzzles?.names).toEqual(['new-fours']);
    expect(adapted.manifest.architecture.puzzleIdentifiers).toBe(2);
    expect(adapted.steps).toBe(80);
    expect(unseenBefore).toBeLessThan(16);
    expect(await foursOf(adapted.weights, adapted.manifest, 1)).toBe(16);
    const before = readOnnxInitializers(onnx);
    const after = readOnnxInitializers(adapted.weights);
    for (const [name, value] of after) {
      if (name === 'embedding.puzzle') expect(value.data.subarray(0, 16)).toEqual(before.get(name)!.data.subarray(0, 16)); // row 0 (unseen) kept
      else if (before.has(name)) expect(value.data, name).toEqual(before.get(name)!.data);
    }
  });

  it('all weights: more than the embedding moves', async () => {
    const { onnx, manifest } = model();
    const adapted = await adaptModel({ ort: ortNode, manifest, weights: onnx, data: newPuzzle(2), steps: 5, batchSize: 4, train: 'all' });
    const before = readOnnxInitializers(onnx);
    const after = readOnnxInitializers(adapted.weights);
    expect(after.get('layers.0.conv')!.data).not.toEqual(before.get('layers.0.conv')!.data);
    expect(after.get('initial.y')!.data).toEqual(before.get('initial.y')!.data); // fixed, never trained
  });

  it('onnxruntime-web (wasm, as in browsers) adapts to the same weights as onnxruntime-node', async () => {
    const { onnx, manifest } = model();
    ortWeb.env.wasm.numThreads = 1;
    const settings = { manifest, weights: onnx, steps: 20, batchSize: 4, learningRate: 5e-2 };
    const node = await adaptModel({ ort: ortNode, data: newPuzzle(3), ...settings });
    const web = await adaptModel({ ort: ortWeb, data: newPuzzle(3), ...settings, sessionOptions: { executionProviders: ['wasm'] } });
    const a = readOnnxInitializers(node.weights).get('embedding.puzzle')!.data;
    const b = readOnnxInitializers(web.weights).get('embedding.puzzle')!.data;
    let difference = 0;
    let norm = 0;
    a.forEach((value, index) => {
      difference += (value - b[index]!) ** 2;
      norm += value ** 2;
    });
    expect(Math.sqrt(difference / norm)).toBeLessThan(1e-3);
  });

  it('refuses bad settings by name', async () => {
    const { onnx, manifest } = model();
    await expect(adaptModel({ ort: ortNode, manifest, weights: onnx, data: newPuzzle(1), steps: 0 })).rejects.toMatchObject({ field: 'steps' });
    await expect(adaptModel({ ort: ortNode, manifest, weights: onnx, data: { ...newPuzzle(1), puzzleNames: [] }, steps: 1 })).rejects.toMatchObject({ field: 'data.puzzleNames' });
    await expect(adaptModel({ ort: ortNode, manifest, weights: onnx.subarray(0, 100), data: newPuzzle(1), steps: 1 })).rejects.toThrow();
  });
});
