import { type Architecture, type Recursion, fullSequenceLength, stepGraphNames } from '@trm/core';
import { createTrmNetwork } from '../network/trm-network';
import { trmParameterSpecs } from '../network/trm-parameters';
import { OnnxGraphBuilder, OnnxType } from '../onnx/onnx-graph';
import { OnnxAutodiffOps } from './onnx-autodiff-ops';
import type { TracedTensor } from './traced-tensor';

/** The step graph's names, plus the training graph's own inputs and outputs. */
export const trainingGraphNames = {
  ...stepGraphNames,
  labels: 'labels',
  finalLabels: 'final_labels',
  exact: 'exact',
  predictions: 'predictions',
  crossEntropy: 'cross_entropy',
  haltLoss: 'halt_loss',
  tokenAccuracy: 'token_accuracy',
  parameter: (name: string) => `param:${name}`,
  gradient: (name: string) => `grad:${name}`,
} as const;

/**
 * One deep-supervision training step as a single ONNX graph, for a fixed batch size: reset of
 * refilled slots, T-1 recursions without gradient, the last recursion with it, both heads, the
 * loss (stable-max cross-entropy + 0.5 BCE halting loss, means over the batch) and, by
 * reverse-mode differentiation over the recorded ops, the gradient of every trainable parameter.
 * Parameters are graph inputs, so the optimizer can run between runs.
 */
export function buildTrainingGraph(options: { architecture: Architecture; recursion: Recursion; batchSize: number }): {
  bytes: Uint8Array;
  trainable: string[];
} {
  const { architecture, recursion, batchSize } = options;
  const names = trainingGraphNames;
  const { graph, ops, network, input, output, finish } = startTrainingGraph(architecture, recursion);
  const positions = fullSequenceLength(architecture);
  const hidden = architecture.hiddenSize;
  const length = architecture.sequenceLength;
  const vocabulary = architecture.vocabularySize;
  const stateShape = [batchSize, positions, hidden];

  const tokens = input(names.tokens, OnnxType.int32, [batchSize, length]);
  const labels = input(names.labels, OnnxType.int32, [batchSize, length]);
  // Exactness (and so the halting target) is judged against the answer, not a step's target.
  const finalLabels = input(names.finalLabels, OnnxType.int32, [batchSize, length]);
  const puzzleIdentifiers = input(names.puzzleIdentifiers, OnnxType.int32, [batchSize, 1]);
  const yIn = input(names.y, OnnxType.float, stateShape);
  const zIn = input(names.z, OnnxType.float, stateShape);
  const reset = input(names.reset, OnnxType.float, [batchSize, 1, 1]);

  ops.recording = true;
  const x = network.embedInputs(tokens, puzzleIdentifiers);
  ops.recording = false;
  let state = network.resetState(yIn, zIn, reset);
  for (let cycle = 0; cycle < recursion.cycles - 1; cycle++) state = network.latentRecursion(state.y, state.z, x);
  ops.recording = true;
  state = network.latentRecursion(state.y, state.z, x);
  const { logits, qHalt } = network.heads(state.y);
  ops.recording = false;

  // --- loss and its gradient seeds (written out by hand: they end the graph) ---
  const e = (op: string, inputs: TracedTensor[], shape: readonly number[], attributes: Record<string, number | number[]> = {}) => ops.emit(op, inputs, shape, attributes);
  const scalar = (value: number): TracedTensor => ({ name: graph.scalar(value), shape: [] });
  const axes = (values: number[]): TracedTensor => ({ name: graph.int64s(values), shape: [values.length] });
  const logitShape = [batchSize, length, vocabulary];
  const cellShape = [batchSize, length, 1];
  const nonNegative = e('GreaterOrEqual', [logits, scalar(0)], logitShape);
  // s(x) = x + 1 for x >= 0, 1 / (1 - x) otherwise; min(x, 0) keeps the unused branch finite.
  const inverse = e('Reciprocal', [e('Sub', [scalar(1), e('Min', [logits, scalar(0)], logitShape)], logitShape)], logitShape);
  const s = e('Where', [nonNegative, e('Add', [logits, scalar(1)], logitShape), inverse], logitShape);
  const sum = e('ReduceSum', [s, axes([-1])], cellShape, { keepdims: 1 });
  const target = ops.oneHot(labels, vocabulary);
  const targetS = e('ReduceSum', [e('Mul', [s, target], logitShape), axes([-1])], cellShape, { keepdims: 1 });
  const crossEntropy = e('ReduceMean', [e('Sub', [e('Log', [sum], cellShape), e('Log', [targetS], cellShape)], cellShape)], [], { keepdims: 0 });
  const sPrime = e('Where', [nonNegative, scalar(1), e('Mul', [inverse, inverse], logitShape)], logitShape);
  const dLogits = e(
    'Mul',
    [e('Mul', [sPrime, e('Sub', [e('Reciprocal', [sum], cellShape), e('Div', [target, targetS], logitShape)], logitShape)], logitShape), scalar(1 / (batchSize * length))],
    logitShape,
  );

  const predictions = e('ArgMax', [logits], [batchSize, length], { axis: -1, keepdims: 0 });
  const correct = e('Cast', [e('Equal', [predictions, e('Cast', [finalLabels], [batchSize, length], { to: OnnxType.int64 })], [batchSize, length])], [batchSize, length], { to: OnnxType.float });
  const exact = e('ReduceMin', [correct], [batchSize], { axes: [-1], keepdims: 0 });
  const tokenAccuracy = e('ReduceMean', [correct], [], { keepdims: 0 });
  const haltTerms = e(
    'Add',
    [e('Sub', [e('Relu', [qHalt], [batchSize]), e('Mul', [qHalt, exact], [batchSize])], [batchSize]), e('Log', [e('Add', [scalar(1), e('Exp', [e('Neg', [e('Abs', [qHalt], [batchSize])], [batchSize])], [batchSize])], [batchSize])], [batchSize])],
    [batchSize],
  );
  const haltLoss = e('ReduceMean', [haltTerms], [], { keepdims: 0 });
  const dQHalt = e('Mul', [e('Sub', [e('Sigmoid', [qHalt], [batchSize]), exact], [batchSize]), scalar(0.5 / batchSize)], [batchSize]);

  output(state.y, names.yOut);
  output(state.z, names.zOut);
  output(qHalt, names.qHalt);
  output(exact, names.exact);
  output(predictions, names.predictions, OnnxType.int64);
  output(crossEntropy, names.crossEntropy);
  output(haltLoss, names.haltLoss);
  output(tokenAccuracy, names.tokenAccuracy);
  return finish(
    [
      [logits, dLogits],
      [qHalt, dQHalt],
    ],
    'TRM training step',
  );
}

