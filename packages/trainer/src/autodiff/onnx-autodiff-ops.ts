import { type TensorOps, resolveEnd } from '../network/tensor-ops';
import { OnnxGraphBuilder, OnnxType } from '../onnx/onnx-graph';
import type { TapeEntry, TracedTensor } from './traced-tensor';

/**
 * TensorOps that emit ONNX forward nodes with static shapes and, while `recording` is on, keep a
 * tape with each op's backward rule (written as more ONNX nodes). Reverse-mode differentiation
 * then walks the tape from the loss.
 */
export class OnnxAutodiffOps implements TensorOps<TracedTensor> {
  readonly tape: TapeEntry[] = [];
  recording = false;
  private readonly transposedWeights = new Map<string, TracedTensor>();

  constructor(
    readonly graph: OnnxGraphBuilder,
    private readonly parameters: ReadonlyMap<string, TracedTensor>,
  ) {}

  // --- helpers that emit nodes without recording ---
  emit(op: string, inputs: TracedTensor[], shape: readonly number[], attributes: Record<string, number | number[]> = {}): TracedTensor {
    return { name: this.graph.node(op, inputs.map((input) => input.name), attributes), shape };
  }
  private record(output: TracedTensor, inputs: TracedTensor[], backward: TapeEntry['backward']): TracedTensor {
    if (this.recording) this.tape.push({ output, inputs, backward });
    return output;
  }
  private scalarTensor(value: number): TracedTensor {
    return { name: this.graph.scalar(value), shape: [] };
  }
  private int64s(values: number[]): TracedTensor {
    return { name: this.graph.int64s(values), shape: [values.length] };
  }
  private transposeLast(x: TracedTensor): TracedTensor {
    const rank = x.shape.length;
    const perm = [...Array(rank).keys()];
    [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
    return this.emit('Transpose', [x], perm.map((axis) => x.shape[axis]!), { perm });
  }
  private weightTransposed(weight: TracedTensor): TracedTensor {
    let transposed = this.transposedWeights.get(weight.name);
    if (!transposed) {
      transposed = this.transposeLast(weight);
      this.transposedWeights.set(weight.name, transposed);
    }
    return transposed;
  }
  /** Sums a broadcast gradient back down to `shape`. */
  unbroadcast(gradient: TracedTensor, shape: readonly number[]): TracedTensor {
    if (sameShape(gradient.shape, shape)) return gradient;
    const offset = gradient.shape.length - shape.length;
    const axes: number[] = [];
    gradient.shape.forEach((size, axis) => {
      if (axis < offset || (shape[axis - offset] === 1 && size !== 1)) axes.push(axis);
    });
    const reduced = this.emit('ReduceSum', [gradient, this.int64s(axes)], gradient.shape.map((size, axis) => (axes.includes(axis) ? 1 : size)), { keepdims: 1 });
    return this.emit('Reshape', [reduced, this.int64s([...shape])], shape);
  }
  reshapeTo(x: TracedTensor, shape: readonly number[]): TracedTensor {
    return sameShape(x.shape, shape) ? x : this.emit('Reshape', [x, this.int64s([...shape])], shape);
  }

  // --- TensorOps ---
  parameter(name: string): TracedTensor {
    const value = this.parameters.get(name);
    if (!value) throw new Error(`unknown parameter ${name}`);
    return value;
  }

  linear(x: TracedTensor, weight: TracedTensor): TracedTensor {
    const inner = weight.shape[0]!;
    const columns = weight.shape[1]!;
    const output = this.emit('MatMul', [x, weight], [...x.shape.slice(0, -1), columns]);
    return this.record(output, [x, weight], (gradient, needed) => {
      const dx = needed[0] ? this.emit('MatMul', [gradient, this.weightTransposed(weight)], x.shape) : null;
      if (!needed[1]) return [dx, null];
      const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const flatX = this.reshapeTo(x, [rows, inner]);
      const flatGradient = this.reshapeTo(gradient, [rows, columns]);
      const dw = this.emit('MatMul', [this.transposeLast(flatX), flatGradient], [inner, columns]);
      return [dx, dw];
    });
  }

  add(a: TracedTensor, b: TracedTensor): TracedTensor {
    const output = this.emit('Add', [a, b], broadcastShape(a.shape, b.shape));
    return this.record(output, [a, b], (gradient, needed) => [
      needed[0] ? this.unbroadcast(gradient, a.shape) : null,
      needed[1] ? this.unbroadcast(gradient, b.shape) : null,
    ]);
  }

  sub(a: TracedTensor, b: TracedTensor): TracedTensor {
    const output = this.emit('Sub', [a, b], broadcastShape(a.shape, b.shape));
    return this.record(output, [a, b], (gradient, needed) => [
      needed[0] ? this.unbroadcast(gradient, a.shape) : null,
      needed[1] ? this.unbroadcast(this.emit('Neg', [gradient], gradient.shape), b.shape) : null,
    ]);
  }

  mul(a: TracedTensor, b: TracedTensor): TracedTensor {
    const output = this.emit('Mul', [a, b], broadcastShape(a.shape, b.shape));
    return this.record(output, [a, b], (gradient, needed) => [
      needed[0] ? this.unbroadcast(this.emit('Mul', [gradient, b], gradient.shape), a.shape) : null,
      needed[1] ? this.unbroadcast(this.emit('Mul', [gradient, a], gradient.shape), b.shape) : null,
    ]);
  }

  scale(x: TracedTensor, factor: number): TracedTensor {
    const output = this.emit('Mul', [x, this.scalarTensor(factor)], x.shape);
    return this.record(output, [x], (gradient) => [this.emit('Mul', [gradient, this.scalarTensor(factor)], x.shape)]);
  }

  silu(x: TracedTensor): TracedTensor {
    const sigmoid = this.emit('Sigmoid', [x], x.shape);
    const output = this.emit('Mul', [x, sigmoid], x.shape);
    return this.record(output, [x], (gradient) => {
      // d/dx x*s(x) = s * (1 + x * (1 - s))
      const oneMinus = this.emit('Sub', [this.scalarTensor(1), sigmoid], x.shape);
      const inner = this.emit('Add', [this.scalarTensor(1), this.emit('Mul', [x, oneMinus], x.shape)], x.shape);
      return [this.emit('Mul', [gradient, this.emit('Mul', [sigmoid, inner], x.shape)], x.shape)];
    });
  }

  rmsNorm(x: TracedTensor, epsilon: number): TracedTensor {
    const reducedShape = [...x.shape.slice(0, -1), 1];
    const meanSquare = this.emit('ReduceMean', [this.emit('Mul', [x, x], x.shape)], reducedShape, { axes: [-1], keepdims: 1 });
    const inverse = this.emit('Reciprocal', [this.emit('Sqrt', [this.emit('Add', [meanSquare, this.scalarTensor(epsilon)], reducedShape)], reducedShape)], reducedShape);
    const output = this.emit('Mul', [x, inverse], x.shape);
    return this.record(output, [x], (gradient) => {
      // dx = r * (g - y * mean(g * y))
      const projection = this.emit('ReduceMean', [this.emit('Mul', [gradient, output], x.shape)], reducedShape, { axes: [-1], keepdims: 1 });
      const centered = this.emit('Sub', [gradient, this.emit('Mul', [output, projection], x.shape)], x.shape);
      return [this.emit('Mul', [centered, inverse], x.shape)];
    });
  }

  transpose(x: TracedTensor, permutation: number[]): TracedTensor {
    const output = this.emit('Transpose', [x], permutation.map((axis) => x.shape[axis]!), { perm: permutation });
    const inverse = permutation.map((_, axis) => permutation.indexOf(axis));
    return this.record(output, [x], (gradient) => [this.emit('Transpose', [gradient], x.shape, { perm: inverse })]);
  }

  reshape(x: TracedTensor, shape: number[]): TracedTensor {
    const total = x.shape.reduce((a, b) => a * b, 1);
    const known = shape.filter((size) => size !== -1).reduce((a, b) => a * b, 1);
    const resolved = shape.map((size) => (size === -1 ? total / known : size));
    const output = this.emit('Reshape', [x, this.int64s(resolved)], resolved);
    return this.record(output, [x], (gradient) => [this.reshapeTo(gradient, x.shape)]);
  }

  slice(x: TracedTensor, axis: number, start: number, end?: number): TracedTensor {
    const stop = resolveEnd(x.shape[axis]!, end);
    const shape = x.shape.map((size, index) => (index === axis ? stop - start : size));
    const output = this.emit('Slice', [x, this.int64s([start]), this.int64s([stop]), this.int64s([axis])], shape);
    return this.record(output, [x], (gradient) => {
      const pads = new Array(2 * x.shape.length).fill(0);
      pads[axis] = start;
      pads[x.shape.length + axis] = x.shape[axis]! - stop;
      return [this.emit('Pad', [gradient, this.int64s(pads)], x.shape)];
    });
  }

  pad(x: TracedTensor, pads: number[]): TracedTensor {
    const rank = x.shape.length;
    const shape = x.shape.map((size, axis) => size + pads[axis]! + pads[rank + axis]!);
    const output = this.emit('Pad', [x, this.int64s(pads)], shape);
    return this.record(output, [x], (gradient) => {
      // The gradient of zero padding is the slice that drops the padding again.
      const starts = x.shape.map((_, axis) => pads[axis]!);
      const ends = x.shape.map((size, axis) => pads[axis]! + size);
      const axes = x.shape.map((_, axis) => axis);
      return [this.emit('Slice', [gradient, this.int64s(starts), this.int64s(ends), this.int64s(axes)], x.shape)];
    });
  }

  mean(x: TracedTensor, axis: number): TracedTensor {
    const shape = x.shape.map((size, index) => (index === axis ? 1 : size));
    const output = this.emit('ReduceMean', [x], shape, { axes: [axis], keepdims: 1 });
    return this.record(output, [x], (gradient) => [
      this.emit('Expand', [this.emit('Mul', [gradient, this.scalarTensor(1 / x.shape[axis]!)], shape), this.int64s([...x.shape])], x.shape),
    ]);
  }

  toGrid(x: TracedTensor, height: number, width: number, channels: number): TracedTensor {
    return this.reshape(x, [-1, height, width, channels]);
  }

  fromGrid(x: TracedTensor, channels: number): TracedTensor {
    return this.reshape(x, [x.shape[0]!, -1, channels]);
  }

  concat(xs: TracedTensor[], axis: number): TracedTensor {
    const shape = xs[0]!.shape.map((size, index) => (index === axis ? xs.reduce((sum, x) => sum + x.shape[axis]!, 0) : size));
    const output = this.emit('Concat', xs, shape, { axis });
    return this.record(output, xs, (gradient, needed) => {
      let offset = 0;
      return xs.map((x, index) => {
        const size = x.shape[axis]!;
        if (!needed[index]) {
          offset += size;
          return null;
        }
        const piece = this.emit('Slice', [gradient, this.int64s([offset]), this.int64s([offset + size]), this.int64s([axis])], x.shape);
        offset += size;
        return piece;
      });
    });
  }

  softmax(x: TracedTensor): TracedTensor {
    const output = this.emit('Softmax', [x], x.shape, { axis: -1 });
    return this.record(output, [x], (gradient) => {
      const reducedShape = [...x.shape.slice(0, -1), 1];
      const dot = this.emit('ReduceSum', [this.emit('Mul', [gradient, output], x.shape), this.int64s([-1])], reducedShape, { keepdims: 1 });
      return [this.emit('Mul', [output, this.emit('Sub', [gradient, dot], x.shape)], x.shape)];
    });
  }

  batchMatMul(a: TracedTensor, b: TracedTensor, transposeB: boolean): TracedTensor {
    const right = transposeB ? this.transposeLast(b) : b;
    const output = this.emit('MatMul', [a, right], [...a.shape.slice(0, -1), right.shape[right.shape.length - 1]!]);
    return this.record(output, [a, b], (gradient, needed) => {
      const da = needed[0] ? this.emit('MatMul', [gradient, this.transposeLast(right)], a.shape) : null;
      if (!needed[1]) return [da, null];
      // d(right) = a^T g; with transposeB, db = (a^T g)^T = g^T a.
      const db = transposeB ? this.emit('MatMul', [this.transposeLast(gradient), a], b.shape) : this.emit('MatMul', [this.transposeLast(a), gradient], b.shape);
      return [da, db];
    });
  }

  embed(ids: TracedTensor, table: TracedTensor): TracedTensor {
    const [rows, width] = table.shape as [number, number];
    const output = this.emit('Gather', [table, ids], [...ids.shape, width], { axis: 0 });
    return this.record(output, [ids, table], (gradient) => {
      const count = ids.shape.reduce((a, b) => a * b, 1);
      const oneHot = this.oneHot(this.reshapeTo(ids, [count]), rows);
      const dTable = this.emit('MatMul', [this.transposeLast(oneHot), this.reshapeTo(gradient, [count, width])], [rows, width]);
      return [null, dTable];
    });
  }

  /** Float one-hot [count, depth] of int ids [count]. */
  oneHot(ids: TracedTensor, depth: number): TracedTensor {
    const depthTensor = this.int64s([depth]);
    const values = { name: this.graph.initializer(`const_onehot_values`, OnnxType.float, [2], Float32Array.of(0, 1)), shape: [2] };
    // onnxruntime's CPU OneHot takes int64 indices only.
    const wideIds = this.emit('Cast', [ids], ids.shape, { to: OnnxType.int64 });
    return this.emit('OneHot', [wideIds, depthTensor, values], [...ids.shape, depth], { axis: -1 });
  }

  /**
   * The k x k neighbourhood matmul as one taped op with its own backward: the weight's gradient is
   * taps^T times the output's gradient, and the grid's is the gradient's own neighbourhood times the
   * weight's blocks in reverse order, each transposed (dX[q] = sum_k dY[q - o_k] W_k^T). Composed from
   * primitives instead, the backward would pad each tap's gradient back to the full padded grid and
   * sum them: nine full-size tensors per use.
   */
  gridConv(grid: TracedTensor, weight: TracedTensor, size: number, dilation: number): TracedTensor {
    const [batch, height, width, channels] = grid.shape as [number, number, number, number];
    const taps = this.neighbourhood(grid, size, dilation);
    const outputs = weight.shape[1]!;
    const blocks = size * size;
    const output = this.emit('MatMul', [taps, weight], [batch, height, width, outputs]);
    return this.record(output, [grid, weight], (gradient, needed) => {
      let dGrid: TracedTensor | null = null;
      let dWeight: TracedTensor | null = null;
      if (needed[0]) {
        const split = this.reshapeTo(weight, [blocks, channels, outputs]);
        const order = this.int64s(Array.from({ length: blocks }, (_, index) => blocks - 1 - index));
        const reversed = this.emit('Gather', [split, order], [blocks, channels, outputs], { axis: 0 });
        const flipped = this.reshapeTo(this.emit('Transpose', [reversed], [blocks, outputs, channels], { perm: [0, 2, 1] }), [blocks * outputs, channels]);
        dGrid = this.emit('MatMul', [this.neighbourhood(gradient, size, dilation), flipped], grid.shape);
      }
      if (needed[1]) {
        const rows = batch * height * width;
        dWeight = this.emit('MatMul', [this.transposeLast(this.reshapeTo(taps, [rows, blocks * channels])), this.reshapeTo(gradient, [rows, outputs])], weight.shape);
      }
      return [dGrid, dWeight];
    });
  }

  /**
   * [B, H, W, C] to its k x k neighbourhoods side by side (the layout of `gridTaps`: tap-major,
   * rows then columns), not taped: `gridConv` has its own backward. One Gather over the cells with
   * a zero row appended for taps outside the grid: each tap is written once, where pad, k*k slices
   * and a concat write it twice.
   */
  private neighbourhood(x: TracedTensor, size: number, dilation: number): TracedTensor {
    const [batch, height, width, channels] = x.shape as [number, number, number, number];
    const cells = height * width;
    const blocks = size * size;
    const flat = this.reshapeTo(x, [batch, cells, channels]);
    const withZero = this.emit('Pad', [flat, this.int64s([0, 0, 0, 0, 1, 0])], [batch, cells + 1, channels]);
    const gathered = this.emit('Gather', [withZero, this.tapIndices(height, width, size, dilation)], [batch, cells * blocks, channels], { axis: 1 });
    return this.reshapeTo(gathered, [batch, height, width, blocks * channels]);
  }

  /** For each cell and tap (dy outer, dx inner), the cell it reads, or the zero row past the grid. */
  private tapIndices(height: number, width: number, size: number, dilation: number): TracedTensor {
    const key = `${height}x${width}k${size}d${dilation}`;
    let known = this.tapTables.get(key);
    if (!known) {
      const reach = (dilation * (size - 1)) / 2;
      const indices: number[] = [];
      for (let row = 0; row < height; row++) {
        for (let column = 0; column < width; column++) {
          for (let dy = -reach; dy <= reach; dy += dilation) {
            for (let dx = -reach; dx <= reach; dx += dilation) {
              const y = row + dy;
              const x = column + dx;
              indices.push(y >= 0 && y < height && x >= 0 && x < width ? y * width + x : height * width);
            }
          }
        }
      }
      known = { name: this.graph.initializer(`const_taps_${key}`, OnnxType.int64, [indices.length], BigInt64Array.from(indices, BigInt)), shape: [indices.length] };
      this.tapTables.set(key, known);
    }
    return known;
  }
  private readonly tapTables = new Map<string, TracedTensor>();

  constant(name: string, values: Float32Array, shape: number[]): TracedTensor {
    return { name: this.graph.initializer(name, OnnxType.float, shape, values), shape };
  }
}

function sameShape(a: readonly number[], b: readonly number[]) {
  return a.length === b.length && a.every((size, index) => size === b[index]);
}

function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let index = 0; index < rank; index++) {
    const x = a[a.length - rank + index] ?? 1;
    const y = b[b.length - rank + index] ?? 1;
    out.push(Math.max(x, y));
  }
  return out;
}
