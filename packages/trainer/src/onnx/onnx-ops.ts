import type { TensorOps } from '../network/tensor-ops';
import type { ParameterValues } from '../network/trm-parameters';
import { OnnxGraphBuilder, OnnxType } from './onnx-graph';

/** ONNX Slice's "to the end" (it clamps ends to the axis). */
export const SLICE_TO_END = 2 ** 31 - 1;

/**
 * Lowers TensorOps to ONNX nodes (opset 17). A tensor is the name of a graph value. With `anyGrid`
 * the grid's side is read from the input's shape (square grids), so one graph runs every size.
 */
export function createOnnxOps(
  graph: OnnxGraphBuilder,
  parameters: ParameterValues,
  shapes: Map<string, readonly number[]>,
  options: { anyGrid?: boolean } = {},
): TensorOps<string> {
  return {
    parameter(name) {
      const value = parameters.get(name);
      const shape = shapes.get(name);
      if (!value || !shape) throw new Error(`unknown parameter ${name}`);
      return graph.initializer(name, OnnxType.float, [...shape], value);
    },
    linear: (x, weight) => graph.node('MatMul', [x, weight]),
    add: (a, b) => graph.node('Add', [a, b]),
    mul: (a, b) => graph.node('Mul', [a, b]),
    sub: (a, b) => graph.node('Sub', [a, b]),
    scale: (x, factor) => graph.node('Mul', [x, graph.scalar(factor)]),
    silu: (x) => graph.node('Mul', [x, graph.node('Sigmoid', [x])]),
    rmsNorm(x, epsilon) {
      const meanSquare = graph.node('ReduceMean', [graph.node('Mul', [x, x])], { axes: [-1], keepdims: 1 });
      return graph.node('Div', [x, graph.node('Sqrt', [graph.node('Add', [meanSquare, graph.scalar(epsilon)])])]);
    },
    transpose: (x, permutation) => graph.node('Transpose', [x], { perm: permutation }),
    reshape: (x, shape) => graph.node('Reshape', [x, graph.int64s(shape)]),
    slice: (x, axis, start, end) => graph.node('Slice', [x, graph.int64s([start]), graph.int64s([end ?? SLICE_TO_END]), graph.int64s([axis])]),
    pad: (x, pads) => graph.node('Pad', [x, graph.int64s(pads)]),
    mean: (x, axis) => graph.node('ReduceMean', [x], { axes: [axis], keepdims: 1 }),
    toGrid(x, height, width, channels) {
      if (!options.anyGrid) return graph.node('Reshape', [x, graph.int64s([-1, height, width, channels])]);
      // side = sqrt(cells): exact for the perfect squares the runtimes admit.
      const cells = graph.node('Slice', [graph.node('Shape', [x]), graph.int64s([1]), graph.int64s([2])]);
      const side = graph.node('Cast', [graph.node('Sqrt', [graph.node('Cast', [cells], { to: OnnxType.float })])], { to: OnnxType.int64 });
      return graph.node('Reshape', [x, graph.node('Concat', [graph.int64s([-1]), side, side, graph.int64s([channels])], { axis: 0 })]);
    },
    fromGrid: (x, channels) => graph.node('Reshape', [x, graph.int64s([0, -1, channels])]),
    concat: (xs, axis) => graph.node('Concat', xs, { axis }),
    softmax: (x) => graph.node('Softmax', [x], { axis: -1 }),
    batchMatMul(a, b, transposeB) {
      if (!transposeB) return graph.node('MatMul', [a, b]);
      // Only 4-D attention tensors come through here.
      return graph.node('MatMul', [a, graph.node('Transpose', [b], { perm: [0, 1, 3, 2] })]);
    },
    embed: (ids, table) => graph.node('Gather', [table, ids], { axis: 0 }),
    constant: (name, values, shape) => graph.initializer(name, OnnxType.float, shape, values),
  };
}
