/**
 * The operations the TRM network is written in. Each backend (tfjs for training, ONNX for
 * export) implements them once; the network description in `trm-network.ts` is written only
 * against this interface, so the two lowerings cannot drift apart.
 *
 * Shapes use -1 for the batch dimension, which is only known at run time.
 */
export interface TensorOps<T> {
  /** A trained or fixed parameter by name. */
  parameter(name: string): T;
  /** x [..., K] times w [K, N]. */
  linear(x: T, weight: T): T;
  add(a: T, b: T): T;
  mul(a: T, b: T): T;
  /** a - b. */
  sub(a: T, b: T): T;
  scale(x: T, factor: number): T;
  silu(x: T): T;
  /** x / sqrt(mean(x^2, last axis) + epsilon); no learned weight. */
  rmsNorm(x: T, epsilon: number): T;
  transpose(x: T, permutation: number[]): T;
  reshape(x: T, shape: number[]): T;
  /**
   * Slice along `axis` from start (inclusive) to end (exclusive). A missing end means the axis's
   * end and a negative one counts from it, so a graph that runs any grid size can slice without
   * knowing it.
   */
  slice(x: T, axis: number, start: number, end?: number): T;
  /** Zero padding; `pads` lists every axis's count before, then every axis's count after (ONNX order). */
  pad(x: T, pads: number[]): T;
  /** Mean over `axis`, kept as a size-1 axis. */
  mean(x: T, axis: number): T;
  /**
   * [B, H*W, D] as the grid [B, H, W, D]. A lowering that runs any square grid (the ONNX export of
   * a conv model) reads the side from the input instead of `height` and `width`.
   */
  toGrid(x: T, height: number, width: number, channels: number): T;
  /** [B, H, W, D] back to [B, H*W, D]. */
  fromGrid(x: T, channels: number): T;
  concat(xs: T[], axis: number): T;
  /** Softmax over the last axis. */
  softmax(x: T): T;
  /** Batched a [..., M, K] times b [..., K, N] (or b [..., N, K] transposed). */
  batchMatMul(a: T, b: T, transposeB: boolean): T;
  /** Integer ids [B, L] to rows of table [V, D]: [B, L, D]. */
  embed(ids: T, table: T): T;
  /** A constant tensor (RoPE tables). */
  constant(name: string, values: Float32Array, shape: number[]): T;
  /**
   * Optional: a lowering's own k x k neighbourhood matmul of a grid [B, H, W, D] (zero outside)
   * with weight [k*k*D, N], taps in row-major order of their offsets, `dilation` apart. Without it
   * the network composes pad, slices, concat and linear (`gridConvByTaps`).
   */
  gridConv?(grid: T, weight: T, size: number, dilation: number): T;
}

/** A slice end as an index: missing is the axis's size, negative counts back from it. */
export function resolveEnd(size: number, end: number | undefined): number {
  if (end === undefined) return size;
  return end < 0 ? size + end : end;
}
