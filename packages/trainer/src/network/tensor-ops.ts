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
  /** Slice along `axis` from start (inclusive) to end (exclusive). */
  slice(x: T, axis: number, start: number, end: number): T;
  concat(xs: T[], axis: number): T;
  /** Softmax over the last axis. */
  softmax(x: T): T;
  /** Batched a [..., M, K] times b [..., K, N] (or b [..., N, K] transposed). */
  batchMatMul(a: T, b: T, transposeB: boolean): T;
  /** Integer ids [B, L] to rows of table [V, D]: [B, L, D]. */
  embed(ids: T, table: T): T;
  /** A constant tensor (RoPE tables). */
  constant(name: string, values: Float32Array, shape: number[]): T;
}
