import { type Architecture, type Recursion, fullSequenceLength } from '@trm/core';
import { OnnxType } from '../onnx/onnx-graph';
import { startTrainingGraph, trainingGraphNames } from './training-graph';
import type { TracedTensor } from './traced-tensor';

/** The candidate training graph's own inputs and outputs (beside the step graph's). */
export const candidateGraphNames = {
  ...trainingGraphNames,
  keepTarget: 'keep_target',
  keepWeight: 'keep_weight',
  cellWeight: 'cell_weight',
  keepLoss: 'keep_loss',
} as const;

/**
 * One training step of a candidate model (architecture.input 'candidates') as one ONNX graph, for
 * a fixed batch size. Each state starts from the initial y/z (a state's mask is its whole memory,
 * as in the Lattice Deduction Transformer), runs T-1 recursions without gradient and one with it.
 * Loss: weighted BCE of the keep logits (`keep_weight` carries the positive/negative weights and
 * the normalisation, 0 where nothing is to learn), softmax cross-entropy of the answer logits at
 * the cells `cell_weight` selects, and 0.5 BCE of the halting logit against "the answer among the
 * candidates is exactly right". Gradients of every trainable parameter are outputs.
 */
export function buildCandidateTrainingGraph(options: { architecture: Architecture; recursion: Recursion; batchSize: number }): { bytes: Uint8Array; trainable: string[] } {
  const { architecture, recursion, batchSize } = options;
  const names = candidateGraphNames;
  const { graph, ops, network, input, output, finish } = startTrainingGraph(architecture, recursion);
  const positions = fullSequenceLength(architecture);
  const hidden = architecture.hiddenSize;
  const length = architecture.sequenceLength;
  const vocabulary = architecture.vocabularySize;
  const maskShape = [batchSize, length, vocabulary];
  const candidates = input(names.candidates, OnnxType.float, maskShape);
  const puzzleIdentifiers = input(names.puzzleIdentifiers, OnnxType.int32, [batchSize, 1]);
  const keepTarget = input(names.keepTarget, OnnxType.float, maskShape);
  const keepWeight = input(names.keepWeight, OnnxType.float, maskShape);
  const labels = input(names.labels, OnnxType.int32, [batchSize, length]);
  const cellWeight = input(names.cellWeight, OnnxType.float, [batchSize, length, 1]);
  const finalLabels = input(names.finalLabels, OnnxType.int32, [batchSize, length]);

  ops.recording = true;
  const x = network.embedInputs(candidates, puzzleIdentifiers);
  ops.recording = false;
  const zeros = ops.constant('state.zeros', new Float32Array(batchSize * positions * hidden), [batchSize, positions, hidden]);
  let state = { y: ops.add(zeros, ops.parameter('initial.y')), z: ops.add(zeros, ops.parameter('initial.z')) };
  for (let cycle = 0; cycle < recursion.cycles - 1; cycle++) state = network.latentRecursion(state.y, state.z, x);
  ops.recording = true;
  state = network.latentRecursion(state.y, state.z, x);
  const { logits, qHalt, keepLogits } = network.heads(state.y);
  ops.recording = false;
  if (!keepLogits) throw new Error('a candidate training graph needs an architecture with input "candidates"');

  const e = (op: string, inputs: TracedTensor[], shape: readonly number[], attributes: Record<string, number | number[]> = {}) => ops.emit(op, inputs, shape, attributes);
  const scalar = (value: number): TracedTensor => ({ name: graph.scalar(value), shape: [] });
  const cellShape = [batchSize, length, 1];
  // softplus(k) - t k, written stably: relu(k) - t k + log(1 + exp(-|k|)).
  const softplus = (k: TracedTensor, shape: readonly number[]) => e('Add', [e('Relu', [k], shape), e('Log', [e('Add', [scalar(1), e('Exp', [e('Neg', [e('Abs', [k], shape)], shape)], shape)], shape)], shape)], shape);
  const keepTerms = e('Sub', [softplus(keepLogits, maskShape), e('Mul', [keepTarget, keepLogits], maskShape)], maskShape);
  const keepLoss = e('ReduceSum', [e('Mul', [keepWeight, keepTerms], maskShape)], [], { keepdims: 0 });
  const dKeep = e('Mul', [keepWeight, e('Sub', [e('Sigmoid', [keepLogits], maskShape), keepTarget], maskShape)], maskShape);

  // Softmax cross-entropy at the selected cells: log p_t = l_t - max - log sum exp(l - max).
  const target = ops.oneHot(labels, vocabulary);
  const maximum = e('ReduceMax', [logits], cellShape, { axes: [-1], keepdims: 1 });
  const shifted = e('Sub', [logits, maximum], maskShape);
  const logSum = e('Log', [e('ReduceSum', [e('Exp', [shifted], maskShape), { name: graph.int64s([-1]), shape: [1] }], cellShape, { keepdims: 1 })], cellShape);
  const targetShifted = e('ReduceSum', [e('Mul', [shifted, target], maskShape), { name: graph.int64s([-1]), shape: [1] }], cellShape, { keepdims: 1 });
  const crossEntropy = e('ReduceSum', [e('Mul', [cellWeight, e('Sub', [logSum, targetShifted], cellShape)], cellShape)], [], { keepdims: 0 });
  const dLogits = e('Mul', [cellWeight, e('Sub', [e('Softmax', [logits], maskShape, { axis: -1 }), target], maskShape)], maskShape);

  // The answer is the likeliest candidate of each cell: dead candidates are pushed far down.
  const masked = e('Add', [logits, e('Mul', [e('Sub', [candidates, scalar(1)], maskShape), scalar(1e4)], maskShape)], maskShape);
  const predictions = e('ArgMax', [masked], [batchSize, length], { axis: -1, keepdims: 0 });
  const correct = e('Cast', [e('Equal', [predictions, e('Cast', [finalLabels], [batchSize, length], { to: OnnxType.int64 })], [batchSize, length])], [batchSize, length], { to: OnnxType.float });
  const exact = e('ReduceMin', [correct], [batchSize], { axes: [-1], keepdims: 0 });
  const tokenAccuracy = e('ReduceMean', [correct], [], { keepdims: 0 });
  const haltTerms = e('Sub', [softplus(qHalt, [batchSize]), e('Mul', [qHalt, exact], [batchSize])], [batchSize]);
  const haltLoss = e('ReduceMean', [haltTerms], [], { keepdims: 0 });
  const dQHalt = e('Mul', [e('Sub', [e('Sigmoid', [qHalt], [batchSize]), exact], [batchSize]), scalar(0.5 / batchSize)], [batchSize]);

  output(keepLogits, names.keepLogits);
  output(logits, names.logits);
  output(qHalt, names.qHalt);
  output(exact, names.exact);
  output(keepLoss, names.keepLoss);
  output(crossEntropy, names.crossEntropy);
  output(haltLoss, names.haltLoss);
  output(tokenAccuracy, names.tokenAccuracy);
  return finish(
    [
      [keepLogits, dKeep],
      [logits, dLogits],
      [qHalt, dQHalt],
    ],
    'TRM candidate training step',
  );
}
