import { type Architecture, type Recursion, fullSequenceLength, readsCandidates, runsAnyGridSize, stepGraphNames } from '@trm/core';
import { createTrmNetwork } from '../network/trm-network';
import { type ParameterValues, trmParameterSpecs } from '../network/trm-parameters';
import { OnnxGraphBuilder, OnnxType } from './onnx-graph';
import { createOnnxOps } from './onnx-ops';

export { stepGraphNames };

/**
 * One supervision step as a plain ONNX graph: embedding, reset of refilled slots, T recursions of
 * n latent updates and one answer update (all unrolled, no Loop/If), then both heads.
 */
export function exportStepToOnnx(options: {
  architecture: Architecture;
  recursion: Recursion;
  parameters: ParameterValues;
  metadata?: Record<string, string>;
}): Uint8Array {
  const { architecture, recursion, parameters } = options;
  const graph = new OnnxGraphBuilder();
  const shapes = new Map(trmParameterSpecs(architecture).map((spec) => [spec.name, spec.shape]));
  // A conv model's graph takes any square grid: its cell count is a symbolic dimension.
  const anyGrid = runsAnyGridSize(architecture);
  const ops = createOnnxOps(graph, parameters, shapes, { anyGrid });
  const network = createTrmNetwork(ops, architecture, recursion);
  const cells = anyGrid ? 'cells' : architecture.sequenceLength;
  const positions = anyGrid ? 'positions' : fullSequenceLength(architecture);
  const hidden = architecture.hiddenSize;
  const names = stepGraphNames;

  // A candidate model reads the [batch, cells, vocabulary] mask in place of token ids.
  const tokens = readsCandidates(architecture)
    ? graph.input(names.candidates, OnnxType.float, ['batch', cells, architecture.vocabularySize])
    : graph.input(names.tokens, OnnxType.int32, ['batch', cells]);
  const puzzleIdentifiers = graph.input(names.puzzleIdentifiers, OnnxType.int32, ['batch', 1]);
  const yIn = graph.input(names.y, OnnxType.float, ['batch', positions, hidden]);
  const zIn = graph.input(names.z, OnnxType.float, ['batch', positions, hidden]);
  const reset = graph.input(names.reset, OnnxType.float, ['batch', 1, 1]);

  const x = network.embedInputs(tokens, puzzleIdentifiers);
  let state = network.resetState(yIn, zIn, reset);
  for (let cycle = 0; cycle < recursion.cycles; cycle++) state = network.latentRecursion(state.y, state.z, x);
  const { logits, qHalt, keepLogits } = network.heads(state.y);

  graph.node('Identity', [state.y], {}, names.yOut);
  graph.node('Identity', [state.z], {}, names.zOut);
  graph.node('Identity', [logits], {}, names.logits);
  graph.node('Identity', [qHalt], {}, names.qHalt);
  graph.output(names.yOut, OnnxType.float, ['batch', positions, hidden]);
  graph.output(names.zOut, OnnxType.float, ['batch', positions, hidden]);
  graph.output(names.logits, OnnxType.float, ['batch', cells, architecture.vocabularySize]);
  graph.output(names.qHalt, OnnxType.float, ['batch']);
  if (keepLogits) {
    graph.node('Identity', [keepLogits], {}, names.keepLogits);
    graph.output(names.keepLogits, OnnxType.float, ['batch', cells, architecture.vocabularySize]);
  }
  return graph.toBytes({
    opset: 17,
    producer: '@trm/trainer',
    docString: `TRM supervision step: ${architecture.mixer} mixer, D=${hidden}, T=${recursion.cycles}, n=${recursion.latentSteps}`,
    metadata: options.metadata,
  });
}
