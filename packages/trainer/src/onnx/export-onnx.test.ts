import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRandom, fullSequenceLength, withGrid, type Architecture, type Recursion } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { initializeParameters, trmParameterSpecs } from '../network/trm-parameters';
import { createTrmNetwork } from '../network/trm-network';
import { createTfjsOps } from '../tfjs/tfjs-ops';
import { initializeTfjsBackend } from '../tfjs/tfjs-backend';
import { exportStepToOnnx } from './export-onnx';
import { manifestFor, tinyArchitecture } from '../testing/test-models';

/** Random weights everywhere, the halting head included (it starts at zero in a fresh model). */
function randomParameters(architecture: Architecture, seed: number) {
  const parameters = initializeParameters(architecture, seed);
  const random = createRandom(seed + 1);
  for (const name of ['embedding.puzzle', 'head.halt.weight', 'head.halt.bias']) {
    const value = parameters.get(name)!;
    for (let index = 0; index < value.length; index++) value[index] = (random.next() - 0.5) * 0.5;
  }
  return parameters;
}

/** Runs the export at `runAt` (another grid size, for conv models) against tfjs built at that size. */
async function compare(exported: Architecture, recursion: Recursion, steps: number, runAt?: { height: number; width: number }) {
  const parameters = randomParameters(exported, 7);
  const onnx = exportStepToOnnx({ architecture: exported, recursion, parameters });
  const loaded = await createNodeRuntime({ device: 'cpu' }).load({ manifest: manifestFor(exported, recursion, onnx), weights: onnx });
  const model = runAt ? loaded.withGrid!(runAt) : loaded;
  const architecture = runAt ? withGrid(exported, runAt) : exported;
  const batchSize = 3;
  const length = architecture.sequenceLength;
  const random = createRandom(3);
  const tokens = Int32Array.from({ length: batchSize * length }, () => random.int(architecture.vocabularySize));

  let state = null;
  let output;
  for (let step = 0; step < steps; step++) {
    output = await model.doStep({ batchSize, tokens, state });
    state = output.state;
  }

  const expected = tf.tidy(() => {
    const tensors = new Map(trmParameterSpecs(architecture).map((spec) => [spec.name, tf.tensor(parameters.get(spec.name)!, [...spec.shape])]));
    const network = createTrmNetwork(createTfjsOps(tensors), architecture, recursion);
    const positions = fullSequenceLength(architecture);
    const x = network.embedInputs(tf.tensor2d(tokens, [batchSize, length], 'int32'), tf.zeros([batchSize, 1], 'int32'));
    let current = network.resetState(tf.zeros([batchSize, positions, architecture.hiddenSize]), tf.zeros([batchSize, positions, architecture.hiddenSize]), tf.ones([batchSize, 1, 1]));
    let heads = network.heads(current.y);
    for (let step = 0; step < steps; step++) {
      for (let cycle = 0; cycle < recursion.cycles; cycle++) current = network.latentRecursion(current.y, current.z, x);
      heads = network.heads(current.y);
    }
    return { logits: heads.logits.dataSync(), qHalt: heads.qHalt.dataSync() };
  });
  await loaded.dispose();
  const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let max = 0;
    for (let index = 0; index < a.length; index++) max = Math.max(max, Math.abs(a[index] - b[index]));
    return max;
  };
  return {
    logits: maxDifference(expected.logits, output!.logits),
    qHalt: maxDifference(expected.qHalt, output!.qHalt),
    logitCount: output!.logits.length,
    spread: Math.max(...output!.logits) - Math.min(...output!.logits),
  };
}

