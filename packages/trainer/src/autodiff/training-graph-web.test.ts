import { describe, expect, it } from 'vitest';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { createRandom, fullSequenceLength } from '@trm/core';
import { initializeParameters, trmParameterSpecs } from '../network/trm-parameters';
import { tinyArchitecture } from '../testing/test-models';
import { buildTrainingGraph, trainingGraphNames as names } from './training-graph';

/** The same training graph, run by onnxruntime-web's wasm backend, so browsers can fine-tune later. */
describe('training graph on onnxruntime-web (wasm)', () => {
  it('gives the same loss and gradients as onnxruntime-node', async () => {
    const architecture = tinyArchitecture();
    const recursion = { latentSteps: 2, cycles: 2, maxSupervisionSteps: 16 };
    const batchSize = 2;
    const { bytes, trainable } = buildTrainingGraph({ architecture, recursion, batchSize });
    const parameters = initializeParameters(architecture, 3);
    const random = createRandom(4);
    const length = architecture.sequenceLength;
    const stateSize = batchSize * fullSequenceLength(architecture) * architecture.hiddenSize;
    const tokens = Int32Array.from({ length: batchSize * length }, () => 1 + random.int(10));
    const labels = Int32Array.from({ length: batchSize * length }, () => 2 + random.int(9));
    const feedsFor = (ort: typeof ortNode | typeof ortWeb) => {
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
        [names.tokens]: new ort.Tensor('int32', tokens, [batchSize, length]),
        [names.labels]: new ort.Tensor('int32', labels, [batchSize, length]),
        [names.finalLabels]: new ort.Tensor('int32', labels, [batchSize, length]),
        [names.puzzleIdentifiers]: new ort.Tensor('int32', new Int32Array(batchSize), [batchSize, 1]),
        [names.y]: new ort.Tensor('float32', new Float32Array(stateSize), [batchSize, fullSequenceLength(architecture), architecture.hiddenSize]),
        [names.z]: new ort.Tensor('float32', new Float32Array(stateSize), [batchSize, fullSequenceLength(architecture), architecture.hiddenSize]),
        [names.reset]: new ort.Tensor('float32', new Float32Array(batchSize).fill(1), [batchSize, 1, 1]),
      };
      for (const spec of trmParameterSpecs(architecture)) feeds[names.parameter(spec.name)] = new ort.Tensor('float32', parameters.get(spec.name)!, [...spec.shape]);
      return feeds;
    };
    ortWeb.env.wasm.numThreads = 1;
    const node = await (await ortNode.InferenceSession.create(bytes)).run(feedsFor(ortNode) as Record<string, ortNode.Tensor>);
    const web = await (await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] })).run(feedsFor(ortWeb) as Record<string, ortWeb.Tensor>);
    const value = (outputs: Record<string, { data: unknown }>, name: string) => outputs[name]!.data as Float32Array;
    expect(value(web, names.crossEntropy)[0]).toBeCloseTo(value(node, names.crossEntropy)[0]!, 5);
    for (const name of trainable) {
      const a = value(web, names.gradient(name));
      const b = value(node, names.gradient(name));
      let difference = 0;
      let norm = 0;
      for (let index = 0; index < a.length; index++) {
        difference += (a[index]! - b[index]!) ** 2;
        norm += b[index]! ** 2;
      }
      expect(Math.sqrt(difference) / Math.sqrt(norm), name).toBeLessThan(1e-4);
    }
  });
});
