import * as tf from '@tensorflow/tfjs';
import { type TensorOps, resolveEnd } from '../network/tensor-ops';

/**
 * 2-D matmul with an explicit gradient: the default matmul gradient uses transposed and batched
 * forms that run several times slower on the wasm backend.
 */
const matMul2d = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [savedX, savedW] = saved as [tf.Tensor2D, tf.Tensor2D];
      const gradient = dy as tf.Tensor2D;
      return [tf.matMul(gradient, tf.transpose(savedW)), tf.matMul(tf.transpose(savedX), gradient)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor;

/** Lowers TensorOps to eager tfjs ops (differentiable with tf.variableGrads). */
export function createTfjsOps(parameters: ReadonlyMap<string, tf.Tensor>): TensorOps<tf.Tensor> {
  const constants = new Map<string, tf.Tensor>();
  const linear = (x: tf.Tensor, weight: tf.Tensor) => {
    const inner = x.shape[x.shape.length - 1]!;
    const flat = x.rank === 2 ? x : x.reshape([-1, inner]);
    const out = matMul2d(flat, weight);
    return x.rank === 2 ? out : out.reshape([...x.shape.slice(0, -1), weight.shape[1]!]);
  };
  return {
    parameter(name) {
      const value = parameters.get(name);
      if (!value) throw new Error(`unknown parameter ${name}`);
      return value;
    },
    linear,
    add: (a, b) => tf.add(a, b),
    mul: (a, b) => tf.mul(a, b),
    sub: (a, b) => tf.sub(a, b),
    scale: (x, factor) => tf.mul(x, tf.scalar(factor)),
    silu: (x) => tf.mul(x, tf.sigmoid(x)),
    rmsNorm: (x, epsilon) => tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), tf.scalar(epsilon)))),
    transpose: (x, permutation) => tf.transpose(x, permutation),
    reshape: (x, shape) => tf.reshape(x, shape),
    slice(x, axis, start, end) {
      const begin = x.shape.map(() => 0);
      const size = x.shape.map(() => -1);
      begin[axis] = start;
      size[axis] = resolveEnd(x.shape[axis]!, end) - start;
      return tf.slice(x, begin, size);
    },
    pad(x, pads) {
      const rank = x.rank;
      return tf.pad(x, x.shape.map((_, axis) => [pads[axis]!, pads[rank + axis]!] as [number, number]));
    },
    mean: (x, axis) => tf.mean(x, axis, true),
    toGrid: (x, height, width, channels) => tf.reshape(x, [-1, height, width, channels]),
    fromGrid: (x, channels) => tf.reshape(x, [x.shape[0]!, -1, channels]),
    concat: (xs, axis) => tf.concat(xs, axis),
    softmax: (x) => tf.softmax(x),
    batchMatMul: (a, b, transposeB) => tf.matMul(a, b, false, transposeB),
    // One-hot matmul instead of gather: gather has no gradient on the wasm backend.
    embed(ids, table) {
      const rows = table.shape[0]!;
      const flat = tf.reshape(ids, [-1]) as tf.Tensor1D;
      // tf.oneHot refuses depth 1, and on wasm returns zeros when asked for float32 (so cast).; a one-row table is every id's row.
      const oneHot = rows === 1 ? tf.ones([flat.shape[0], 1]) : tf.cast(tf.oneHot(flat, rows), 'float32');
      return tf.reshape(linear(oneHot, table), [...ids.shape, table.shape[1]!]);
    },
    constant(name, values, shape) {
      let value = constants.get(name);
      if (!value) {
        value = tf.keep(tf.tensor(values, shape));
        constants.set(name, value);
      }
      return value;
    },
  };
}

