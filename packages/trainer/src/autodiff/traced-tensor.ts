/** A value in a training graph under construction: its ONNX name and static shape. */
export interface TracedTensor {
  readonly name: string;
  readonly shape: readonly number[];
}

/** One differentiable operation recorded for the backward pass. */
export interface TapeEntry {
  readonly output: TracedTensor;
  readonly inputs: readonly TracedTensor[];
  /**
   * Emits gradient nodes for each input from the output's gradient; `needed[i]` is false for
   * inputs that need none (constants, state carried in without gradient), which get null.
   */
  readonly backward: (gradient: TracedTensor, needed: readonly boolean[]) => (TracedTensor | null)[];
}
