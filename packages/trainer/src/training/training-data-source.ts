/**
 * What every engine trains on: examples already encoded as token ids. Kept apart from the
 * trainers so code that only moves examples (workers, the onnxruntime engine) loads no tfjs.
 */
export interface TrainingExample {
  /** [sequenceLength] input token ids. */
  readonly tokens: Int32Array;
  /** [sequenceLength] target token ids: the answer. */
  readonly labels: Int32Array;
  readonly puzzleIdentifier?: number;
  /**
   * Optional per-step targets (Deep Improvement Supervision, arXiv 2511.16886): supervision step
   * s (from 0) trains its cross-entropy on stepLabels[s] while s < stepLabels.length, then on
   * `labels`. Halting and exact accuracy always judge against `labels`, the answer.
   */
  readonly stepLabels?: readonly Int32Array[];
}

export interface TrainingDataSource {
  /** Describes the data for the manifest's training record. */
  readonly description: string;
  /** Per-puzzle embeddings: the name of identifier i + 1 (see TaskTrainingDataV1.puzzleNames). */
  readonly puzzleNames?: readonly string[];
  next(): TrainingExample;
  /** Sources that make examples elsewhere (a worker) resolve this once `count` can be taken. */
  ready?(count: number): Promise<void>;
}
