import type { TaskTrainingDataV1, TaskTrainingExampleV1 } from '@trm/core';

/**
 * What every engine trains on: examples already encoded as token ids (the task contract's own
 * shape). Kept apart from the trainers so code that only moves examples (workers, the
 * onnxruntime engine) loads no tfjs.
 */
export type TrainingExample = TaskTrainingExampleV1;

/** A task's training stream, or one that makes its examples elsewhere. */
export interface TrainingDataSource extends TaskTrainingDataV1 {
  /** Sources that make examples elsewhere (a worker) resolve this once `count` can be taken. */
  ready?(count: number): Promise<void>;
}