describe('ONNX export agrees with the tfjs lowering of the same description', () => {
  beforeAll(async () => {
    await initializeTfjsBackend('wasm');
  });

  it('MLP mixer: logits and q_halt over two carried steps', async () => {
    const result = await compare(tinyArchitecture(), { latentSteps: 2, cycles: 2, maxSupervisionSteps: 16 }, 2);
    expect(result.logitCount).toBe(3 * 81 * 11);
    expect(result.spread).toBeGreaterThan(0.1); // the comparison is not between constants
    expect(result.logits).toBeLessThan(1e-3);
    expect(result.qHalt).toBeLessThan(1e-3);
  });

  const conv = (overrides: Partial<Architecture> = {}) => tinyArchitecture({ mixer: 'conv', grid: { height: 9, width: 9 }, vocabularySize: 6, ...overrides });

  it('conv mixer (3x3): logits and q_halt over two carried steps', async () => {
    const result = await compare(conv(), { latentSteps: 2, cycles: 2, maxSupervisionSteps: 16 }, 2);
    expect(result.logitCount).toBe(3 * 81 * 6);
    expect(result.spread).toBeGreaterThan(0.1);
    expect(result.logits).toBeLessThan(1e-3);
    expect(result.qHalt).toBeLessThan(1e-3);
  });

  it('conv mixer with a 5x5 kernel at dilation 2', async () => {
    const result = await compare(conv({ kernelSize: 5, dilation: 2 }), { latentSteps: 1, cycles: 2, maxSupervisionSteps: 16 }, 2);
    expect(result.spread).toBeGreaterThan(0.1);
    expect(result.logits).toBeLessThan(1e-3);
    expect(result.qHalt).toBeLessThan(1e-3);
  });

  for (const side of [5, 13]) {
    it(`one conv export runs a ${side}x${side} grid it was not exported at, as tfjs built at that size`, async () => {
      const result = await compare(conv(), { latentSteps: 1, cycles: 2, maxSupervisionSteps: 16 }, 2, { height: side, width: side });
      expect(result.logitCount).toBe(3 * side * side * 6);
      expect(result.spread).toBeGreaterThan(0.1);
      expect(result.logits).toBeLessThan(1e-3);
      expect(result.qHalt).toBeLessThan(1e-3);
    });
  }

  it('conv mixer whose cells read the prefix (prefixToCells), also at another grid size', async () => {
    for (const runAt of [undefined, { height: 6, width: 6 }]) {
      const result = await compare(conv({ prefixToCells: true, puzzleIdentifiers: 3 }), { latentSteps: 1, cycles: 2, maxSupervisionSteps: 16 }, 2, runAt);
      expect(result.spread).toBeGreaterThan(0.1);
      expect(result.logits).toBeLessThan(1e-3);
      expect(result.qHalt).toBeLessThan(1e-3);
    }
  });

  it('only with prefixToCells does a conv cell see the puzzle embedding', async () => {
    const recursion = { latentSteps: 1, cycles: 2, maxSupervisionSteps: 16 };
    const cellSpread = async (prefixToCells: boolean) => {
      const architecture = conv({ prefixToCells, puzzleIdentifiers: 3 });
      const onnx = exportStepToOnnx({ architecture, recursion, parameters: randomParameters(architecture, 11) });
      const model = await createNodeRuntime({ device: 'cpu' }).load({ manifest: manifestFor(architecture, recursion, onnx), weights: onnx });
      // One grid, run as puzzle 1 and as puzzle 2: only the identifier differs.
      const one = Int32Array.from({ length: 81 }, (_, index) => index % 6);
      const tokens = new Int32Array(162);
      tokens.set(one, 0);
      tokens.set(one, 81);
      const output = await model.doStep({ batchSize: 2, tokens, state: null, puzzleIdentifiers: Int32Array.from([1, 2]) });
      await model.dispose();
      const perSample = output.logits.length / 2;
      let largest = 0;
      for (let index = 0; index < perSample; index++) largest = Math.max(largest, Math.abs(output.logits[index]! - output.logits[perSample + index]!));
      return largest;
    };
    expect(await cellSpread(false)).toBe(0);
    expect(await cellSpread(true)).toBeGreaterThan(1e-3);
  });

  for (const [label, architecture] of [
    ['attention with RoPE', tinyArchitecture({ mixer: 'attention', heads: 4 })],
    ['attention with 2-D RoPE over the grid', tinyArchitecture({ mixer: 'attention', heads: 4, rope: '2d', grid: { height: 9, width: 9 } })],
  ] as const) {
    it(label, async () => {
      const result = await compare(architecture, { latentSteps: 1, cycles: 2, maxSupervisionSteps: 16 }, 2);
      expect(result.spread).toBeGreaterThan(0.1);
      expect(result.logits).toBeLessThan(1e-3);
      expect(result.qHalt).toBeLessThan(1e-3);
    });
  }
});
