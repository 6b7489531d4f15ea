import type { TensorOps } from '../network/tensor-ops';
import type { ParameterValues } from '../network/trm-parameters';
import { OnnxGraphBuilder, OnnxType } from './onnx-graph';

/** Lowers TensorOps to ONNX nodes (opset 17). A tensor is the name of a graph value. */
export function createOnnxOps(graph: OnnxGraphBuilder, parameters: ParameterValues, shapes: Map<string, readonly number[]>): TensorOps<string> {
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
    slice: (x, axis, start, end) => graph.node('Slice', [x, graph.int64s([start]), graph.int64s([end]), graph.int64s([axis])]),
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