type ElementType = (typeof OnnxType)[keyof typeof OnnxType];

/**
 * What every training graph starts and ends with: each parameter a float input, the recording ops
 * and the network; `finish` backpropagates from the loss's seeds and makes every trainable
 * parameter's gradient an output.
 */
export function startTrainingGraph(architecture: Architecture, recursion: Recursion) {
  const graph = new OnnxGraphBuilder();
  const specs = trmParameterSpecs(architecture);
  const parameters = new Map<string, TracedTensor>();
  for (const spec of specs) {
    parameters.set(spec.name, { name: graph.input(trainingGraphNames.parameter(spec.name), OnnxType.float, [...spec.shape]), shape: spec.shape });
  }
  const ops = new OnnxAutodiffOps(graph, parameters);
  const network = createTrmNetwork(ops, architecture, recursion);
  const input = (name: string, type: ElementType, shape: number[]): TracedTensor => ({ name: graph.input(name, type, shape), shape });
  const output = (tensor: TracedTensor, name: string, type: ElementType = OnnxType.float) => {
    graph.node('Identity', [tensor.name], {}, name);
    graph.output(name, type, [...tensor.shape]);
  };
  const finish = (seeds: [TracedTensor, TracedTensor][], docString: string): { bytes: Uint8Array; trainable: string[] } => {
    const total = backpropagate(ops, specs, seeds);
    const trainable: string[] = [];
    for (const spec of specs) {
      if (!spec.trainable) continue;
      const gradient = total(parameters.get(spec.name)!);
      if (!gradient) throw new Error(`parameter ${spec.name} gets no gradient`);
      output(gradient, trainingGraphNames.gradient(spec.name));
      trainable.push(spec.name);
    }
    return { bytes: graph.toBytes({ opset: 17, producer: '@trm/trainer', docString }), trainable };
  };
  return { graph, ops, network, input, output, finish };
}

/**
 * Reverse-mode differentiation over the recorded tape, seeded with the loss's gradients at the
 * network's outputs. Returns the total gradient of a tensor (undefined when none reaches it).
 */
export function backpropagate(ops: OnnxAutodiffOps, specs: readonly { name: string; trainable: boolean }[], seeds: [TracedTensor, TracedTensor][]): (tensor: TracedTensor) => TracedTensor | undefined {
  const e = (op: string, inputs: TracedTensor[], shape: readonly number[]) => ops.emit(op, inputs, shape);
  const requiresGradient = new Set<string>();
  for (const spec of specs) if (spec.trainable) requiresGradient.add(trainingGraphNames.parameter(spec.name));
  for (const entry of ops.tape) if (entry.inputs.some((tensor) => requiresGradient.has(tensor.name))) requiresGradient.add(entry.output.name);
  const contributions = new Map<string, TracedTensor[]>(seeds.map(([tensor, gradient]) => [tensor.name, [gradient]]));
  const total = (tensor: TracedTensor): TracedTensor | undefined => {
    const parts = contributions.get(tensor.name);
    if (!parts || parts.length === 0) return undefined;
    return parts.length === 1 ? parts[0] : e('Sum', parts, tensor.shape);
  };
  for (let index = ops.tape.length - 1; index >= 0; index--) {
    const entry = ops.tape[index]!;
    if (!requiresGradient.has(entry.output.name)) continue;
    const gradient = total(entry.output);
    if (!gradient) continue;
    const results = entry.backward(gradient, entry.inputs.map((tensor) => requiresGradient.has(tensor.name)));
    results.forEach((result, position) => {
      const tensor = entry.inputs[position]!;
      if (!result || !requiresGradient.has(tensor.name)) return;
      const list = contributions.get(tensor.name) ?? [];
      list.push(result);
      contributions.set(tensor.name, list);
    });
  }
  return total;
}
